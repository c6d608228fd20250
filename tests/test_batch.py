import csv
import io
import json

import pytest

from classifier.batch import (
    Writer, detect_encoding, detect_format, excel_safe, open_text, read_records, screen_records,
    screen_records_parallel, screen_stream,
)
from classifier import InputError

SCAM = "高价收购银行卡，一张月租三千，安全无风险"


def _screen(model, data: bytes, fmt: str, out_fmt: str | None = None, excel=False):
    header, records = read_records(open_text(io.BytesIO(data)), fmt)
    output = io.StringIO()
    summary = screen_stream(screen_records(model, records), Writer(output, out_fmt or fmt, header=header, excel=excel))
    return output.getvalue(), summary


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_common_encoding(small_model, encoding):
    data = f"id,text\n1,{SCAM}\n2,周末一起吃饭\n".encode(encoding)
    output, summary = _screen(small_model, data, "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [row["id"] for row in rows] == ["1", "2"]
    assert rows[0]["text"] == SCAM
    assert rows[0]["label"] == "mule_recruitment" and rows[1]["label"] == "normal"
    assert summary.rows == 2 and summary.errors == 0


def test_encoding_detection():
    assert detect_encoding("你好".encode("gb18030")) == "gb18030"
    assert detect_encoding("你好".encode("utf-8")) == "utf-8"
    assert detect_encoding("你好".encode("utf-8-sig")) == "utf-8-sig"


def test_bad_csv_rows_get_errors_and_the_batch_goes_on(small_model):
    data = f"id,text\n1,{SCAM}\n2\n3,,\n4,\n5,周末一起吃饭\n".encode()
    output, summary = _screen(small_model, data, "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [row["id"] for row in rows] == ["1", "2", "3", "4", "5"]
    assert "fields" in rows[1]["error"] and "extra values" in rows[2]["error"]
    assert rows[3]["error"].startswith("empty_text")
    assert rows[4]["label"] == "normal" and summary.errors == 3


def test_undecodable_bytes_are_a_row_error(small_model):
    data = b"id,text\n1,\xff\xfe\xfa\n2,hello world\n"
    header, records = read_records(open_text(io.BytesIO("id,text\n1,你好\n".encode() + data[8:])), "csv")
    results = [record.result for record in screen_records(small_model, records)]
    assert results[1]["error"].startswith("invalid_encoding")
    assert results[2]["error"] == ""


def test_jsonl_keeps_keys_order_and_reports_bad_lines(small_model):
    lines = [
        json.dumps({"id": 1, "text": SCAM, "meta": {"src": "a"}}, ensure_ascii=False),
        "{broken",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": 4, "text": 12}),
        json.dumps({"id": 5, "body": "no text field"}),
        json.dumps({"id": 6, "text": "周末一起吃饭", "label": "mine"}, ensure_ascii=False),
    ]
    output, summary = _screen(small_model, ("\n".join(lines) + "\n").encode(), "jsonl")
    rows = [json.loads(line) for line in output.splitlines()]
    assert len(rows) == 6
    assert rows[0]["meta"] == {"src": "a"} and rows[0]["label"] == "mule_recruitment"
    assert "invalid JSON" in rows[1]["error"] and "JSON object" in rows[2]["error"]
    assert rows[3]["error"].startswith("not_text") and "missing field 'text'" in rows[4]["error"]
    assert rows[5]["label"] == "mine" and rows[5]["screen_label"] == "normal"  # input keys never overwritten


def test_txt_gives_one_result_per_line(small_model):
    output, summary = _screen(small_model, f"{SCAM}\n\n周末一起吃饭\n".encode(), "txt", "jsonl")
    rows = [json.loads(line) for line in output.splitlines()]
    assert [row["text"] for row in rows] == [SCAM, "周末一起吃饭"]


def test_excel_output_neutralises_formulas(small_model):
    output, _ = _screen(small_model, "id,text\n=1+1,@SUM(A1) 刷单返利\n".encode(), "csv", excel=True)
    row = next(csv.DictReader(io.StringIO(output)))
    assert row["id"] == "'=1+1" and row["text"].startswith("'@")
    assert excel_safe("-5") == "'-5" and excel_safe("正常") == "正常"


def test_parallel_screening_matches_serial(small_model, saved_model):
    texts = [SCAM, "周末一起吃饭", "", "警官说我涉嫌洗钱"] * 30
    data = "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in texts).encode()
    serial = [r.result for r in screen_records(small_model, read_records(open_text(io.BytesIO(data)), "jsonl")[1])]
    parallel = [r.result for r in screen_records_parallel(saved_model, read_records(open_text(io.BytesIO(data)), "jsonl")[1], jobs=2, chunk_size=7)]
    assert parallel == serial


def test_format_from_extension():
    assert detect_format("a.CSV") == "csv" and detect_format("b.ndjson") == "jsonl"
    with pytest.raises(InputError):
        detect_format("c.xlsx")
