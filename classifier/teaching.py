"""What the teaching pages need from a fitted model: the terms it weighs most and examples per label."""

from __future__ import annotations

from .model import ScamClassifier


def top_terms(model: ScamClassifier, label: str, count: int = 15) -> list[dict]:
    """The features the model weighs most toward ``label``."""
    if label not in model.classes_:
        return []
    return [
        {"kind": kind, "term": term, "weight": round(weight, 4)}
        for kind, term, weight in model.linear_.top_terms(label, count)
    ]


def examples(model: ScamClassifier, label: str, count: int = 3) -> list[str]:
    """A few training messages of ``label``, shortest first among the first dozen."""
    index = model.examples_
    texts = [text for text, example_label in zip(index.texts, index.labels) if example_label == label]
    return sorted(texts[:12], key=len)[:count]
