"""Reading batch files: the encoding, then one :class:`Record` per CSV row, JSON line or text line.

A row that cannot be read (a broken CSV row, invalid JSON, a missing field) becomes a record with
an ``error`` instead of a text, in its place: no row is ever dropped.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from ..errors import InputError

SNIFF_BYTES = 1 << 16


@dataclass
class Record:
    """One input row: its original fields (kept as they are) and the text to classify, or why not."""

    fields: dict[str, Any]
    text: Any = None
    error: InputError | None = None
    result: dict[str, Any] = field(default_factory=dict)


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) if the bytes decode as UTF-8, otherwise GB18030 (Chinese Excel exports)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def open_text(binary: IO[bytes]) -> io.TextIOWrapper:
    """Wrap a binary stream as text in its detected encoding; undecodable bytes become per-row errors."""
    buffered = binary if hasattr(binary, "peek") else io.BufferedReader(binary)
    encoding = detect_encoding(buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES])
    return io.TextIOWrapper(buffered, encoding=encoding, errors="surrogateescape", newline="")


def _text_record(fields: dict[str, Any], text_field: str) -> Record:
    if text_field not in fields:
        return Record(fields, error=InputError("missing_field", field=text_field))
    return Record(fields, text=fields[text_field])


def read_csv(stream: IO[str], text_field: str) -> tuple[list[str], Iterator[Record]]:
    reader = csv.reader(stream)
    header = next(reader, [])
    return header, _csv_records(reader, header, text_field)


def _csv_records(reader, header: list[str], text_field: str) -> Iterator[Record]:
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record({}, error=InputError("broken_csv_row", line=reader.line_num, detail=str(exc)))
            continue
        if not values:
            continue  # a blank line is not a row
        fields = dict(zip(header, values))
        if len(values) != len(header):
            fields.update({f"column_{i + 1}": v for i, v in enumerate(values) if i >= len(header)})
            yield Record(fields, error=InputError("field_count", count=len(values), expected=len(header)))
            continue
        yield _text_record(fields, text_field)


def read_jsonl(stream: IO[str], text_field: str) -> tuple[None, Iterator[Record]]:
    return None, _jsonl_records(stream, text_field)


def _jsonl_records(stream: IO[str], text_field: str) -> Iterator[Record]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Record({}, error=InputError("invalid_json_line", line=number, detail=exc.msg))
            continue
        if not isinstance(value, dict):
            yield Record({}, error=InputError("not_json_object", line=number, type=type(value).__name__))
            continue
        yield _text_record(value, text_field)


def read_txt(stream: IO[str], text_field: str) -> tuple[None, Iterator[Record]]:
    return None, _txt_records(stream, text_field)


def _txt_records(stream: IO[str], text_field: str) -> Iterator[Record]:
    for line in stream:
        line = line.rstrip("\r\n")
        if line.strip():
            yield Record({text_field: line}, text=line)
