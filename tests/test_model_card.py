"""The model card describes the model that was actually trained."""

from types import SimpleNamespace

from classifier.model_card import render_model_card


def test_the_card_states_the_trained_parameters(small_model):
    examples = [SimpleNamespace(label="loan", register="sms"), SimpleNamespace(label="normal", register="call")]
    card = render_model_card(small_model, examples, report=None)
    assert "linear SVM (C=0.3)" in card and "in ≥2 messages" in card and "character 1–4-grams" in card
    assert "folds by corpus slice" in card and "context cue" not in card
    assert "| sms | call |" in card and "| 1 | 1 |" in card and "Known gaps" in card
    assert "2 training messages" in card and "No evaluation split was found" in card
