import csv
import io
import json

import pytest

from classifier import Engine, InputError, ScreenOptions, format_of, screen
from classifier.screening.readers import detect_encoding
from classifier.screening.writers import excel_safe

SCAM = "高价收购银行卡，一张月租三千，安全无风险"


def _screen(detector, data: bytes, fmt: str, out_fmt: str | None = None, excel=False, engine=None):
    output = io.StringIO()
    summary = screen(io.BytesIO(data), output, ScreenOptions(fmt, out_fmt, excel=excel), engine or Engine(detector))
    return output.getvalue(), summary


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_common_encoding(detector, encoding):
    data = f"id,text\n1,{SCAM}\n2,周末一起吃饭\n".encode(encoding)
    output, summary = _screen(detector, data, "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [row["id"] for row in rows] == ["1", "2"]
    assert rows[0]["text"] == SCAM
    assert rows[0]["label"] == "mule_recruitment" and rows[1]["label"] == "normal"
    assert summary.rows == 2 and summary.errors == 0


def test_encoding_detection():
    assert detect_encoding("你好".encode("gb18030")) == "gb18030"
    assert detect_encoding("你好".encode()) == "utf-8"
    assert detect_encoding("你好".encode("utf-8-sig")) == "utf-8-sig"


def test_bad_csv_rows_get_errors_and_the_batch_goes_on(detector):
    data = f"id,text\n1,{SCAM}\n2\n3,,\n4,\n5,周末一起吃饭\n".encode()
    output, summary = _screen(detector, data, "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [row["id"] for row in rows] == ["1", "2", "3", "4", "5"]
    assert "fields" in rows[1]["error"] and "extra values" in rows[2]["error"]
    assert rows[3]["error"].startswith("empty_text")
    assert rows[4]["label"] == "normal" and summary.errors == 3


def test_undecodable_bytes_are_a_row_error(detector):
    data = "id,text\n1,你好\n".encode() + b"2,\xff\xfe\xfa\n3,hello world\n"
    output, summary = _screen(detector, data, "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert rows[1]["error"].startswith("invalid_encoding")
    assert rows[2]["error"] == "" and summary.errors == 1


def test_jsonl_keeps_keys_order_and_reports_bad_lines(detector):
    lines = [
        json.dumps({"id": 1, "text": SCAM, "meta": {"src": "a"}}, ensure_ascii=False),
        "{broken",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": 4, "text": 12}),
        json.dumps({"id": 5, "body": "no text field"}),
        json.dumps({"id": 6, "text": "周末一起吃饭", "label": "mine"}, ensure_ascii=False),
    ]
    output, summary = _screen(detector, ("\n".join(lines) + "\n").encode(), "jsonl")
    rows = [json.loads(line) for line in output.splitlines()]
    assert len(rows) == 6
    assert rows[0]["meta"] == {"src": "a"} and rows[0]["label"] == "mule_recruitment"
    assert "invalid JSON" in rows[1]["error"] and "JSON object" in rows[2]["error"]
    assert rows[3]["error"].startswith("not_text") and "missing field 'text'" in rows[4]["error"]
    assert rows[5]["label"] == "mine" and rows[5]["screen_label"] == "normal"  # input keys never overwritten


def test_txt_gives_one_result_per_line(detector):
    output, summary = _screen(detector, f"{SCAM}\n\n周末一起吃饭\n".encode(), "txt", "jsonl")
    rows = [json.loads(line) for line in output.splitlines()]
    assert [row["text"] for row in rows] == [SCAM, "周末一起吃饭"]


def test_excel_output_neutralises_formulas(detector):
    output, _ = _screen(detector, "id,text\n=1+1,@SUM(A1) 刷单返利\n".encode(), "csv", excel=True)
    row = next(csv.DictReader(io.StringIO(output)))
    assert row["id"] == "'=1+1" and row["text"].startswith("'@")
    assert excel_safe("-5") == "'-5" and excel_safe("正常") == "正常"


def test_parallel_screening_matches_serial(detector, saved_model):
    texts = [SCAM, "周末一起吃饭", "", "警官说我涉嫌洗钱"] * 300
    data = "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in texts).encode()
    serial, _ = _screen(detector, data, "jsonl")
    workers = Engine(model_path=saved_model, jobs=2, max_text_chars=detector.max_text_chars)
    parallel, summary = _screen(detector, data, "jsonl", engine=workers)
    assert parallel == serial and summary.rows == len(texts)


def test_format_from_extension():
    assert format_of("a.CSV") == "csv" and format_of("b.ndjson") == "jsonl"
    with pytest.raises(InputError) as caught:
        format_of("c.xlsx")
    assert ".csv" in caught.value.message and ".csv" in caught.value.message_zh
