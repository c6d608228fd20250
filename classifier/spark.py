"""Screening a Spark DataFrame on a cluster: the batch result columns, computed with ``mapInPandas``.

Each executor process loads the model once (and keeps it for every partition it is given). On a cluster,
ship the model with ``spark-submit --files models/scam_classifier.joblib,models/scam_classifier.json`` and
pass ``model_path="scam_classifier.joblib"`` (files shipped that way sit in each executor's working
directory), or put the model on storage every executor can read. pyspark is an optional extra
(``pip install 'scam-classifier[spark]'``), imported only here.
"""

from __future__ import annotations

from pathlib import Path

from .screening import require_text_column
from .screening.writers import RESULT_FIELDS, result_names

_detectors: dict[str, object] = {}  # per executor process: model path → loaded detector


def result_schema():
    from pyspark.sql.types import ArrayType, BooleanType, DoubleType, StringType, StructField

    kinds = {"risk_score": DoubleType(), "second_score": DoubleType(), "uncertain": BooleanType(),
             "signals": ArrayType(StringType()), "rules": ArrayType(StringType())}
    return [StructField(name, kinds.get(name, StringType())) for name in RESULT_FIELDS]


def _detector(model_path: str | None):
    key = model_path or ""
    if key not in _detectors:
        from .config import load_settings
        from .verdict import Detector

        settings = load_settings()
        _detectors[key] = Detector.load(_resolve(model_path) if model_path else None, settings)
    return _detectors[key]


def _resolve(model_path: str) -> str:
    """A bare file name shipped with ``--files`` is found where Spark put it."""
    path = Path(model_path)
    if path.exists() or path.is_absolute():
        return str(path)
    from pyspark import SparkFiles

    return SparkFiles.get(model_path)


def screen_dataframe(frame, text_column: str = "text", model_path: str | None = None):
    """``frame`` with the batch result columns added, computed partition by partition on the executors."""
    from pyspark.sql.types import StructType

    from .frames import screen_frame

    require_text_column(text_column, frame.columns)
    names = result_names(frame.columns)
    added = result_schema()
    for field in added:
        field.name = names[field.name]
    schema = StructType(list(frame.schema.fields) + added)

    def screen_batches(batches):
        detector = _detector(model_path)
        for batch in batches:
            yield screen_frame(batch, text_column, detector)

    return frame.mapInPandas(screen_batches, schema)
