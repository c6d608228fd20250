import pytest

from classifier.evaluation import evaluate, write_reports


class FixedAnswers:
    """A stand-in model that answers labels from a lookup table."""

    def __init__(self, answers):
        self.answers = answers

    def predict(self, texts):
        return [self.answers[text] for text in texts]


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
    assert paths["confusion"].read_bytes().startswith(b"\x89PNG")
