"""create_app and serve: defaults, environment variables, the test dict, and clear failures without a model."""

import pytest

from classifier import ModelError, SettingsError
from classifier.web import create_app


def test_test_config_overrides_defaults(make_app):
    app = make_app(MAX_BATCH_ITEMS=5)
    assert app.testing
    assert app.config["MAX_BATCH_ITEMS"] == 5
    assert app.config["MAX_TEXT_CHARS"] == 10_000


def test_defaults(app):
    assert app.config["MAX_BATCH_ITEMS"] == 1000
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    assert app.config["MAX_JSON_BYTES"] == 2 * 1024 * 1024


def test_environment_then_the_explicit_dict(monkeypatch, detector):
    monkeypatch.setenv("SCAM_CLASSIFIER_MAX_BATCH_ITEMS", "7")
    monkeypatch.setenv("SCAM_CLASSIFIER_BATCH_TABLE_ROWS", "9")
    monkeypatch.setenv("SCAM_CLASSIFIER_RATE_LIMIT", "null")
    app = create_app({"DETECTOR": detector, "BATCH_TABLE_ROWS": 3})
    assert app.config["MAX_BATCH_ITEMS"] == 7  # from the environment
    assert app.config["BATCH_TABLE_ROWS"] == 3  # the explicit dict wins
    assert app.config["RATE_LIMIT"] is None
    assert not app.testing


def test_the_text_limit_setting_applies_to_the_check_not_only_the_form(make_app):
    client = make_app(MAX_TEXT_CHARS=50).test_client()
    assert 'maxlength="50"' in client.get("/").get_data(as_text=True)
    assert client.post("/api/v1/classify", json={"text": "好" * 51}).status_code == 413
    assert client.post("/", data={"text": "好" * 51}).status_code == 413


def test_model_loaded_once_at_start(saved_model):
    client = create_app({"TESTING": True, "RATE_LIMIT": None, "MODEL_PATH": str(saved_model)}).test_client()
    versions = {client.get("/api/v1/health").json["model_version"] for _ in range(3)}
    assert len(versions) == 1 and versions != {"unsaved"}


def test_a_missing_model_at_a_given_path_fails_at_once(tmp_path):
    with pytest.raises(ModelError, match="no model at") as caught:
        create_app({"MODEL_PATH": str(tmp_path / "typo.joblib")})
    assert caught.value.code == "model_missing" and not (tmp_path / "typo.joblib").exists()


def test_bad_rate_limit_setting_is_refused(make_app):
    with pytest.raises(SettingsError, match="RATE_LIMIT"):
        make_app(RATE_LIMIT="lots")


def test_serve_builds_the_app_once_and_preloads_it(monkeypatch, saved_model):
    from classifier import load_settings
    from classifier.web import serve as serve_module

    captured = {}

    class FakeServer:
        def __init__(self, target, **options):
            captured.update(target=target, options=options)

        def serve(self, target_loader):
            captured["app"] = target_loader(captured["target"])  # what each worker does after the fork

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)  # serve sets it for its workers; undone after
    monkeypatch.setattr(serve_module, "Server", FakeServer)
    serve_module.serve(load_settings({"model_path": saved_model}), host="127.0.0.1", port=8123, workers=3)
    assert (captured["options"]["address"], captured["options"]["port"]) == ("127.0.0.1", 8123)
    assert captured["options"]["workers"] == 3 and captured["options"]["blocking_threads"] == 2
    assert captured["app"] is serve_module._preloaded  # workers serve the app built before they forked
    assert captured["app"].config["MODEL_PATH"] == saved_model
    assert captured["app"].extensions["scam_classifier"].version != "unsaved"


def test_serve_fails_clearly_without_a_model(tmp_path, monkeypatch):
    from classifier import load_settings
    from classifier.web import serve as serve_module

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with pytest.raises(SystemExit, match="cannot start: no model at"):
        serve_module.serve(load_settings({"model_path": tmp_path / "missing.joblib"}))


def test_serve_stops_with_one_line_when_the_port_is_taken(tmp_path, monkeypatch):
    import socket

    from classifier import load_settings
    from classifier.web import serve as serve_module

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit, match=f"cannot listen on 127.0.0.1:{port}: Address already in use"):
            serve_module.serve(load_settings({"model_path": tmp_path / "never-loaded.joblib"}), port=port)
