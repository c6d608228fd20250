"""Shared fixtures: a tiny corpus and a small model trained on it (seconds, not minutes)."""

from pathlib import Path

import pytest

from classifier import ScamClassifier
from classifier.dataset import load_examples

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def mini_examples():
    return load_examples(FIXTURES)


@pytest.fixture(scope="session")
def small_model(mini_examples):
    return ScamClassifier(calibration_folds=2).fit([e.text for e in mini_examples], [e.label for e in mini_examples])


@pytest.fixture(scope="session")
def saved_model(small_model, tmp_path_factory):
    """Path of the small model saved with its manifest."""
    path = tmp_path_factory.mktemp("model") / "scam_classifier.joblib"
    small_model.save(path, metrics={"macro_f1": 1.0})
    return path
