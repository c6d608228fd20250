"""Calibration error and the reliability diagram."""

import numpy as np
import pytest

from classifier.calibration import plot_reliability, reliability


def test_a_calibrated_score_has_no_error_and_an_overconfident_one_does():
    rng = np.random.default_rng(0)
    scores = rng.uniform(size=20_000)
    honest = rng.uniform(size=scores.size) < scores  # a scam exactly as often as the score says
    assert reliability(scores, honest).expected_calibration_error < 0.02
    sure = np.where(scores > 0.5, 0.99, 0.01)  # the same ranking, pushed to the extremes
    assert reliability(sure, honest).expected_calibration_error == pytest.approx(0.24, abs=0.02)


def test_bins_count_every_message_once_and_score_one_lands_in_the_top_bin():
    curve = reliability([0.0, 0.05, 0.55, 1.0], [0, 0, 1, 1])
    assert curve.counts.sum() == 4 and curve.counts[0] == 2 and curve.counts[-1] == 1


def test_the_diagram_is_a_png(tmp_path):
    curve = reliability([0.1, 0.9, 0.8], [0, 1, 0])
    path = plot_reliability({"own eval": curve, "development set": curve}, tmp_path / "reliability.png", "test")
    assert path.read_bytes().startswith(b"\x89PNG")
