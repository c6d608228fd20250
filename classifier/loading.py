"""Which model a front end loads: the ``model_path`` setting, training the built-in model if it is missing.

Kept apart from :mod:`classifier.training` so that loading a model never imports scikit-learn;
only a missing built-in model, which must be trained first, does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .config import SETTINGS, load_settings
from .errors import ModelError
from .verdict import Detector

Notify = Callable[[str], None]
DEFAULT_MODEL_PATH = next(setting.default for setting in SETTINGS if setting.name == "model_path")


def ensure_model(settings=None, notify: Notify = print) -> Path:
    """The path of the ``model_path`` setting, after training the built-in model if it is missing.

    Only the built-in model is trained when missing (and that is said): a missing model at any other
    path is an error, so that a typo in a path fails at once instead of training a new model for
    minutes. A model that exists but fails its checks (hash, versions) is never silently replaced.
    """
    settings = settings or load_settings()
    path = Path(settings.model_path)
    if not path.exists():
        if path != DEFAULT_MODEL_PATH:
            raise ModelError("model_missing", path=path, out=f" --out {path}")
        notify(f"no model at {path}: training one from {settings.data_dir} (this takes a few minutes, once)")
        from .training import train

        train(settings.data_dir, path, notify=notify)
    return path


def load_or_train(settings=None, notify: Notify = print) -> Detector:
    """The detector for the ``model_path`` setting (see :func:`ensure_model`)."""
    settings = settings or load_settings()
    return Detector.load(ensure_model(settings, notify), settings)
