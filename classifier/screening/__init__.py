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
from pathlib import Path
from typing import IO

from ..errors import InputError
from ..persistence import verify
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
    max_text_chars: int | None = None
    model_key: str | None = None

    def classify(self, records) -> Iterator[Record]:
        if self.jobs > 1:
            verify(self.model_path, self.model_key)
            return in_workers(self.model_path, self.max_text_chars, self.model_key, records, self.jobs)
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
    """``(header, records)``: the CSV header (None for other formats) and the classified records of a
    binary stream, which is left open (detached from its text decoder) at the end."""
    stream = open_text(source)
    try:
        header, records = FORMATS[options.input_format].read(stream, options.text_field)
        yield header, engine.classify(records)
    finally:
        stream.detach()


def screen(
    source: IO[bytes], output: IO[str], options: ScreenOptions, engine: Engine,
    on_row: Callable[[Record, Summary], None] | None = None,
) -> Summary:
    """Screen every record of ``source`` into ``output``; ``on_row`` is called after each (progress, tables)."""
    summary = Summary()
    with screened(source, options, engine) as (header, records):
        writer = options.writer(output, header=header)
        for record in records:
            writer.write(record)
            summary.add(record)
            if on_row:
                on_row(record, summary)
    return summary


def screen_chunks(source: IO[bytes], options: ScreenOptions, engine: Engine, size: int = 1 << 16) -> Iterator[str]:
    """The screened output as text chunks of about ``size`` characters (streaming downloads)."""
    buffer = io.StringIO()
    with screened(source, options, engine) as (header, records):
        writer = options.writer(buffer, header=header)
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
