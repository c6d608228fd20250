"""Writing screened records: the input's own fields, then the results, as CSV or JSON lines."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from typing import IO, Any

from .readers import Record

RESULT_FIELDS = ("label", "category", "risk_score", "risk_level", "uncertain", "second_label", "second_score", "signals",
                 "rules", "model_version", "error")
EXTRA_FIELDS = "extra_fields"  # CSV from JSON lines: keys first seen after the header was fixed, as JSON
RESULT_PREFIX = "screen_"  # used for our columns only when the input already has a column of that name
EXCEL_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Undecodable input bytes (kept as surrogates by errors="surrogateescape") and lone surrogates from JSON escapes.
_SURROGATES = re.compile("[\ud800-\udfff]")


def result_names(input_fields: Iterable[str]) -> dict[str, str]:
    """Output column for each result field: its own name, or ``screen_<name>`` if the input has it."""
    taken = set(input_fields)
    return {name: (RESULT_PREFIX + name if name in taken else name) for name in RESULT_FIELDS}


def output_row(record: Record) -> dict[str, Any]:
    """The input's fields, then the results (None where a row has no value: an error row has no label)."""
    names = result_names(record.fields)
    row = dict(record.fields)
    for name in RESULT_FIELDS:
        row[names[name]] = record.result.get(name)
    error = record.result.get("error")
    row[names["error"]] = f"{error.code}: {error.message}" if error else None
    return row


def csv_cell(value: Any) -> Any:
    """How a value reads in a spreadsheet: lists joined by ';', objects as JSON, no value as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ";".join(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def excel_safe(value: Any) -> Any:
    """Neutralise a cell that a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(EXCEL_FORMULA_START):
        return "'" + value
    return value


def printable(value: Any) -> Any:
    """``value`` with every surrogate (an undecodable input byte, or a lone ``\\ud800`` from a JSON line)
    replaced by U+FFFD, in keys and nested values too, so that any row can be written as UTF-8."""
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value) if _SURROGATES.search(value) else value
    if isinstance(value, dict):
        return {printable(key): printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable(item) for item in value]
    return value


class JsonlWriter:
    """One JSON object per record: the input's keys, then the results."""

    def __init__(self, stream: IO[str], header: list[str] | None = None, from_json: bool = False):
        self.stream = stream
        self._encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps builds one per call

    def write(self, record: Record) -> None:
        # JSON leaves surrogates as they are, so making the line printable equals making every key and
        # value printable first, at one search a line
        self.stream.write(printable(self._encode(output_row(record))) + "\n")


class CsvWriter:
    """The input's header, then the result columns. Cells a spreadsheet would run as formulas are
    neutralised, in every CSV this project writes (the files carry a BOM so that Excel opens them).

    ``from_json``: the header holds the keys of JSON lines, and keys first seen later are kept, as JSON,
    in one more column."""

    def __init__(self, stream: IO[str], header: list[str] | None = None, from_json: bool = False):
        header = printable(list(header or ["text"]))
        names = result_names(header)
        self._error_column, self._from_json = names["error"], from_json
        columns = header + list(names.values()) + ([EXTRA_FIELDS] if from_json else [])
        self._csv = csv.DictWriter(stream, fieldnames=columns, extrasaction="ignore", restval="")
        self._csv.writerow({name: excel_safe(name) for name in self._csv.fieldnames})

    def write(self, record: Record) -> None:
        row = printable(output_row(record))
        extra = {key: value for key, value in row.items() if key not in self._csv.fieldnames}
        if extra and self._from_json:
            row[EXTRA_FIELDS] = extra
        elif extra:  # a broken row with more values than the header: keep them in the error text
            row[self._error_column] = f"{row.get(self._error_column) or ''} (extra values: {[str(v) for v in extra.values()]})"
        self._csv.writerow({key: excel_safe(csv_cell(value)) for key, value in row.items()})
