"""Screening an uploaded CSV / JSONL / TXT file in memory: a summary, a table, and the CSV result."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from typing import Iterator

from werkzeug.datastructures import FileStorage

from classifier import InputError, Summary, Writer, detect_format, open_text, printable, read_records, screen_records, screen_stream

BOM = "\ufeff"


@dataclass
class Screening:
    summary: Summary
    rows: list[dict] = field(default_factory=list)  # the first rows, for the table
    csv_bytes: bytes = b""


def clean(value) -> str:
    return str(printable(value) if value is not None else "")


def screened(file: FileStorage, model, text_field: str):
    """(CSV header or None, screened records) for an uploaded file; InputError if no usable file."""
    if file is None or not file.filename:
        raise InputError("请选择要上传的文件。", code="missing_file")
    try:
        fmt = detect_format(file.filename)
    except InputError:
        raise InputError("只支持 .csv、.jsonl 和 .txt 文件。", code="unknown_format") from None
    header, records = read_records(open_text(file.stream), fmt, text_field=text_field or "text")
    return header, screen_records(model, records)


def _row(number: int, record, text_field: str) -> dict:
    result = record.result
    return {
        "number": number,
        "text": clean(record.fields.get(text_field, record.text)),
        "label": result.get("label", ""),
        "category": result.get("category", ""),
        "risk_score": result.get("risk_score", ""),
        "risk_level": result.get("risk_level", ""),
        "error": clean(result.get("error", "")),
    }


def screen_upload(file: FileStorage, model, text_field: str, table_rows: int) -> Screening:
    header, records = screened(file, model, text_field)
    screening = Screening(Summary())
    output = io.StringIO()

    def keep_rows(records) -> Iterator:
        for number, record in enumerate(records, start=1):
            if number <= table_rows:
                screening.rows.append(_row(number, record, text_field or "text"))
            yield record

    screening.summary = screen_stream(keep_rows(records), Writer(output, "csv", header=header, excel=True))
    screening.csv_bytes = (BOM + output.getvalue()).encode("utf-8")
    return screening


def data_uri(csv_bytes: bytes) -> str:
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv_bytes).decode("ascii")


def csv_download(file: FileStorage, model, text_field: str) -> Iterator[bytes]:
    """The screened file as CSV bytes (UTF-8 with BOM for Excel), written row by row."""
    if file is not None and file.filename:
        # Werkzeug closes upload streams when the view returns; the response streams after that.
        file = FileStorage(io.BytesIO(file.read()), file.filename)
    header, records = screened(file, model, text_field)

    def generate() -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = Writer(buffer, "csv", header=header, excel=True)
        yield (BOM + _drain(buffer)).encode("utf-8")
        for record in records:
            writer.write(record)
            if buffer.tell() > 1 << 16:
                yield _drain(buffer).encode("utf-8")
        yield _drain(buffer).encode("utf-8")

    return generate()


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
