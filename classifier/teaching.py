"""What the teaching pages need: words the model learned (with context), quizzes and comparisons.

Everything here is read from the typology data (textbook examples beside genuine look-alikes) and from
the fitted model; nothing is hard-coded per type.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

from .explain import split_feature_name
from .normalise import TOKEN_NAMES, display_term
from .runtime import CompiledModel
from .typology import NORMAL, Category, Typology

_FUNCTION_CHARS = frozenset("的了吗呢啊吧呀哦嗯我你您他她它们是在有和与就都也还又这那个一不人"
                           "要会能把被让给对说去来到上下里中着过得地之其而及或等很太更最")
_CONTEXT_CHARS = 14


def top_terms(model: CompiledModel, label: str, count: int = 15) -> list[dict]:
    """The features the model weighs most toward ``label`` (any kind: words, characters, signals)."""
    if label not in model.classes_:
        return []
    return [
        {"kind": kind, "term": term, "weight": round(weight, 4)}
        for kind, term, weight in model.linear_.top_terms(label, count)
    ]


def learned_words(model: CompiledModel, label: str, count: int = 12) -> list[dict]:
    """Whole words and phrases the model weighs most toward ``label``, each with a short context from a
    training message of that label: no fragments, no function words, no word inside a stronger one."""
    if label not in model.classes_:
        return []
    linear = model.linear_
    weights = linear.coef[linear.classes.index(label)]
    chosen: list[dict] = []
    for index in weights.argsort()[::-1]:
        if weights[index] <= 0 or len(chosen) >= count:
            break
        kind, term = split_feature_name(linear.feature_names[index])
        if kind != "word":
            continue
        phrase = term.replace(" ", "")
        if len(phrase) < 2 or set(phrase) <= _FUNCTION_CHARS or any(char in TOKEN_NAMES for char in phrase):
            continue
        if any(phrase in other["term"] or other["term"] in phrase for other in chosen):
            continue
        context = _context(model, label, phrase)
        if context:
            chosen.append({"term": display_term(phrase), "weight": round(float(weights[index]), 3), "context": context})
    return chosen


def _context(model: CompiledModel, label: str, phrase: str) -> str | None:
    for text, example_label in zip(model.examples_.texts, model.examples_.labels):
        position = text.find(phrase)
        if example_label == label and position >= 0:
            start, end = max(0, position - _CONTEXT_CHARS), position + len(phrase) + _CONTEXT_CHARS
            return ("…" if start else "") + re.sub(r"\s+", " ", text[start:end]) + ("…" if end < len(text) else "")
    return None


def examples(model: CompiledModel, label: str, count: int = 3) -> list[str]:
    """A few training messages of ``label``, shortest first among the first dozen."""
    index = model.examples_
    texts = [text for text, example_label in zip(index.texts, index.labels) if example_label == label]
    return sorted(texts[:12], key=len)[:count]


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    is_scam: bool
    category: Category  # the type the scam is, or the type the genuine message looks like
    difference: str


def questions(typology: Typology) -> dict[str, Question]:
    """Every textbook example and its look-alike as a quiz question, by a stable id."""
    found = {}
    for category in typology.categories:
        for number, example in enumerate(category.examples, start=1):
            found[f"{category.id}-{number}-s"] = Question(f"{category.id}-{number}-s", example.scam, True, category,
                                                          example.difference)
            found[f"{category.id}-{number}-g"] = Question(f"{category.id}-{number}-g", example.lookalike, False, category,
                                                          example.difference)
    return found


def quiz(typology: Typology, types: list[str] | None = None, count: int = 10) -> list[Question]:
    """``count`` questions from ``types`` (all by default), half scams and half look-alikes where possible,
    in an order fixed by the choice itself: the same link gives a class the same quiz."""
    pool = [q for q in questions(typology).values() if not types or q.category.id in types]
    seed = hashlib.sha256(f"{sorted(types or [])}:{count}".encode()).hexdigest()
    rng = random.Random(seed)
    scams, genuine = [q for q in pool if q.is_scam], [q for q in pool if not q.is_scam]
    rng.shuffle(scams)
    rng.shuffle(genuine)
    half = min(count // 2, len(scams), len(genuine))
    chosen = scams[:half] + genuine[:half]
    chosen += (scams[half:] + genuine[half:])[: max(0, count - len(chosen))]
    rng.shuffle(chosen)
    return chosen


def compare(typology: Typology, model: CompiledModel, first: str, second: str) -> dict:
    """Two types side by side, with what sets them apart: the red flags and learned words only one has."""
    a, b = typology.get(first), typology.get(second)
    words_a, words_b = ({w["term"] for w in learned_words(model, c.id, 20)} for c in (a, b))
    return {
        "a": a, "b": b,
        "only_a_flags": [flag for flag in a.red_flags if flag not in b.red_flags],
        "only_b_flags": [flag for flag in b.red_flags if flag not in a.red_flags],
        "only_a_words": [w for w in learned_words(model, a.id, 20) if w["term"] not in words_b][:8],
        "only_b_words": [w for w in learned_words(model, b.id, 20) if w["term"] not in words_a][:8],
    }


def teachable(typology: Typology) -> list[Category]:
    """The scam types a class can learn (everything but normal)."""
    return [category for category in typology.categories if category.id != NORMAL]
