"""What the views share: the loaded detector and its categories, where its reports live, and an in-memory request."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Request, current_app

EXTENSION = "scam_classifier"


class InMemoryRequest(Request):
    """Uploaded files stay in memory: message texts are never written to disk, not even to /tmp."""

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return io.BytesIO()


def get_detector():
    return current_app.extensions[EXTENSION]


def known_category(category_id: str):
    """The typology's category with this id; an unknown id is the 404 ``unknown_category`` (API and pages)."""
    from classifier.errors import InputError

    try:
        return get_detector().typology.get(category_id)
    except KeyError:
        raise InputError("unknown_category", id=category_id) from None


def get_feedback_store():
    """The corrections database, opened (and created or migrated) on first use in this process."""
    from classifier import FeedbackStore

    if "feedback" not in current_app.extensions:
        current_app.extensions["feedback"] = FeedbackStore(current_app.config["FEEDBACK_DB"])
    return current_app.extensions["feedback"]


def report(name: str) -> Path | None:
    """A training report next to the model (MODEL_CARD.md, evaluation.md, confusion_matrix.png), if present."""
    path = Path(current_app.config["MODEL_PATH"]).parent / name
    return path if path.is_file() else None


def read_report(name: str) -> str | None:
    path = report(name)
    return path.read_text(encoding="utf-8") if path else None
