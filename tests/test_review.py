"""Corrections reviewed from the CLI, the gated retrain (accepted and refused), versions and rollback."""

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from classifier import CompiledModel, FeedbackStore, load_settings, model_versions, train
from classifier.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
VERDICT = SimpleNamespace(label="normal", risk_score=0.1)
POLICE = "您好，我是市公安局的民警，您的银行卡涉嫌洗钱，请立即把钱转入安全账户配合调查，不要告诉任何人。"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A corpus folder (train, eval, gate) and a model trained on it, with its first version kept."""
    root = tmp_path_factory.mktemp("review")
    data = root / "data"
    (data / "eval").mkdir(parents=True)
    rows = (FIXTURES / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    (data / "train.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (data / "eval" / "eval.jsonl").write_text("\n".join(rows[::3]) + "\n", encoding="utf-8")
    shutil.copytree(FIXTURES / "gate", data / "gate")
    model = root / "models" / "scam_classifier.joblib"
    train(data, model)
    return root, data, model


@pytest.fixture
def env(trained, tmp_path, monkeypatch):
    root, data, model = trained
    work = tmp_path / "models"
    shutil.copytree(model.parent, work)
    monkeypatch.setenv("SCAM_CLASSIFIER_DATA_DIR", str(data))
    monkeypatch.setenv("SCAM_CLASSIFIER_MODEL_PATH", str(work / model.name))
    monkeypatch.setenv("SCAM_CLASSIFIER_FEEDBACK_DB", str(tmp_path / "feedback.sqlite3"))
    return load_settings(), FeedbackStore(tmp_path / "feedback.sqlite3")


def test_review_commands_list_show_accept_reject_export(env, capsys):
    settings, store = env
    first = store.add("这条是正常的通知", "normal", VERDICT, "v1", keep_text=True)
    second = store.add("高价收卡", "mule_recruitment", VERDICT, "v1")
    assert main(["feedback", "accept", str(first)]) == 0 and main(["feedback", "reject", str(second)]) == 0
    capsys.readouterr()
    assert main(["feedback", "list", "--status", "accepted", "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in listed] == [first] and listed[0]["text"] == "这条是正常的通知"
    assert main(["feedback", "show", str(second)]) == 0 and json.loads(capsys.readouterr().out)["text"] is None
    assert main(["feedback", "export", "--format", "csv"]) == 0 and "mule_recruitment" in capsys.readouterr().out
    assert main(["feedback", "show", "999"]) == 2 and "no correction" in capsys.readouterr().err


def test_a_retrain_that_the_gate_accepts_becomes_a_new_current_version(env, capsys):
    settings, store = env
    for text in ("周末一起吃火锅，我订好位子了", "快递到了放门口，记得拿"):
        store.set_status([store.add(text, "normal", VERDICT, "v1", keep_text=True)], "accepted")
    before = CompiledModel.load(settings.model_path).version
    assert main(["retrain"]) == 0
    out = capsys.readouterr().out
    assert "gate [gate set" in out and "fewer scams caught" in out and "is now the current model" in out
    after = CompiledModel.load(settings.model_path)
    assert after.version != before and after.manifest_["retrain"]["corrections"] == 2
    assert [v.current for v in model_versions(settings.model_path)] == [False, True]


def test_a_poisoned_batch_is_refused_by_the_gate_and_force_is_recorded(env, capsys):
    settings, store = env
    for number in range(300):  # 300 accepted corrections that call fake-police scripts normal
        text = f"{POLICE}（第{number}次）案件编号 A{number:04d}，配合资金核查。"
        store.set_status([store.add(text, "normal", VERDICT, "v1", keep_text=True)], "accepted")
    before = CompiledModel.load(settings.model_path).version
    assert main(["retrain"]) == 1
    captured = capsys.readouterr()
    assert "fewer scams caught" in captured.out and "REFUSED" in captured.out and "worse" in captured.err
    assert CompiledModel.load(settings.model_path).version == before  # nothing replaced
    assert main(["retrain", "--force"]) == 0
    forced = CompiledModel.load(settings.model_path)
    assert forced.manifest_["retrain"]["forced"] is True and forced.manifest_["retrain"]["refused_for"]


def test_rollback_refuses_a_version_this_package_cannot_load(env, capsys):
    settings, _ = env
    current = CompiledModel.load(settings.model_path).version
    old = Path(settings.model_path).parent / "versions" / "0ld0ld0ld0ld"
    old.mkdir()
    shutil.copyfile(settings.model_path, old / Path(settings.model_path).name)
    manifest = json.loads(Path(settings.model_path).with_suffix(".json").read_text(encoding="utf-8"))
    manifest.update(model_version="0ld0ld0ld0ld", format=2, created="2000-01-01T00:00:00+00:00")
    (old / Path(settings.model_path).with_suffix(".json").name).write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["rollback", "0ld0ld0ld0ld"]) == 2 and "older version" in capsys.readouterr().err
    assert CompiledModel.load(settings.model_path).version == current


def test_rollback_restores_the_previous_version(env, capsys):
    settings, store = env
    first = CompiledModel.load(settings.model_path).version
    store.set_status([store.add("下周三交作业", "normal", VERDICT, "v1", keep_text=True)], "accepted")
    assert main(["retrain"]) == 0
    assert CompiledModel.load(settings.model_path).version != first
    capsys.readouterr()
    assert main(["models"]) == 0 and first in capsys.readouterr().out
    assert main(["rollback"]) == 0
    assert CompiledModel.load(settings.model_path).version == first
    assert main(["rollback", "nope"]) == 2
