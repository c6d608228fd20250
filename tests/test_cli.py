"""Every subcommand, on the small model, and the bad inputs a user is likely to give."""

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from classifier.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus.jsonl"
SCAM = "高价收购银行卡，一张月租三千，安全无风险"


@pytest.fixture
def run(saved_model, capsys):
    def run(*argv):
        code = main(["--model", str(saved_model), *argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run


def test_classify_prints_a_chinese_verdict(run):
    code, out, _ = run("classify", SCAM)
    assert code == 0
    assert "判断：" in out and "风险：" in out and "建议：" in out


def test_classify_json(run):
    code, out, _ = run("classify", "--json", SCAM)
    result = json.loads(out)
    assert code == 0 and result["label"] == "mule_recruitment" and result["explanation"]["toward"]


def test_classify_reads_stdin(run, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SCAM.encode()), encoding="utf-8"))
    code, out, _ = run("classify", "--json")
    assert json.loads(out)["label"] == "mule_recruitment"


def test_classify_empty_text_is_a_clean_error(run, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"  \n"), encoding="utf-8"))
    code, out, err = run("classify")
    assert code == 2 and "error: text is empty" in err and out == ""


def test_screen_gb18030_csv_with_a_broken_row(run, tmp_path):
    source = tmp_path / "export.csv"
    source.write_bytes(f"编号,text\n1,{SCAM}\n2\n3,周末一起吃饭\n".encode("gb18030"))
    target = tmp_path / "out.csv"
    code, _, err = run("screen", str(source), "--output", str(target), "--no-progress")
    assert code == 0 and "3 rows screened, 1 with errors" in err
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["编号"] for row in rows] == ["1", "2", "3"]
    assert rows[0]["label"] == "mule_recruitment" and rows[0]["risk_level"] in {"medium", "high"}
    assert rows[1]["error"] and rows[2]["label"] == "normal"


def test_screen_jsonl_to_stdout_with_two_jobs(run, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps({"id": i, "content": t}, ensure_ascii=False) for i, t in enumerate([SCAM, "你好"])), encoding="utf-8")
    code, out, _ = run("screen", str(source), "--text-field", "content", "--jobs", "2", "--no-progress")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [row["id"] for row in rows] == [0, 1]
    assert rows[0]["content"] == SCAM and rows[0]["label"] == "mule_recruitment"


def test_screen_txt_from_stdin(run, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f"{SCAM}\n周末一起吃饭\n".encode()), encoding="utf-8"))
    code, out, _ = run("screen", "-", "--format", "txt", "--no-progress")
    assert code == 0 and len(out.splitlines()) == 2


def test_screen_output_format_overrides_the_file_name(run, tmp_path):
    source, target = tmp_path / "in.txt", tmp_path / "results.out"
    source.write_text(f"{SCAM}\n周末一起吃饭\n", encoding="utf-8")
    code, _, _ = run("screen", str(source), "--output", str(target), "--output-format", "csv", "--no-progress")
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert code == 0 and [row["label"] for row in rows] == ["mule_recruitment", "normal"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["screen", "missing.csv"], "no such file"),
        (["screen", "data.xlsx"], "cannot tell the format"),
        (["screen", "-"], "needs --format"),
    ],
)
def test_screen_bad_invocations_fail_cleanly(run, argv, message):
    code, _, err = run(*argv)
    assert code == 2 and message in err and "Traceback" not in err


def test_screen_refuses_zero_jobs(run, tmp_path):
    code, _, err = run("screen", str(CORPUS), "--jobs", "0")
    assert code == 2 and "--jobs" in err


def test_train_and_evaluate(tmp_path, capsys):
    data = tmp_path / "data"
    (data / "eval").mkdir(parents=True)
    rows = CORPUS.read_text(encoding="utf-8").splitlines()
    (data / "train.jsonl").write_text("\n".join(rows[::2] + rows[1::4]) + "\n", encoding="utf-8")
    (data / "eval" / "eval.jsonl").write_text("\n".join(rows[3::4]) + "\n", encoding="utf-8")
    model = tmp_path / "models" / "m.joblib"
    assert main(["train", "--data", str(data), "--out", str(model)]) == 0
    assert model.exists() and (model.parent / "MODEL_CARD.md").exists()
    assert main(["--model", str(model), "evaluate", "--data", str(data / "eval"), "--out", str(tmp_path / "report")]) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and (tmp_path / "report" / "confusion_matrix.png").stat().st_size > 1000


