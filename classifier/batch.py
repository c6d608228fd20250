"""Streaming batch screening of CSV, JSONL and TXT files.

Rows are read lazily, classified in chunks and written in input order, so memory stays bounded
whatever the file size. A bad row (missing, empty or non-text field, undecodable bytes, broken
JSON or CSV) gets an ``error`` value and the batch goes on; no row is ever dropped.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from .errors import InputError

FORMATS = ("csv", "jsonl", "txt")
RESULT_FIELDS = ("label", "category", "risk_score", "risk_level", "error")
RESULT_PREFIX = "screen_"  # used for our columns only when the input already has a column of that name
CHUNK_SIZE = 1000
SNIFF_BYTES = 1 << 16
EXCEL_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")  # what errors="surrogateescape" makes of undecodable bytes


@dataclass
class Record:
    """One input row: its original fields (kept as they are) and the text to classify, or why not."""

    fields: dict[str, Any]
    text: Any = None
    error: str | None = None
    result: dict[str, Any] = field(default_factory=dict)


def detect_format(name: str | Path) -> str:
    suffix = Path(str(name)).suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in FORMATS:
        return suffix
    raise InputError(f"cannot tell the format of {name!s}: use a .csv, .jsonl or .txt name, or --format", code="unknown_format")


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
        return Record(fields, error=f"missing field '{text_field}'")
    return Record(fields, text=fields[text_field])


def _csv_records(reader, header: list[str], text_field: str) -> Iterator[Record]:
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record({}, error=f"broken CSV row near line {reader.line_num}: {exc}")
            continue
        if not values:
            continue  # a blank line is not a row
        fields = dict(zip(header, values))
        if len(values) != len(header):
            fields.update({f"column_{i + 1}": v for i, v in enumerate(values) if i >= len(header)})
            yield Record(fields, error=f"row has {len(values)} fields, the header has {len(header)}")
            continue
        yield _text_record(fields, text_field)


def _jsonl_records(stream: IO[str], text_field: str) -> Iterator[Record]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Record({}, error=f"line {number}: invalid JSON ({exc.msg})")
            continue
        if not isinstance(value, dict):
            yield Record({}, error=f"line {number}: expected a JSON object, got {type(value).__name__}")
            continue
        yield _text_record(value, text_field)


def _txt_records(stream: IO[str], text_field: str) -> Iterator[Record]:
    for line in stream:
        line = line.rstrip("\r\n")
        if line.strip():
            yield Record({text_field: line}, text=line)


def read_records(stream: IO[str], fmt: str, text_field: str = "text") -> tuple[list[str] | None, Iterator[Record]]:
    """The CSV header (None for other formats) and the records of a text stream in ``fmt``."""
    if fmt == "csv":
        reader = csv.reader(stream)
        header = next(reader, [])
        return header, _csv_records(reader, header, text_field)
    if fmt == "jsonl":
        return None, _jsonl_records(stream, text_field)
    if fmt == "txt":
        return None, _txt_records(stream, text_field)
    raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", code="unknown_format")


def classify_texts(classifier, texts: list[Any]) -> list[dict[str, Any]]:
    """Label, category, risk and error for each text; a bad text gets an error, the others go on."""
    return [
        {"error": f"{outcome.code}: {outcome.message}"} if isinstance(outcome, InputError) else {
            "label": outcome.label,
            "category": outcome.category.name,
            "risk_score": round(outcome.risk_score, 4),
            "risk_level": outcome.risk_level,
            "error": "",
        }
        for outcome in classifier.predict_each(texts)
    ]


def _attach(records: list[Record], results: list[dict[str, Any]]) -> list[Record]:
    for record, result in zip(records, results):
        record.result = result
    return records


def _to_classify(chunk: list[Record]) -> list[Record]:
    """The records of a chunk that can be classified; the others get their read error as result."""
    for record in chunk:
        if record.error is not None:
            record.result = {"error": record.error}
    return [record for record in chunk if record.error is None]


def screen_records(classifier, records: Iterable[Record], chunk_size: int = CHUNK_SIZE) -> Iterator[Record]:
    """Classify records chunk by chunk in one process; yields them in input order with ``result`` set."""
    records = iter(records)
    while chunk := list(islice(records, chunk_size)):
        todo = _to_classify(chunk)
        _attach(todo, classify_texts(classifier, [record.text for record in todo]))
        yield from chunk


# --- several processes ---------------------------------------------------------------------

_worker_classifier = None


def _init_worker(model_path: str) -> None:
    global _worker_classifier
    from .model import ScamClassifier

    _worker_classifier = ScamClassifier.load(model_path)


def _classify_in_worker(texts: list[Any]) -> list[dict[str, Any]]:
    return classify_texts(_worker_classifier, texts)


def screen_records_parallel(model_path: str | Path, records: Iterable[Record], jobs: int, chunk_size: int = CHUNK_SIZE) -> Iterator[Record]:
    """Like :func:`screen_records` with ``jobs`` worker processes; at most ``2 × jobs`` chunks in flight."""
    import multiprocessing

    records = iter(records)
    with multiprocessing.get_context("spawn").Pool(jobs, _init_worker, (str(model_path),)) as pool:
        pending: deque = deque()
        while True:
            while len(pending) < 2 * jobs and (chunk := list(islice(records, chunk_size))):
                todo = _to_classify(chunk)
                pending.append((chunk, todo, pool.apply_async(_classify_in_worker, ([r.text for r in todo],))))
            if not pending:
                return
            chunk, todo, job = pending.popleft()
            _attach(todo, job.get())
            yield from chunk


# --- writing -------------------------------------------------------------------------------

def result_names(input_fields: Iterable[str]) -> dict[str, str]:
    """Output column for each result field: its own name, or ``screen_<name>`` if the input has it."""
    taken = set(input_fields)
    return {name: (RESULT_PREFIX + name if name in taken else name) for name in RESULT_FIELDS}


def output_row(record: Record) -> dict[str, Any]:
    names = result_names(record.fields)
    row = dict(record.fields)
    for name in RESULT_FIELDS:
        row[names[name]] = record.result.get(name, "")
    return row


def excel_safe(value: Any) -> Any:
    """Neutralise a cell that a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(EXCEL_FORMULA_START):
        return "'" + value
    return value


