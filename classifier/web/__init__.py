"""The web service: ``create_app`` builds the Flask app (JSON API, pages, error handling)."""

from __future__ import annotations

from flask import Flask

from classifier import load_typology


def create_app(config: dict | None = None) -> Flask:
    """Defaults, then ``SCAM_CLASSIFIER_*`` environment variables, or ``config`` (tests) on top.

    ``config["CLASSIFIER"]`` injects a fitted classifier; otherwise the model at ``MODEL_PATH``
    (default: the package's) is loaded once here — trained first if missing, when the package can.
    """
    from . import api, errors, pages, ratelimit
    from .context import EXTENSION, InMemoryRequest, load_classifier

    app = Flask(__name__)
    app.request_class = InMemoryRequest
    app.config.from_mapping(
        MAX_TEXT_CHARS=load_typology().limits["max_text_chars"],
        MAX_BATCH_ITEMS=1000,
        MAX_JSON_BYTES=2 * 1024 * 1024,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        RATE_LIMIT="120/minute",
        BATCH_TABLE_ROWS=200,
        INLINE_DOWNLOAD_BYTES=2 * 1024 * 1024,
        MODEL_PATH=None,
        CLASSIFIER=None,
    )
    if config is None:
        app.config.from_prefixed_env("SCAM_CLASSIFIER")
    else:
        app.config.from_mapping(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    model = app.config["CLASSIFIER"] or load_classifier(app.config["MODEL_PATH"])
    app.extensions[EXTENSION] = model
    errors.register(app)
    ratelimit.register(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    return app
