"""Exceptions raised by the package; each carries a stable machine-readable ``code``."""

from __future__ import annotations


class ClassifierError(Exception):
    """Base class for every error this package raises on purpose."""

    code = "classifier_error"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InputError(ClassifierError):
    """The caller gave a message we cannot classify (not text, empty, too long, undecodable)."""

    code = "invalid_input"


class ModelError(ClassifierError):
    """No usable model: missing, corrupted, or built with other library versions."""

    code = "model_error"
