"""The web service: ``create_app`` builds the Flask app (JSON API, pages, error handling)."""

from __future__ import annotations

from flask import Flask

from classifier import Detector, RuleSet, load_or_train
from classifier.config import SETTING_NAMES, load_settings


def create_app(config: dict | None = None) -> Flask:
    """Settings: defaults ← ``SCAM_CLASSIFIER_*`` environment variables ← ``config``.

    Keys of ``config`` that name a setting (in any case: ``MAX_BATCH_ITEMS``) override it; other keys
    (``TESTING``) go to Flask's config as they are. ``config["DETECTOR"]`` injects a loaded
    :class:`~classifier.Detector`; otherwise the model at the ``model_path`` setting is loaded once here.
    """
    from . import api, errors, metrics, pages, ratelimit, teaching, tracing
    from .context import EXTENSION, InMemoryRequest

    config = dict(config or {})
    detector = config.pop("DETECTOR", None)
    settings = load_settings({key: value for key, value in config.items() if key.lower() in SETTING_NAMES})
    app = Flask(__name__)
    app.request_class = InMemoryRequest
    app.config.update({name.upper(): value for name, value in settings.items()})
    app.config.update({key: value for key, value in config.items() if key.lower() not in SETTING_NAMES})
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    if detector is not None:  # the same model, with this app's text limit, thresholds and rules
        rules = RuleSet.load(settings.rules_file) if settings.rules_file else detector.rules
        detector = Detector(detector.model, detector.typology, settings.max_text_chars, settings.label_thresholds, rules)
    app.extensions[EXTENSION] = detector or load_or_train(settings)
    app.extensions["settings"] = settings
    errors.register(app)
    tracing.register(app)
    metrics.register(app)
    ratelimit.register(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(teaching.bp)
    return app
