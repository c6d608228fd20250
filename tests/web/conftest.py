"""A small classifier trained once per session on a tiny corpus, and an app built around it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier import ScamClassifier
from classifier.web import create_app

FIXTURES = Path(__file__).with_name("fixtures")
SCAM_TEXT = "您好，我是市公安局的民警，您的银行卡涉嫌洗钱，请立即把钱转入安全账户配合调查，不要告诉任何人。"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser (chromium) against a running server")


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    with open(FIXTURES / "corpus.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def small_classifier(corpus) -> ScamClassifier:
    return ScamClassifier(calibration_folds=2).fit([row["text"] for row in corpus], [row["label"] for row in corpus])


@pytest.fixture
def make_app(small_classifier, tmp_path):
    """Build an app with the test classifier; keyword arguments override the config."""

    def make(**overrides):
        config = {"TESTING": True, "CLASSIFIER": small_classifier, "RATE_LIMIT": None, "MODEL_PATH": str(tmp_path / "model.joblib")}
        return create_app({**config, **overrides})

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def scam_text() -> str:
    return SCAM_TEXT
