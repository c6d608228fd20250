"""Does a risk score mean what it says? Expected calibration error and a reliability diagram.

Both look at the binary question the product answers: ``risk_score`` (1 − P(normal)) against whether the
message really is a scam. Ten equal-width bins; the error is the gap between the mean score and the share
of scams in each bin, weighted by the bin's share of messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

BINS = 10


@dataclass(frozen=True)
class Reliability:
    """Per bin: how many messages, their mean risk score, and the share of them that are scams."""

    counts: np.ndarray
    mean_score: np.ndarray
    scam_share: np.ndarray

    @property
    def expected_calibration_error(self) -> float:
        total = self.counts.sum()
        if not total:
            return 0.0
        gaps = np.abs(self.mean_score - self.scam_share)
        return float(np.nansum(gaps * self.counts) / total)


def reliability(scores, is_scam, bins: int = BINS) -> Reliability:
    scores, is_scam = np.asarray(scores, dtype=float), np.asarray(is_scam, dtype=float)
    which = np.minimum((scores * bins).astype(int), bins - 1)
    counts = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_score = np.bincount(which, weights=scores, minlength=bins) / counts
        scam_share = np.bincount(which, weights=is_scam, minlength=bins) / counts
    return Reliability(counts, mean_score, scam_share)


def plot_reliability(curves: dict[str, Reliability], path: str | Path, title: str) -> Path:
    """A reliability diagram (one line per named curve, e.g. own eval and the development set) as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 6))
    axes.plot([0, 1], [0, 1], color="#999999", linestyle="--", label="perfectly calibrated")
    for (name, curve), colour in zip(curves.items(), ("#1f5fa8", "#c8501e", "#2e7d32")):
        used = curve.counts > 0
        axes.plot(curve.mean_score[used], curve.scam_share[used], marker="o", color=colour,
                  label=f"{name} (ECE {curve.expected_calibration_error:.3f})")
    axes.set_xlabel("risk score (mean in bin)")
    axes.set_ylabel("share that are scams")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_title(title)
    axes.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(figure)
    return Path(path)
