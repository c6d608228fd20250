"""The detector: text → Prediction with risk, uncertainty, advice, and the explanation from one feature row."""

import numpy as np
import pytest

from classifier import Detector, InputError
from classifier.normalise import normalise

POLICE = "我是公安局的警官，你涉嫌洗钱，请把钱转入安全账户配合核查，不要告诉家人。"


def test_predictions_follow_probabilities(detector, small_model):
    prediction = detector.classify(POLICE)
    probabilities = small_model.predict_proba([POLICE])[0]
    assert prediction.label == small_model.classes_[int(np.argmax(probabilities))]
    assert prediction.risk_score == pytest.approx(1 - probabilities[small_model.classes_.index("normal")])
    assert [p for _, p in prediction.top] == sorted((p for _, p in prediction.top), reverse=True)
    assert len(prediction.top) == 3


def test_explained_and_light_predictions_agree(detector):
    light, explained = detector.predict([POLICE])[0], detector.classify(POLICE, explain=True)
    assert light.label == explained.label and light.risk_score == pytest.approx(explained.risk_score)


def test_scam_and_normal_are_told_apart(detector):
    assert detector.classify(POLICE).label == "impersonate_police"
    assert detector.classify("周末回家吃饭，妈妈做了红烧肉").label == "normal"


def test_risk_levels_follow_thresholds(detector):
    levels = detector.typology.thresholds["risk_levels"]
    assert detector.risk_level(levels["high"]) == "high"
    assert detector.risk_level(levels["medium"]) == "medium"
    assert detector.risk_level(levels["medium"] - 0.01) == "low"


def test_explanation_contributions_are_exact(detector, small_model):
    explanation = detector.classify(POLICE).explanation
    features = small_model.pipeline_.named_steps["features"].transform([normalise(POLICE)])
    linear = small_model.compiled_.linear_
    index = linear.classes.index(explanation.label)
    expected = linear.intercept[index] + features.toarray()[0] @ linear.coef[index]
    assert explanation.score == pytest.approx(expected, rel=1e-5)
    for term in explanation.toward:
        assert term.contribution == pytest.approx(term.value * term.coefficient)
        assert term.contribution > 0


def test_an_explained_message_is_featurised_once(small_model, monkeypatch):
    calls = []
    features = small_model.compiled_.features
    monkeypatch.setattr(small_model.compiled_, "features", lambda texts: calls.append(len(texts)) or features(texts))
    Detector(small_model).classify(POLICE, explain=True)
    assert calls == [1]


def test_segments_cover_the_message_in_order(detector):
    text = "請把錢轉入安全賬戶，不要告訴家人"
    segments = detector.classify(text).explanation.segments
    assert "".join(segment.text for segment in segments) == text
    assert segments[0].start == 0 and segments[-1].end == len(text)
    assert any(segment.level > 0 for segment in segments)


def test_classify_reports_signals_advice_and_examples(detector):
    result = detector.classify(POLICE).to_dict()
    assert {signal["type"] for signal in result["signals"]} >= {"safe_account", "authority_claim"}
    assert result["advice"]["category_tips"] and result["advice"]["already_paid"]["steps"]
    assert 1 <= len(result["similar"]) <= 3
    assert result["category"]["white_paper_number"] == 2


def test_normal_verdict_carries_general_advice(detector):
    result = detector.classify("明天上午十点开会，记得带电脑").to_dict()
    assert result["label"] == "normal"
    assert result["advice"]["general"]["tips"]


def test_batch_predict_is_light(detector):
    predictions = detector.predict(["你好", POLICE])
    assert all(p.explanation is None and p.signals == () for p in predictions)


def test_predict_each_keeps_bad_texts_in_place(detector):
    outcomes = detector.predict_each([POLICE, "", 42, "你好"])
    assert [type(outcome).__name__ for outcome in outcomes] == ["Prediction", "InputError", "InputError", "Prediction"]
    assert outcomes[0].label == "impersonate_police" and outcomes[1].code == "empty_text"
    assert [o.label for o in outcomes[::3]] == [p.label for p in detector.predict([POLICE, "你好"])]


@pytest.mark.parametrize(
    "bad, code",
    [(None, "not_text"), (42, "not_text"), ("", "empty_text"), ("   \n", "empty_text"),
     ("字" * 10001, "text_too_long"), ("abc\udcff", "invalid_encoding")],
)
def test_bad_input_is_refused_with_a_code(detector, bad, code):
    with pytest.raises(InputError) as caught:
        detector.classify(bad)
    assert caught.value.code == code


def test_the_text_limit_is_the_setting(small_model):
    short = Detector(small_model, max_text_chars=20)
    assert short.classify("好" * 20).label
    with pytest.raises(InputError) as caught:
        short.classify("好" * 21)
    assert caught.value.code == "text_too_long" and caught.value.status == 413


def test_load_reads_the_model_and_its_metadata(saved_model, small_model):
    loaded = Detector.load(saved_model)
    assert loaded.version == loaded.model.manifest_["model_version"] != "unsaved"
    assert loaded.model.metrics == {"macro_f1": 1.0}
    assert loaded.classify(POLICE).label == Detector(small_model).classify(POLICE).label
