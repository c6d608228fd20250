"""An app built around the suite's small detector."""

from __future__ import annotations

import pytest

from classifier.web import create_app

SCAM_TEXT = "您好，我是市公安局的民警，您的银行卡涉嫌洗钱，请立即把钱转入安全账户配合调查，不要告诉任何人。"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser (chromium) against a running server")


@pytest.fixture
def make_app(detector, tmp_path):
    """Build an app with the test detector; keyword arguments override the config."""

    def make(**overrides):
        config = {"TESTING": True, "DETECTOR": detector, "RATE_LIMIT": None, "MODEL_PATH": str(tmp_path / "model.joblib"),
                  "FEEDBACK_DB": str(tmp_path / "feedback.sqlite3")}
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
