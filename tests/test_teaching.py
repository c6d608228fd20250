"""What the teaching pages get from a model: weighted terms and corpus examples per label."""

from classifier import examples_for, top_terms


def test_top_terms_are_the_heaviest_positive_weights(detector):
    terms = top_terms(detector.model, "task_rebate", 5)
    weights = [term["weight"] for term in terms]
    assert len(terms) == 5 and weights == sorted(weights, reverse=True) and weights[-1] > 0
    assert top_terms(detector.model, "not_a_label") == []


def test_examples_are_training_messages_of_that_label(detector, corpus):
    texts = examples_for(detector.model, "prize_lottery", 2)
    of_label = {row["text"] for row in corpus if row["label"] == "prize_lottery"}
    assert len(texts) == 2 and set(texts) <= of_label
    assert len(texts[0]) <= len(texts[1])  # shortest first
    assert examples_for(detector.model, "not_a_label") == []
