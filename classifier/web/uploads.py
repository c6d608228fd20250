"""Screening an uploaded CSV / JSONL / TXT file in memory: a summary, a table, and the CSV result."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from werkzeug.datastructures import FileStorage

from classifier import Engine, ScreenOptions, Summary, format_of, preview, screen, screen_chunks
from classifier.errors import InputError

BOM = "\ufeff"


@dataclass
class Screening:
    summary: Summary
    rows: list[dict] = field(default_factory=list)  # the first rows, for the table
    csv_bytes: bytes = b""


def _options(file: FileStorage | None, text_field: str) -> ScreenOptions:
    """CSV results for an uploaded file; InputError if there is none."""
    if file is None or not file.filename:
        raise InputError("missing_file")
    return ScreenOptions(format_of(file.filename), "csv", text_field or "text")


def screen_upload(file: FileStorage, detector, text_field: str, table_rows: int) -> Screening:
    options = _options(file, text_field)
    screening, output = Screening(Summary()), io.StringIO()

    def keep_row(record, summary) -> None:
        if summary.rows <= table_rows:
            screening.rows.append({"number": summary.rows, **preview(record, options.text_field)})

    screening.summary = screen(file.stream, output, options, Engine(detector), on_row=keep_row)
    screening.csv_bytes = (BOM + output.getvalue()).encode("utf-8")
    return screening


def data_uri(csv_bytes: bytes) -> str:
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv_bytes).decode("ascii")


def csv_download(file: FileStorage, detector, text_field: str) -> Iterator[bytes]:
    """The screened file as CSV bytes (UTF-8 with BOM for Excel), written row by row."""
    options = _options(file, text_field)
    # Werkzeug closes upload streams when the view returns; the response streams after that.
    chunks = screen_chunks(io.BytesIO(file.read()), options, Engine(detector))
    first = next(chunks)  # a file without the text column fails here, before the response starts

    def generate() -> Iterator[bytes]:
        yield (BOM + first).encode("utf-8")
        for chunk in chunks:
            yield chunk.encode("utf-8")

    return generate()
