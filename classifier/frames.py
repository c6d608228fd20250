"""Screening a pandas DataFrame: the same result columns as batch files, added to a copy of the frame.

pandas is an optional extra (``pip install 'scam-classifier[frames]'``); it is imported by the caller's
frame, never by this package at import time.
"""

from __future__ import annotations

from typing import Any

from .screening import require_text_column
from .screening.workers import result_fields
from .screening.writers import RESULT_FIELDS, result_names

CHUNK = 5000


def screen_frame(frame, text_column: str = "text", detector=None):
    """A copy of ``frame`` with ``label``, ``category``, ``risk_score``, ``risk_level``, ``uncertain``,
    ``second_label``, ``second_score``, ``signals`` (a list), ``model_version`` and ``error`` added (each
    named ``screen_<name>`` if the frame already has such a column). A row whose text is missing, empty,
    not text or too long gets its ``error`` and the others go on."""
    from .errors import InputError
    from .verdict import Detector

    require_text_column(text_column, frame.columns)
    detector = detector or Detector.load()
    texts = [None if _missing(value) else value for value in frame[text_column].tolist()]
    rows: list[dict[str, Any]] = []
    for start in range(0, len(texts), CHUNK):
        for outcome in detector.predict_each(texts[start : start + CHUNK]):
            if isinstance(outcome, InputError):
                rows.append({"error": f"{outcome.code}: {outcome.message}"})
            else:
                rows.append(result_fields(outcome, detector.version))
    names = result_names(map(str, frame.columns))
    screened = frame.copy()
    for name in RESULT_FIELDS:
        screened[names[name]] = [row.get(name) for row in rows]
    return screened


def _missing(value) -> bool:
    """pandas' missing values (None, NaN, NA) read as no text."""
    try:
        return value is None or value != value  # NaN is not equal to itself
    except (TypeError, ValueError):  # pandas.NA refuses comparison
        return True
