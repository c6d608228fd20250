"""The corpus rules of issue 2, checked on the real corpus, and shown to fail when broken."""

import json
import shutil
from pathlib import Path

import pytest

from classifier.dataset import DatasetError, Example, band_table, load_examples, near_duplicate_pairs, validate

CORPUS = Path(__file__).parent.parent / "training_data"


@pytest.fixture(scope="module")
def real_report():
    return validate(CORPUS)


def test_real_corpus_passes_every_rule(real_report):
    assert real_report.errors == []


def test_band_table_counts_each_message_in_exactly_one_length_band():
    examples = [Example(text="短" * length, label=label, register="chat", source="t")
                for length, label in ((5, "loan"), (59, "loan"), (60, "loan"), (299, "normal"), (300, "normal"))]
    rows = band_table(examples, ("loan", "normal"))
    assert rows[2] == "| loan | 2 | 1 | 0 |"
    assert rows[3] == "| normal | 0 | 1 | 1 |"


@pytest.fixture
def corpus_copy(tmp_path):
    target = tmp_path / "training_data"
    shutil.copytree(CORPUS, target)
    return target


def _append(path: Path, row: dict) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _first_row(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8").splitlines()[0])


def test_exact_duplicate_is_caught(corpus_copy):
    _append(corpus_copy / "extra.jsonl", _first_row(corpus_copy / "loan.jsonl"))
    assert any("exact duplicate" in error for error in validate(corpus_copy).errors)


def test_near_duplicate_is_caught(corpus_copy):
    row = _first_row(corpus_copy / "romance.jsonl")
    row["text"] = row["text"] + "。"
    _append(corpus_copy / "extra.jsonl", row)
    assert any("near-duplicate" in error for error in validate(corpus_copy).errors)


def test_eval_overlapping_training_is_caught(corpus_copy):
    _append(corpus_copy / "eval" / "extra.jsonl", _first_row(corpus_copy / "investment.jsonl"))
    assert any("eval" in error and "train" in error for error in validate(corpus_copy).errors)


def test_too_few_messages_is_caught(corpus_copy):
    (corpus_copy / "game_trading.jsonl").unlink()
    assert any(error.startswith("train: game_trading has") and "needs 200" in error for error in validate(corpus_copy).errors)


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"text": "x", "label": "investment"', "invalid JSON"),
        ('["a list"]', "JSON object"),
        ('{"text": "你好", "label": "investment"}', "missing fields"),
        ('{"text": "  ", "label": "investment", "register": "sms"}', "non-empty"),
        ('{"text": "你好", "label": "phishing", "register": "sms"}', "unknown label"),
        ('{"text": "你好", "label": "normal", "register": "fax"}', "unknown register"),
        ('{"text": "你好", "label": "normal", "register": "sms", "colour": 1}', "unknown fields"),
    ],
)
def test_schema_errors_name_file_and_line(tmp_path, line, message):
    (tmp_path / "bad.jsonl").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=message) as caught:
        load_examples(tmp_path)
    assert "bad.jsonl:1" in str(caught.value)


def test_near_duplicate_pairs_uses_jaccard_threshold():
    base = "您好，您的快递在运输途中丢失，请点击链接申请双倍理赔"
    texts = [base, base + "哦", "今天晚上一起吃饭吗我请客"]
    pairs = near_duplicate_pairs(texts)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    assert near_duplicate_pairs([texts[2]], [base]) == []
