import numpy as np
import pytest

from classifier import InputError, ScamClassifier
from classifier.normalise import normalise

POLICE = "我是公安局的警官，你涉嫌洗钱，请把钱转入安全账户配合核查，不要告诉家人。"


def test_predictions_follow_probabilities(small_model):
    prediction = small_model.classify(POLICE)
    probabilities = small_model.predict_proba([POLICE])[0]
    assert prediction.label == small_model.classes_[int(np.argmax(probabilities))]
    assert prediction.risk_score == pytest.approx(1 - probabilities[small_model.classes_.index("normal")])
    assert [p for _, p in prediction.top] == sorted((p for _, p in prediction.top), reverse=True)
    assert len(prediction.top) == 3


def test_scam_and_normal_are_told_apart(small_model):
    assert small_model.classify(POLICE).label == "impersonate_police"
    assert small_model.classify("周末回家吃饭，妈妈做了红烧肉").label == "normal"


def test_risk_levels_follow_thresholds(small_model):
    levels = small_model.typology.thresholds["risk_levels"]
    assert small_model.risk_level(levels["high"]) == "high"
    assert small_model.risk_level(levels["medium"]) == "medium"
    assert small_model.risk_level(levels["medium"] - 0.01) == "low"


def test_explanation_contributions_are_exact(small_model):
    prediction = small_model.classify(POLICE)
    explanation = prediction.explanation
    features = small_model.pipeline_.named_steps["features"].transform([normalise(POLICE)])
    linear = small_model.linear_
    index = linear.classes.index(prediction.label)
    expected = linear.intercept[index] + features.toarray()[0] @ linear.coef[index]
    assert explanation.score == pytest.approx(expected, rel=1e-5)
    for term in explanation.toward:
        assert term.contribution == pytest.approx(term.value * term.coefficient)
        assert term.contribution > 0


def test_segments_cover_the_message_in_order(small_model):
    text = "請把錢轉入安全賬戶，不要告訴家人"
    segments = small_model.classify(text).explanation.segments
    assert "".join(segment.text for segment in segments) == text
    assert segments[0].start == 0 and segments[-1].end == len(text)
    assert any(segment.level > 0 for segment in segments)


def test_classify_reports_signals_advice_and_examples(small_model):
    result = small_model.classify(POLICE).to_dict()
    assert {signal["type"] for signal in result["signals"]} >= {"safe_account", "authority_claim"}
    assert result["advice"]["category_tips"] and result["advice"]["already_paid"]["steps"]
    assert 1 <= len(result["similar"]) <= 3
    assert result["category"]["white_paper_number"] == 2


def test_normal_verdict_carries_general_advice(small_model):
    result = small_model.classify("明天上午十点开会，记得带电脑").to_dict()
    assert result["label"] == "normal"
    assert result["advice"]["general"]["tips"]


def test_batch_predict_is_light(small_model):
    predictions = small_model.predict(["你好", POLICE])
    assert all(p.explanation is None and p.signals == () for p in predictions)


def test_predict_each_keeps_bad_texts_in_place(small_model):
    outcomes = small_model.predict_each([POLICE, "", 42, "你好"])
    assert [type(outcome).__name__ for outcome in outcomes] == ["Prediction", "InputError", "InputError", "Prediction"]
    assert outcomes[0].label == "impersonate_police" and outcomes[1].code == "empty_text"
    assert [o.label for o in outcomes[::3]] == [p.label for p in small_model.predict([POLICE, "你好"])]


@pytest.mark.parametrize(
    "bad, code",
    [(None, "not_text"), (42, "not_text"), ("", "empty_text"), ("   \n", "empty_text"),
     ("字" * 10001, "text_too_long"), ("abc\udcff", "invalid_encoding")],
)
def test_bad_input_is_refused_with_a_code(small_model, bad, code):
    with pytest.raises(InputError) as caught:
        small_model.classify(bad)
    assert caught.value.code == code


def test_fit_refuses_unknown_labels():
    with pytest.raises(InputError, match="not in the typology"):
        ScamClassifier().fit(["a message", "another one"], ["normal", "phishing"])


def test_teaching_helpers(small_model):
    assert small_model.top_terms("task_rebate", 5)[0]["weight"] > 0
    assert all(text in small_model.examples_.texts for text in small_model.examples_for("prize_lottery", 2))
