"""Reading batch files: the encoding, then one :class:`Record` per CSV row, JSON line or text line.

A row that cannot be read (a broken CSV row, invalid JSON, a missing field) becomes a record with
an ``error`` instead of a text, in its place: no row is ever dropped.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from ..errors import InputError

MAX_JSON_DEPTH = 64  # deeper lines are row errors: writing them back would exhaust the stack
SNIFF_BYTES = 1 << 20  # the encoding is decided on the first megabyte
_HIGH_BYTES = bytes(range(0x80, 0x100))
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")  # what errors="surrogateescape" makes of undecodable bytes


@dataclass
class Record:
    """One input row: its original fields (kept as they are) and the text to classify, or why not."""

    fields: dict[str, Any]
    text: Any = None
    error: InputError | None = None
    result: dict[str, Any] = field(default_factory=dict)


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) unless the sample reads far better as GB18030 (Chinese Excel exports).

    A stray undecodable byte in a UTF-8 file must not turn the whole file into GB18030 mojibake: the
    sample is UTF-8 when its well-formed non-ASCII bytes outnumber the bad ones twenty to one. Rows that
    still hold undecodable bytes become row errors (``invalid_encoding``).
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoded = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(sample, final=False)
    bad = len(_ESCAPED_BYTES.findall(decoded))
    non_ascii = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    return "utf-8" if bad == 0 or non_ascii - bad >= 20 * bad else "gb18030"


class _Prefixed(io.RawIOBase):
    """``prefix`` (bytes already read for the encoding sample), then the rest of ``stream``."""

    def __init__(self, prefix: bytes, stream: IO[bytes]):
        self.prefix, self.stream = memoryview(prefix), stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.prefix:
            size = min(len(buffer), len(self.prefix))
            buffer[:size], self.prefix = self.prefix[:size], self.prefix[size:]
            return size
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_text(binary: IO[bytes]) -> io.TextIOWrapper:
    """Wrap a binary stream as text in its detected encoding; undecodable bytes become per-row errors.

    The stream itself is never closed here (detach the wrapper when done)."""
    sample = binary.read(SNIFF_BYTES)
    buffered = io.BufferedReader(_Prefixed(sample, binary))
    return io.TextIOWrapper(buffered, encoding=detect_encoding(sample), errors="surrogateescape", newline="")


def _text_record(fields: dict[str, Any], text_field: str) -> Record:
    if text_field not in fields:
        return Record(fields, error=InputError("missing_field", field=text_field))
    return Record(fields, text=fields[text_field])


def read_csv(stream: IO[str], text_field: str) -> tuple[list[str], Iterator[Record]]:
    lines = _Lines(stream)
    header = next(csv.reader(lines), [])
    return header, _csv_records(lines, header, text_field)


class _Lines:
    """The physical lines a ``csv.reader`` consumes, remembered from the start of the current record,
    so that a record an unclosed quote ran to the end of the file can be read again line by line."""

    def __init__(self, stream: IO[str]):
        self.stream, self.pending, self.taken, self.number = iter(stream), deque(), [], 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.pending.popleft() if self.pending else next(self.stream)
        self.taken.append(line)
        self.number += 1
        return line

    def start_record(self) -> int:
        self.taken = []
        return self.number + 1

    def at_end(self) -> bool:
        if not self.pending:
            try:
                self.pending.append(next(self.stream))
            except StopIteration:
                return True
        return False

    def read_again(self, lines: list[str]) -> None:
        self.pending.extendleft(reversed(lines))
        self.number -= len(lines)


def _runs_off_the_end(lines: list[str]) -> bool:
    """True if these physical lines end inside a quoted field (strict parsing says so)."""
    try:
        list(csv.reader(lines, strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _csv_records(lines: _Lines, header: list[str], text_field: str) -> Iterator[Record]:
    reader = csv.reader(lines)
    while True:
        line = lines.start_record()
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record({}, error=InputError("broken_csv_row", line=line, detail=str(exc)))
            continue
        if len(lines.taken) > 1 and lines.at_end() and _runs_off_the_end(lines.taken):
            # An unclosed quote swallowed every line after it: report that row, read the rest again.
            first = next(csv.reader(lines.taken[:1]), [])
            yield Record(dict(zip(header, first)), error=InputError("unclosed_quote", line=line))
            lines.read_again(lines.taken[1:])
            reader = csv.reader(lines)
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


def _number(text: str):
    """JSON numbers as Python numbers, except those a float cannot hold (1e400), which stay text."""
    value = float(text)
    return value if math.isfinite(value) else text


def _jsonl_records(stream: IO[str], text_field: str) -> Iterator[Record]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line, parse_float=_number, parse_constant=str)
        except json.JSONDecodeError as exc:
            yield Record({}, error=InputError("invalid_json_line", line=number, detail=exc.msg))
            continue
        except RecursionError:
            yield Record({}, error=InputError("invalid_json_line", line=number, detail="nested too deeply"))
            continue
        if not isinstance(value, dict):
            yield Record({}, error=InputError("not_json_object", line=number, type=type(value).__name__))
            continue
        if _depth(value) > MAX_JSON_DEPTH:
            yield Record({}, error=InputError("invalid_json_line", line=number, detail="nested too deeply"))
            continue
        yield _text_record(value, text_field)


def _depth(value) -> int:
    """How deeply lists and objects nest in ``value`` (counted without recursion)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        deepest = max(deepest, level)
        if deepest > MAX_JSON_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        todo.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def read_txt(stream: IO[str], text_field: str) -> tuple[None, Iterator[Record]]:
    return None, _txt_records(stream, text_field)


def _txt_records(stream: IO[str], text_field: str) -> Iterator[Record]:
    for line in stream:
        line = line.rstrip("\r\n")
        if line.strip():
            yield Record({text_field: line}, text=line)