def test_the_missing_built_in_model_is_trained_on_first_use_and_said(tmp_path, capsys, monkeypatch):
    import classifier.loading as loading

    data = tmp_path / "data"
    data.mkdir()
    (data / "train.jsonl").write_bytes(CORPUS.read_bytes())
    monkeypatch.setattr(loading, "DEFAULT_MODEL_PATH", tmp_path / "built-in.joblib")
    monkeypatch.setenv("SCAM_CLASSIFIER_MODEL_PATH", str(tmp_path / "built-in.joblib"))
    monkeypatch.setenv("SCAM_CLASSIFIER_DATA_DIR", str(data))
    code = main(["classify", SCAM])
    assert code == 0 and "no model at" in capsys.readouterr().err
    assert (tmp_path / "built-in.joblib").exists()


def test_a_missing_model_at_another_path_is_an_error_not_a_training_run(tmp_path, capsys):
    code = main(["--model", str(tmp_path / "typo.joblib"), "classify", SCAM])
    err = capsys.readouterr().err
    assert code == 2 and "no model at" in err and "training" not in err
    assert not (tmp_path / "typo.joblib").exists()


def test_train_on_a_corpus_with_a_bad_label_is_one_clean_line(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.jsonl").write_text('{"text": "你好", "label": "phishing", "register": "sms"}\n', encoding="utf-8")
    code = main(["train", "--data", str(data), "--out", str(tmp_path / "m.joblib")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "unknown label 'phishing'" in err and "train.jsonl:1" in err


def test_validate_reports_a_corpus_that_breaks_the_rules(tmp_path, capsys):
    data = tmp_path / "data"
    (data / "eval").mkdir(parents=True)
    rows = CORPUS.read_text(encoding="utf-8").splitlines()
    (data / "train.jsonl").write_text("\n".join(rows + rows[:1]) + "\n", encoding="utf-8")  # one exact duplicate
    (data / "eval" / "eval.jsonl").write_text(rows[0] + "\n", encoding="utf-8")
    code = main(["validate", "--data", str(data)])
    captured = capsys.readouterr()
    assert code == 1 and "## train" in captured.out and "eval message also in training" in captured.err


def test_screen_csv_output_neutralises_formulas_like_the_web_download(run, tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("id,text\n=1+1,-2 @SUM(A1)\n", encoding="utf-8")
    code, _, _ = run("screen", str(source), "-o", str(target), "--no-progress")
    row = next(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert code == 0 and row["id"] == "'=1+1" and row["text"] == "'-2 @SUM(A1)"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_interrupted_screen_leaves_no_output_that_looks_complete(saved_model, tmp_path, jobs):
    import signal
    import subprocess
    import time

    source, target = tmp_path / "big.jsonl", tmp_path / "out.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": f"第{i}条：刷单返利日结佣金"}, ensure_ascii=False) + "\n"
                              for i in range(400_000)), encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "classifier", "--model", str(saved_model), "screen", str(source),
                                "-o", str(target), "--no-progress", "--jobs", jobs], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(path.suffix == ".partial" and path.stat().st_size for path in tmp_path.iterdir()):
        assert process.poll() is None and time.monotonic() < deadline, "screening ended before it could be stopped"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143 and "interrupted" in err and "Traceback" not in err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["big.jsonl"]  # no output, no partial file


def test_screen_fails_fast_with_status_2_on_a_missing_text_column(run, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,content\n1,你好\n", encoding="utf-8")
    code, out, err = run("screen", str(source), "-o", str(tmp_path / "out.csv"), "--no-progress")
    assert code == 2 and "'text'" in err and "id, content" in err and not (tmp_path / "out.csv").exists()


def test_screen_writes_metadata_beside_the_output(run, tmp_path, monkeypatch):
    monkeypatch.setenv("SCAM_CLASSIFIER_LABEL_THRESHOLDS", "loan=0.6")
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(f"id,text\n1,{SCAM}\n2,\n", encoding="utf-8")
    code, _, _ = run("screen", str(source), "-o", str(target), "--no-progress")
    meta = json.loads((tmp_path / "out.csv.meta.json").read_text(encoding="utf-8"))
    assert code == 0 and meta["rows"] == 2 and meta["errors"] == 1 and meta["label_thresholds"] == {"loan": 0.6}
    assert meta["model_version"] == next(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))["model_version"]


def test_csv_to_stdout_can_carry_a_bom(run, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(f"id,text\n1,{SCAM}\n", encoding="utf-8")
    _, plain, _ = run("screen", str(source), "--no-progress")
    _, with_bom, _ = run("screen", str(source), "--no-progress", "--bom")
    assert not plain.startswith("\ufeff") and with_bom.startswith("\ufeffid,text")


def test_version(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0 and capsys.readouterr().out.startswith("scam-classifier ")
