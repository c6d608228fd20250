"""Batch screening: the one use case the CLI, the upload page and the CSV download all go through.

Rows are read lazily, classified in chunks and written in input order, so memory stays bounded
whatever the file size. A bad row (missing, empty or non-text field, undecodable bytes, broken
JSON or CSV) gets an ``error`` value and the batch goes on; no row is ever dropped.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, islice
from pathlib import Path
from typing import IO

from ..config import load_settings
from ..errors import InputError
from ..persistence import verify
from ..typology import load_typology
from .readers import Record, open_text, read_csv, read_jsonl, read_txt
from .workers import in_process, in_workers
from .writers import CsvWriter, JsonlWriter, printable


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]
    read: Callable
    writer: type | None  # None: results of such input are written as JSON lines


FORMATS = {
    fmt.name: fmt
    for fmt in (
        Format("csv", (".csv",), read_csv, CsvWriter),
        Format("jsonl", (".jsonl", ".ndjson"), read_jsonl, JsonlWriter),
        Format("txt", (".txt",), read_txt, None),
    )
}
OUTPUT_FORMATS = tuple(name for name, fmt in FORMATS.items() if fmt.writer)
HEADER_SAMPLE = 1000  # JSON lines read to fix the CSV columns
FIELD_SAMPLE = 100  # JSON objects looked at before deciding that the text field is missing altogether
SUFFIXES = tuple(suffix for fmt in FORMATS.values() for suffix in fmt.suffixes)


def format_of(name: str | Path) -> str:
    """The format a file name says (``.csv``, ``.jsonl``/``.ndjson``, ``.txt``)."""
    suffix = Path(str(name)).suffix.lower()
    for fmt in FORMATS.values():
        if suffix in fmt.suffixes:
            return fmt.name
    raise InputError("unknown_format", name=name, suffixes=", ".join(SUFFIXES))


@dataclass(frozen=True)
class ScreenOptions:
    input_format: str
    output_format: str | None = None  # default: the input's own, JSON lines for text input
    text_field: str = "text"
    min_risk: float | None = None  # keep only rows at or above this risk (rows with an error are always kept)

    @property
    def writer(self) -> type:
        name = self.output_format or self.input_format
        return FORMATS[name].writer or JsonlWriter


@dataclass
class Summary:
    rows: int = 0
    errors: int = 0
    by_label: dict[str, int] = field(default_factory=dict)
    by_risk: dict[str, int] = field(default_factory=dict)

    def add(self, record: Record) -> None:
        self.rows += 1
        if record.result.get("error"):
            self.errors += 1
            return
        label, risk = record.result["label"], record.result["risk_level"]
        self.by_label[label] = self.by_label.get(label, 0) + 1
        self.by_risk[risk] = self.by_risk.get(risk, 0) + 1


@dataclass(frozen=True)
class Engine:
    """Where the classifying happens: a loaded detector in this process, or ``jobs`` worker processes
    that each load ``model_path`` (the model file is verified here, not loaded)."""

    detector: object | None = None
    model_path: str | Path | None = None
    jobs: int = 1
    settings: object | None = None  # what the workers build their detectors with (text limit, thresholds, key)

    @cached_property
    def worker_settings(self):
        return self.settings or load_settings()

    @cached_property
    def manifest(self) -> dict:
        """The model file's manifest, verified once: the parent checks the file the workers will load."""
        return verify(self.model_path, self.worker_settings.model_key)

    def describe(self) -> dict:
        """What produced the results: the model version and the decision thresholds (batch metadata)."""
        if self.jobs > 1:
            version, label_thresholds = self.manifest["model_version"], self.worker_settings.label_thresholds
        else:
            version, label_thresholds = self.detector.version, self.detector.label_thresholds
        levels = load_typology().thresholds["risk_levels"]
        return {"model_version": version, "risk_levels": dict(levels), "label_thresholds": dict(label_thresholds)}

    def classify(self, records) -> Iterator[Record]:
        if self.jobs > 1:
            self.manifest  # noqa: B018 -- fail before any row is read if the file does not match its manifest
            return in_workers(self.model_path, self.worker_settings, records, self.jobs)
        return in_process(self.detector, records)


