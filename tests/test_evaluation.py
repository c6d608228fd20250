from types import SimpleNamespace

import pytest

from classifier.evaluation import evaluate, write_reports


class FixedAnswers:
    """A stand-in detector that answers verdicts from a lookup table."""

    def __init__(self, answers):
        self.answers = answers

    def predict(self, texts):
        return [SimpleNamespace(label=self.answers[text], risk_score=0.0 if self.answers[text] == "normal" else 0.9,
                                uncertain=False) for text in texts]


def test_fraud_recall_and_false_positive_rate():
    truth = {"a": "loan", "b": "loan", "c": "romance", "d": "normal", "e": "normal", "f": "normal", "g": "normal"}
    answers = {"a": "loan", "b": "normal", "c": "investment", "d": "normal", "e": "normal", "f": "normal", "g": "loan"}
    report = evaluate(FixedAnswers(answers), list(truth), list(truth.values()))
    assert report.fraud_recall == pytest.approx(2 / 3)  # c is a scam labelled as another scam: still caught
    assert report.false_positive_rate == pytest.approx(1 / 4)
    assert report.per_label["loan"]["precision"] == pytest.approx(1 / 2)
    assert report.confusion.sum() == 7


def test_reports_are_written(tmp_path):
    truth = {"a": "loan", "b": "normal"}
    report = evaluate(FixedAnswers(truth), list(truth), list(truth.values()))
    paths = write_reports(report, tmp_path)
    assert "| loan | 1.000 |" in paths["markdown"].read_text(encoding="utf-8")
    assert paths["confusion"].read_bytes().startswith(b"\x89PNG") and paths["reliability"].read_bytes().startswith(b"\x89PNG")


def test_type_accuracy_and_calibration_are_reported():
    truth = {"a": "loan", "b": "loan", "c": "romance", "d": "normal"}
    answers = {"a": "loan", "b": "credit_repair", "c": "romance", "d": "normal"}
    report = evaluate(FixedAnswers(answers), list(truth), list(truth.values()))
    assert report.type_accuracy == pytest.approx(2 / 3) and report.fraud_recall == 1.0
    assert report.calibration_error == pytest.approx(0.075)  # scams at 0.9 (right) and normal at 0.0 (right)
    assert "type accuracy" in report.to_markdown() and report.summary()["calibration_error"] == pytest.approx(0.075)
