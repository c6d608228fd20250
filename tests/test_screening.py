import csv
import io
import json

import pytest

from classifier import Engine, InputError, ScreenOptions, format_of, screen
from classifier.screening.readers import detect_encoding
from classifier.screening.writers import excel_safe

SCAM = "高价收购银行卡，一张月租三千，安全无风险"


def _screen(detector, data: bytes, fmt: str, out_fmt: str | None = None, engine=None):
    output = io.StringIO()
    summary = screen(io.BytesIO(data), output, ScreenOptions(fmt, out_fmt), engine or Engine(detector))
    output.getvalue().encode("utf-8")  # whatever came in, the output can be written as UTF-8
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


def test_csv_output_always_neutralises_formulas(detector):
    output, _ = _screen(detector, "id,text\n=1+1,@SUM(A1) 刷单返利\n".encode(), "csv")
    row = next(csv.DictReader(io.StringIO(output)))
    assert row["id"] == "'=1+1" and row["text"].startswith("'@")
    assert excel_safe("-5") == "'-5" and excel_safe("正常") == "正常"


def test_parallel_screening_matches_serial(detector, saved_model):
    texts = [SCAM, "周末一起吃饭", "", "警官说我涉嫌洗钱"] * 300
    data = "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in texts).encode()
    serial, _ = _screen(detector, data, "jsonl")
    workers = Engine(model_path=saved_model, jobs=2)
    parallel, summary = _screen(detector, data, "jsonl", engine=workers)
    assert parallel == serial and summary.rows == len(texts)


def test_format_from_extension():
    assert format_of("a.CSV") == "csv" and format_of("b.ndjson") == "jsonl"
    with pytest.raises(InputError) as caught:
        format_of("c.xlsx")
    assert ".csv" in caught.value.message and ".csv" in caught.value.message_zh


# --- crafted rows and bytes (each one once took a whole batch down) ----------------------------------


def test_a_lone_surrogate_escape_is_one_row_error_in_text_key_or_value(detector):
    lines = ['{"id":1,"text":"你好"}', '{"id":2,"text":"明天开会"}', '{"id":3,"text":"abc\\ud800"}',
             '{"id":4,"text":"好的","\\udc00key":"\\ud800"}', '{"id":5,"text":"好的"}']
    output, summary = _screen(detector, "\n".join(lines).encode(), "jsonl")
    rows = [json.loads(line) for line in output.splitlines()]
    assert [row["id"] for row in rows] == [1, 2, 3, 4, 5] and summary.errors == 1
    assert rows[2]["error"].startswith("invalid_encoding") and rows[3]["\ufffdkey"] == "\ufffd"


@pytest.mark.parametrize("line", ["[" * 10_000 + "]" * 10_000, '{"id": 1, "text": "好", "x": ' + "[" * 100 + "]" * 100 + "}"])
def test_a_deeply_nested_json_line_is_a_row_error(detector, line):
    data = "\n".join(['{"id":0,"text":"你好"}', line, '{"id":2,"text":"好的"}']).encode()
    output, summary = _screen(detector, data, "jsonl")
    rows = [json.loads(row) for row in output.splitlines()]
    assert len(rows) == 3 and "nested too deeply" in rows[1]["error"] and summary.errors == 1


def test_numbers_a_float_cannot_hold_are_kept_as_text(detector):
    output, _ = _screen(detector, b'{"id": 1e400, "text": "\xe4\xbd\xa0\xe5\xa5\xbd", "n": NaN}\n', "jsonl")
    row = json.loads(output)
    assert row["id"] == "1e400" and row["n"] == "NaN" and row["label"]