def printable(value: Any) -> Any:
    """Undecodable input bytes were kept as surrogates so that rows are never lost; show them as U+FFFD."""
    if isinstance(value, str) and _ESCAPED_BYTES.search(value):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return value


class Writer:
    """Writes screened records as CSV (columns: the input header, then the results) or JSON lines."""

    def __init__(self, stream: IO[str], fmt: str, header: list[str] | None = None, excel: bool = False):
        self.stream, self.fmt, self.excel = stream, fmt, excel
        self._csv: csv.DictWriter | None = None
        if fmt == "csv":
            header = list(header or ["text"])
            names = result_names(header)
            self._error_column = names["error"]
            self._csv = csv.DictWriter(stream, fieldnames=header + list(names.values()), extrasaction="ignore", restval="")
            self._csv.writeheader()

    def write(self, record: Record) -> None:
        row = {key: printable(value) for key, value in output_row(record).items()}
        if self._csv is None:
            self.stream.write(json.dumps(row, ensure_ascii=False) + "\n")
            return
        extra = [str(value) for key, value in row.items() if key not in self._csv.fieldnames]
        if extra:  # a broken row with more values than the header: keep them in the error text
            row[self._error_column] = f"{row.get(self._error_column, '')} (extra values: {extra})"
        if self.excel:
            row = {key: excel_safe(value) for key, value in row.items()}
        self._csv.writerow(row)


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


def screen_stream(
    screened: Iterable[Record], writer: Writer, on_row: Callable[[Summary], None] | None = None
) -> Summary:
    """Write every screened record and count them; ``on_row`` is called after each (progress)."""
    summary = Summary()
    for record in screened:
        writer.write(record)
        summary.add(record)
        if on_row:
            on_row(summary)
    return summary
