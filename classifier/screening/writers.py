"""Writing screened records: the input's own fields, then the results, as CSV or JSON lines."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from typing import IO, Any

from .readers import Record

RESULT_FIELDS = ("label", "category", "risk_score", "risk_level", "error")
RESULT_PREFIX = "screen_"  # used for our columns only when the input already has a column of that name
EXCEL_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")  # what errors="surrogateescape" makes of undecodable bytes


def result_names(input_fields: Iterable[str]) -> dict[str, str]:
    """Output column for each result field: its own name, or ``screen_<name>`` if the input has it."""
    taken = set(input_fields)
    return {name: (RESULT_PREFIX + name if name in taken else name) for name in RESULT_FIELDS}


def output_row(record: Record) -> dict[str, Any]:
    names = result_names(record.fields)
    row = dict(record.fields)
    for name in RESULT_FIELDS:
        row[names[name]] = record.result.get(name, "")
    error = record.result.get("error")
    row[names["error"]] = f"{error.code}: {error.message}" if error else ""
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


class JsonlWriter:
    """One JSON object per record: the input's keys, then the results."""

    def __init__(self, stream: IO[str], header: list[str] | None = None, excel: bool = False):
        self.stream = stream

    def write(self, record: Record) -> None:
        row = {key: printable(value) for key, value in output_row(record).items()}
        self.stream.write(json.dumps(row, ensure_ascii=False) + "\n")


class CsvWriter:
    """The input's header, then the result columns; ``excel`` neutralises formulas."""

    def __init__(self, stream: IO[str], header: list[str] | None = None, excel: bool = False):
        header = list(header or ["text"])
        names = result_names(header)
        self.excel, self._error_column = excel, names["error"]
        self._csv = csv.DictWriter(stream, fieldnames=header + list(names.values()), extrasaction="ignore", restval="")
        self._csv.writeheader()

    def write(self, record: Record) -> None:
        row = {key: printable(value) for key, value in output_row(record).items()}
        extra = [str(value) for key, value in row.items() if key not in self._csv.fieldnames]
        if extra:  # a broken row with more values than the header: keep them in the error text
            row[self._error_column] = f"{row.get(self._error_column, '')} (extra values: {extra})"
        if self.excel:
            row = {key: excel_safe(value) for key, value in row.items()}
        self._csv.writerow(row)
