"""Property tests for the batch readers: whatever comes in, every record comes out, in order, as UTF-8."""

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier import Engine, InputError, ScreenOptions, screen

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ANY_TEXT = st.text(alphabet=st.characters(codec=None), max_size=40)  # includes lone surrogates and controls
JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
                          max_leaves=8)


def screened(detector, data: bytes, fmt: str) -> list[str]:
    output = io.StringIO()
    summary = screen(io.BytesIO(data), output, ScreenOptions(fmt, "jsonl"), Engine(detector))
    output.getvalue().encode("utf-8")  # always writable as UTF-8
    lines = output.getvalue().split("\n")[:-1]  # JSON lines end in \n; other line breaks may sit in values
    assert summary.rows == len(lines)
    return [json.loads(line) for line in lines]


def json_line(value) -> str:
    return json.dumps(value, ensure_ascii=True)  # escapes keep one physical line, lone surrogates included


@SETTINGS
@given(st.lists(st.one_of(
    st.builds(lambda text, extra: {"text": text, **extra}, ANY_TEXT, st.dictionaries(ANY_TEXT, JSON_VALUE, max_size=2)),
    JSON_VALUE,
    st.text(alphabet=st.characters(exclude_characters="\n\r"), min_size=1, max_size=20),
), min_size=1, max_size=12))
def test_jsonl_every_line_gives_one_row_in_order(detector, items):
    lines = [json_line({**item, "row": number}) if isinstance(item, dict) else
             (item if isinstance(item, str) else json_line(item)) for number, item in enumerate(items)]
    lines = [line for line in lines if line.strip()]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if not any(isinstance(item, dict) and "text" in item for item in items) and any(isinstance(item, dict) for item in items):
        with pytest.raises(InputError, match="no 'text' column"):  # plainly the wrong field: fail before screening
            screened(detector, data, "jsonl")
        return
    rows = screened(detector, data, "jsonl")
    assert len(rows) == len(lines)
    numbered = [row["row"] for row in rows if isinstance(row.get("row"), int)]
    assert numbered == sorted(numbered)
    assert all(row.get("error") or row.get("label") for row in rows)


@SETTINGS
@given(st.lists(st.lists(ANY_TEXT.filter(lambda text: "\r" not in text), min_size=2, max_size=2), min_size=1, max_size=10))
def test_csv_rows_written_by_a_csv_writer_come_back_one_for_one(detector, records):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "text"])
    writer.writerows([[f"r{number}", text] for number, (_, text) in enumerate(records)])
    rows = screened(detector, buffer.getvalue().encode("utf-8", "surrogatepass"), "csv")
    assert [row["id"] for row in rows] == [f"r{number}" for number in range(len(records))]
    assert all(row["error"] or row["label"] for row in rows)


@SETTINGS
@given(st.binary(max_size=300), st.sampled_from(["csv", "jsonl", "txt"]))
def test_arbitrary_bytes_never_stop_a_batch(detector, data, fmt):
    try:
        rows = screened(detector, data, fmt)
    except InputError as error:  # the one clean refusal: no text column or field at all
        assert error.code == "missing_text_column" and fmt != "txt"
        return
    assert all(row.get("error") or row.get("label") for row in rows)
