"""The corrections database: what is kept, what is not, duplicates, review states and concurrent writers."""

import multiprocessing
import sqlite3
from types import SimpleNamespace

import pytest

from classifier import FeedbackStore, InputError
from classifier.feedback import MIGRATIONS

VERDICT = SimpleNamespace(label="impersonate_police", risk_score=0.93)


def test_a_correction_keeps_the_text_only_when_asked(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    kept = store.add("高价收购银行卡，一张月租三千", "mule_recruitment", VERDICT, "v1", keep_text=True)
    secret = "我的手机号 13912345678，这条不要保存"
    hidden = store.add(secret, "normal", VERDICT, "v1", keep_text=False)
    assert store.get(kept).text and store.get(hidden).text is None
    assert store.get(hidden).text_hash == store.text_hash(secret) and store.get(hidden).model_label == "impersonate_police"
    for path in tmp_path.glob("f.sqlite3*"):  # the database, its WAL and shared memory
        assert secret.encode() not in path.read_bytes()


def test_the_same_text_and_label_count_once(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    first = store.add("刷单返利日结", "task_rebate", VERDICT, "v1")
    assert store.add("刷单返利日结", "task_rebate", VERDICT, "v1", keep_text=True) == first
    assert store.get(first).count == 2 and store.get(first).text == "刷单返利日结"  # consent given later keeps it
    assert store.add("刷单返利日结", "normal", VERDICT, "v1") != first


def test_only_accepted_corrections_with_text_can_train(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    a = store.add("文本一号", "normal", VERDICT, "v1", keep_text=True)
    b = store.add("文本二号", "normal", VERDICT, "v1", keep_text=False)
    c = store.add("文本三号", "loan", VERDICT, "v1", keep_text=True)
    store.set_status([a, b], "accepted")
    store.set_status([c], "rejected")
    assert store.training_rows() == [("文本一号", "normal")]
    assert [row.id for row in store.list("rejected")] == [c]
    with pytest.raises(InputError):
        store.set_status([999], "accepted")


def test_the_schema_is_versioned(tmp_path):
    FeedbackStore(tmp_path / "f.sqlite3")
    with sqlite3.connect(tmp_path / "f.sqlite3") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    FeedbackStore(tmp_path / "f.sqlite3")  # opening again changes nothing


def _write_many(path: str, worker: int) -> None:
    store = FeedbackStore(path)
    for number in range(150):
        store.add(f"工作进程 {worker} 的第 {number} 条", "normal", VERDICT, "v1", keep_text=True)


def test_two_processes_write_at_once_without_losing_a_row(tmp_path):
    path = str(tmp_path / "f.sqlite3")
    FeedbackStore(path)
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_many, args=(path, worker)) for worker in (1, 2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert [writer.exitcode for writer in writers] == [0, 0]
    assert len(FeedbackStore(path).list()) == 300