def preview(record: Record, text_field: str) -> dict:
    """One screened record as a results-table row: its text (printable), the results and the error."""
    text = record.fields.get(text_field, record.text)
    return {
        "text": str(printable(text) if text is not None else ""),
        **{name: record.result.get(name, "") for name in ("label", "category", "risk_score", "risk_level")},
        "error": record.result.get("error"),
    }


@contextmanager
def screened(source: IO[bytes], options: ScreenOptions, engine: Engine):
    """``(writer_factory, records)`` for a binary stream: the classified records and how to build the writer
    for them. The stream is left open (detached from its text decoder) at the end.

    A text column or field that the input does not have fails at once, naming what it does have."""
    stream = open_text(source)
    try:
        header, records = FORMATS[options.input_format].read(stream, options.text_field)
        records = _text_field_present(options, header, records)
        from_json = options.writer is CsvWriter and header is None
        if from_json:  # CSV from JSON lines: the columns are the keys of the first chunk's objects
            first = list(islice(records, HEADER_SAMPLE))
            header = list(dict.fromkeys(key for record in first for key in record.fields))
            records = chain(first, records)
        classified = engine.classify(records)
        if options.min_risk is not None:
            classified = (r for r in classified if r.result.get("error") or r.result["risk_score"] >= options.min_risk)
        yield lambda stream: options.writer(stream, header=header, from_json=from_json), classified
    finally:
        stream.detach()


def require_text_column(field: str, columns) -> None:
    """Fail at once, naming the columns there are, when a table or frame has no ``field`` column."""
    columns = list(columns)
    if field not in columns:
        raise InputError("missing_text_column", field=field, found=", ".join(map(str, columns)) or "(none)")


def _text_field_present(options: ScreenOptions, header: list[str] | None, records: Iterator[Record]) -> Iterator[Record]:
    """The records, unless the input plainly lacks the text field: a CSV header without it, or JSON lines
    whose first objects (up to ``FIELD_SAMPLE``) all lack it. Later rows without it are row errors."""
    if header is not None:
        require_text_column(options.text_field, header)
        return records
    first = list(islice(records, FIELD_SAMPLE))
    objects = [record for record in first if record.error is None or record.error.code == "missing_field"]
    if objects and all(record.error is not None for record in objects):
        found = ", ".join(dict.fromkeys(key for record in objects for key in record.fields)) or "(none)"
        raise InputError("missing_text_column", field=options.text_field, found=found)
    return chain(first, records)


def screen(
    source: IO[bytes], output: IO[str], options: ScreenOptions, engine: Engine,
    on_row: Callable[[Record, Summary], None] | None = None,
) -> Summary:
    """Screen every record of ``source`` into ``output``; ``on_row`` is called after each (progress, tables)."""
    summary = Summary()
    with screened(source, options, engine) as (make_writer, records):
        writer = make_writer(output)
        for record in records:
            writer.write(record)
            summary.add(record)
            if on_row:
                on_row(record, summary)
    return summary


def screen_chunks(source: IO[bytes], options: ScreenOptions, engine: Engine, size: int = 1 << 16) -> Iterator[str]:
    """The screened output as text chunks of about ``size`` characters (streaming downloads)."""
    buffer = io.StringIO()
    with screened(source, options, engine) as (make_writer, records):
        writer = make_writer(buffer)
        for record in records:
            writer.write(record)
            if buffer.tell() > size:
                yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


__all__ = ["Engine", "FORMATS", "OUTPUT_FORMATS", "Record", "ScreenOptions", "Summary", "format_of", "preview",
           "screen", "screen_chunks", "screened"]