def test_an_undecodable_byte_in_the_csv_header_is_kept_visible(detector):
    output, summary = _screen(detector, b"id,te\xffxt,text\n1,a,\xe4\xbd\xa0\xe5\xa5\xbd\n", "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert "te\ufffdxt" in rows[0] and rows[0]["label"] and summary.errors == 0


def test_one_stray_byte_does_not_turn_a_utf8_file_into_gb18030(detector):
    data = b"id,text\n0,\xff stray byte\n1," + "刷单返利，做任务赚佣金，先垫付后返还".encode() + b"\n"
    output, summary = _screen(detector, data, "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert rows[0]["error"].startswith("invalid_encoding")
    assert rows[1]["text"] == "刷单返利，做任务赚佣金，先垫付后返还" and rows[1]["error"] == ""


def test_an_unclosed_quote_is_a_row_error_naming_its_line(detector):
    output, summary = _screen(detector, 'id,text\n1,"never closed\n2,明天开会\n3,好的\n'.encode(), "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [row["id"] for row in rows] == ["1", "2", "3"]
    assert "line 2" in rows[0]["error"] and "never closed" in rows[0]["error"]
    assert rows[1]["error"] == rows[2]["error"] == "" and summary.errors == 1


def test_a_quoted_multiline_cell_is_one_row(detector):
    output, summary = _screen(detector, 'id,text\n1,"第一行\n第二行"\n2,好的\n'.encode(), "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [row["id"] for row in rows] == ["1", "2"] and summary.errors == 0


def test_crafted_rows_do_not_stop_worker_processes(detector, saved_model):
    lines = ['{"id":1,"text":"你好"}', '{"id":2,"text":"abc\\ud800"}', "[" * 5000, '{"id":4,"text":"好的"}'] * 300
    workers = Engine(model_path=saved_model, jobs=2)
    output, summary = _screen(detector, "\n".join(lines).encode(), "jsonl", engine=workers)
    assert len(output.splitlines()) == 1200 and summary.errors == 600


# --- the batch contract ----------------------------------------------------------------------------


def test_rows_carry_the_whole_contract_and_jsonl_says_null_where_there_is_no_value(detector):
    data = "\n".join(json.dumps(row, ensure_ascii=False) for row in [{"id": 1, "text": SCAM}, {"id": 2, "text": ""}]).encode()
    output, _ = _screen(detector, data, "jsonl")
    good, bad = (json.loads(line) for line in output.splitlines())
    assert {"uncertain", "second_label", "second_score", "signals", "model_version"} <= set(good)
    assert set(good["signals"]) == {"account_rental", "guaranteed_return"} and isinstance(good["uncertain"], bool)
    assert good["model_version"] == detector.version and good["second_label"] != good["label"]
    assert bad["label"] is None and bad["risk_score"] is None and bad["signals"] is None and bad["error"].startswith("empty_text")


def test_csv_lists_signals_with_semicolons_and_leaves_no_value_empty(detector):
    text = "高价收购银行卡，马上转账给我"
    output, _ = _screen(detector, f"id,text\n1,{text}\n2,\n".encode(), "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert set(rows[0]["signals"].split(";")) == {"account_rental", "urgency", "transfer_request"}
    assert rows[1]["label"] == "" and rows[1]["uncertain"] == ""


def test_jsonl_written_as_csv_keeps_every_key_as_a_column(detector):
    lines = [{"id": 1, "sender": "10690", "text": SCAM, "meta": {"a": 1}}, {"id": 2, "text": "周末一起吃饭", "later": "x"}]
    output, _ = _screen(detector, "\n".join(json.dumps(r, ensure_ascii=False) for r in lines).encode(), "jsonl", "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert list(rows[0])[:5] == ["id", "sender", "text", "meta", "later"]
    assert rows[0]["sender"] == "10690" and json.loads(rows[0]["meta"]) == {"a": 1} and rows[1]["later"] == "x"


def test_a_missing_text_column_fails_before_screening_and_names_the_columns(detector):
    with pytest.raises(InputError) as caught:
        _screen(detector, "id,content\n1,你好\n".encode(), "csv")
    assert caught.value.code == "missing_text_column" and "'text'" in caught.value.message and "id, content" in caught.value.message
    with pytest.raises(InputError, match="body"):
        _screen(detector, b'{"id": 1, "body": "x"}\n{"id": 2, "body": "y"}\n', "jsonl")


def test_min_risk_keeps_risky_rows_and_every_error(detector):
    data = f"id,text\n1,{SCAM}\n2,周末一起吃饭\n3,\n".encode()
    output = io.StringIO()
    screen(io.BytesIO(data), output, ScreenOptions("csv", min_risk=0.5), Engine(detector))
    assert [row["id"] for row in csv.DictReader(io.StringIO(output.getvalue()))] == ["1", "3"]
