"""What the views share: the loaded classifier, where its reports live, and an in-memory request."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Request, current_app

from classifier import DEFAULT_MODEL_PATH, load_or_train

EXTENSION = "scam_classifier"


class InMemoryRequest(Request):
    """Uploaded files stay in memory: message texts are never written to disk, not even to /tmp."""

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return io.BytesIO()


def load_classifier(model_path=None, notify=print):
    """Load the model once; a missing one is trained first (and said), a broken one fails clearly."""
    return load_or_train(model_path, notify=notify)


def get_classifier():
    return current_app.extensions[EXTENSION]


def model_dir() -> Path:
    path = current_app.config.get("MODEL_PATH") or DEFAULT_MODEL_PATH
    return Path(path).parent


def report(name: str) -> Path | None:
    """A training report next to the model (MODEL_CARD.md, evaluation.md, confusion_matrix.png), if present."""
    path = model_dir() / name
    return path if path.is_file() else None


def read_report(name: str) -> str | None:
    path = report(name)
    return path.read_text(encoding="utf-8") if path else None


__all__ = ["InMemoryRequest", "get_classifier", "load_classifier", "model_dir", "report", "read_report"]
