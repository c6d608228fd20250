"""The suite's one small model: trained once per session on a tiny corpus (seconds, not minutes)."""

import json
from functools import cache
from pathlib import Path

import pytest

from classifier import Detector, ScamClassifier

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus.jsonl"


def read_corpus() -> list[dict]:
    with open(CORPUS, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@cache
def train_small_model() -> ScamClassifier:
    """Trained once per test process (also for modules that need a model when they are collected)."""
    corpus = read_corpus()
    # 132 messages: the shipped min_df (a word in 3 messages, a character n-gram in 5) would leave few features.
    return ScamClassifier(calibration_folds=2, min_df=(2, 3)).fit([row["text"] for row in corpus], [row["label"] for row in corpus])


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    return read_corpus()


@pytest.fixture(scope="session")
def small_model() -> ScamClassifier:
    return train_small_model()


@pytest.fixture(scope="session")
def detector(small_model) -> Detector:
    return Detector(small_model)


@pytest.fixture(scope="session")
def saved_model(small_model, tmp_path_factory) -> Path:
    """Path of the small model saved with its manifest."""
    path = tmp_path_factory.mktemp("model") / "scam_classifier.joblib"
    small_model.save(path, metrics={"macro_f1": 1.0})
    return path
