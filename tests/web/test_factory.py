"""create_app: defaults, environment variables, the test dict, and a clear failure without a model."""

import pytest

from classifier import ModelError, load_typology
from classifier.web import create_app


def test_test_config_overrides_defaults(make_app):
    app = make_app(MAX_BATCH_ITEMS=5)
    assert app.testing
    assert app.config["MAX_BATCH_ITEMS"] == 5
    assert app.config["MAX_TEXT_CHARS"] == load_typology().limits["max_text_chars"]


def test_defaults(app):
    assert app.config["MAX_BATCH_ITEMS"] == 1000
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    assert app.config["MAX_JSON_BYTES"] == 2 * 1024 * 1024


def test_environment_variables_configure_the_app(monkeypatch, small_classifier):
    monkeypatch.setenv("SCAM_CLASSIFIER_MAX_BATCH_ITEMS", "7")
    monkeypatch.setenv("SCAM_CLASSIFIER_RATE_LIMIT", "null")
    monkeypatch.setattr("classifier.web.context.load_classifier", lambda path: small_classifier)
    app = create_app()
    assert app.config["MAX_BATCH_ITEMS"] == 7
    assert app.config["RATE_LIMIT"] is None
    assert not app.testing


def test_model_loaded_once_at_start(monkeypatch, small_classifier):
    calls = []
    monkeypatch.setattr("classifier.web.context.load_classifier", lambda path: calls.append(path) or small_classifier)
    client = create_app({"TESTING": True, "RATE_LIMIT": None, "MODEL_PATH": "/somewhere/model.joblib"}).test_client()
    for _ in range(3):
        assert client.get("/api/v1/health").status_code == 200
    assert calls == ["/somewhere/model.joblib"]


def test_missing_model_without_training_data_fails_clearly(tmp_path, monkeypatch):
    from classifier import load_or_train

    # A missing model is trained at start; with nothing to train on, start-up stops with a clear error.
    def no_data(path=None, notify=print):
        return load_or_train(path, data_dir=tmp_path / "empty", notify=notify)

    monkeypatch.setattr("classifier.web.context.load_or_train", no_data)
    with pytest.raises(ModelError, match="no training messages"):
        create_app({"MODEL_PATH": str(tmp_path / "missing.joblib")})


def test_a_missing_model_is_trained_at_start(monkeypatch, small_classifier, tmp_path):
    seen = {}

    def load_or_train(path=None, notify=print):
        seen["path"] = path
        return small_classifier

    monkeypatch.setattr("classifier.web.context.load_or_train", load_or_train)
    app = create_app({"TESTING": True, "MODEL_PATH": str(tmp_path / "m.joblib")})
    assert seen["path"] == str(tmp_path / "m.joblib")
    assert app.test_client().get("/api/v1/health").json["status"] == "ok"


def test_bad_rate_limit_setting_is_refused(make_app):
    with pytest.raises(ValueError, match="RATE_LIMIT"):
        make_app(RATE_LIMIT="lots")


def test_serve_builds_the_app_once_and_preloads_it(monkeypatch, small_classifier, tmp_path):
    from classifier.web import serve as serve_module

    captured = {}
    monkeypatch.setattr("classifier.web.context.load_classifier", lambda path: captured.setdefault("path", path) and small_classifier)
    monkeypatch.setattr(serve_module.Server, "run", lambda self: captured.update(app=self.load(), options=self.options))
    monkeypatch.delenv("SCAM_CLASSIFIER_MODEL_PATH", raising=False)
    serve_module.serve(host="127.0.0.1", port=8123, workers=3, model_path=tmp_path / "m.joblib")
    assert captured["path"] == str(tmp_path / "m.joblib")
    assert captured["options"]["bind"] == "127.0.0.1:8123"
    assert captured["options"]["workers"] == 3 and captured["options"]["preload_app"] is True
    assert captured["app"].extensions["scam_classifier"] is small_classifier


def test_serve_fails_clearly_without_a_model(monkeypatch, tmp_path):
    from classifier import load_or_train
    from classifier.web import serve as serve_module

    def no_data(path=None, notify=print):
        return load_or_train(path, data_dir=tmp_path / "empty", notify=notify)

    monkeypatch.setattr("classifier.web.context.load_or_train", no_data)
    monkeypatch.delenv("SCAM_CLASSIFIER_MODEL_PATH", raising=False)
    with pytest.raises(SystemExit, match="cannot start: no training messages"):
        serve_module.serve(model_path=tmp_path / "missing.joblib")
