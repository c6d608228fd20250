"""Why a message got its label: exact linear contributions, highlighted spans, similar examples.

For a linear model the score of label ``k`` is ``intercept[k] + Σ_j x_j · coef[k, j]``, so each
feature's contribution ``x_j · coef[k, j]`` is exact, not an approximation. The probabilities shown
to users come from the calibrated model on top of this score; the explanation describes the score.
"""

from __future__ import annotations

import math
import re

import numpy as np

from .blocks import normalise_rows
from .normalise import NormalisedText, display_term
from .prediction import Explanation, Phrase, Segment, SimilarExample, Term
from .signals import RED_FLAG_IDS, Signal

TOP_TERMS = 10
TOP_PHRASES = 6
HEAT_LEVELS = 3
HEAT_FLOOR = 0.08  # pieces weaker than this share of the strongest are left unmarked
_WHITESPACE = re.compile(r"\s")
# What a person reads as "the words that mattered": never punctuation, spaces or symbols, and never a
# phrase made only of function words (char n-grams spread weight onto 我, 是, 你, 的 …).
_NOT_CONTENT = re.compile(r"[\s\W_]")
_FUNCTION_WORDS = frozenset("的了吗呢啊吧呀哦嗯我你您他她它们是在有和与就都也还又这那个一不人"
                            "要会能把被让给对说去来到上下里中着过得地之其而及或等很太更最")


def split_feature_name(name: str) -> tuple[str, str]:
    """``words__投资`` → (``word``, ``投资``); ``signals__signal:link`` → (``signal``, ``link``)."""
    block, _, term = name.partition("__")
    kind = {"words": "word", "chars": "char", "pinyin": "pinyin", "signals": "signal"}[block]
    return kind, term.removeprefix("signal:") if kind == "signal" else term


def _terms(features, values, weights) -> list[Term]:
    terms = []
    for (kind, term), value, weight in zip(features, values.tolist(), weights.tolist()):
        shown = term if kind == "signal" else display_term(term)
        terms.append(Term(shown, kind, value, weight, value * weight))
    return terms


def _occurrences(term: str, kind: str, search_text: str) -> list[tuple[int, int]]:
    needle = _WHITESPACE.sub(" ", term.replace(" ", "") if kind == "word" else term)
    spans, start = [], search_text.find(needle)
    while needle and start >= 0:
        spans.append((start, start + len(needle)))
        start = search_text.find(needle, start + 1)
    return spans


def _heat(text, normalised, features, values, contrast, signals) -> np.ndarray:
    """Spread each feature's contrast weight evenly over the original characters it came from."""
    heat = [0.0] * len(text)  # spans are a few characters: a list is faster to add to than numpy slices
    search_text = _WHITESPACE.sub(" ", normalised.text)
    signal_spans: dict[str, list[tuple[int, int]]] = {}
    for signal in signals:
        signal_spans.setdefault(signal.type, []).append((signal.start, signal.end))
    for (kind, term), value, weight in zip(features, values.tolist(), contrast.tolist()):
        if kind == "signal":
            spans = signal_spans.get(term, [])
        elif kind == "pinyin":  # sounds, not spellings: no place in the text to put them
            spans = []
        else:
            spans = [normalised.source_span(a, b) for a, b in _occurrences(term, kind, search_text)]
        width = sum(end - start for start, end in spans)
        for start, end in spans if width else ():
            share = value * weight / width
            for position in range(start, end):
                heat[position] += share
    return np.array(heat)


def _readable(text: str, heat: np.ndarray, red_flags: list[Signal]) -> np.ndarray:
    """The heat a person is shown: none on punctuation, spaces, symbols or lone function words, and
    never toward normal on a span listed as a red flag."""
    heat = heat.copy()
    for position, char in enumerate(text):
        if _NOT_CONTENT.match(char):
            heat[position] = 0.0
    strongest = float(np.abs(heat).max()) if len(heat) else 0.0
    for signal in red_flags:
        span = heat[signal.start : signal.end]
        span[:] = np.maximum(span, HEAT_FLOOR * strongest if strongest else 1.0)
    for start, end in _runs(heat):
        if set(text[start:end]) <= _FUNCTION_WORDS:
            heat[start:end] = 0.0
    return heat


def _runs(heat: np.ndarray):
    """(start, end) of each run of characters whose heat has one sign."""
    signs = np.sign(heat)
    start = 0
    for position in range(1, len(heat) + 1):
        if position == len(heat) or signs[position] != signs[start]:
            if signs[start]:
                yield start, position
            start = position


def _phrases(text: str, heat: np.ndarray) -> tuple[Phrase, ...]:
    """The strongest runs toward scam, then toward normal: the phrases the verdict rests on."""
    strongest = float(np.abs(heat).max()) if len(heat) else 0.0
    runs = [Phrase(text[start:end], start, end, float(heat[start:end].sum())) for start, end in _runs(heat)
            if np.abs(heat[start:end]).max() >= HEAT_FLOOR * strongest]
    toward = sorted((run for run in runs if run.weight > 0), key=lambda run: -run.weight)[:TOP_PHRASES]
    against = sorted((run for run in runs if run.weight < 0), key=lambda run: run.weight)[:TOP_PHRASES]
    return tuple(toward + against)


def _segments(text: str, heat: np.ndarray) -> tuple[Segment, ...]:
    strongest = float(np.abs(heat).max()) if len(heat) else 0.0
    if strongest == 0.0:
        return (Segment(0, len(text), text, 0.0, 0),) if text else ()
    levels = [
        # min(): float rounding can put the strongest piece a hair above HEAT_LEVELS
        0 if abs(h) < HEAT_FLOOR * strongest else int(math.copysign(min(HEAT_LEVELS, math.ceil(HEAT_LEVELS * abs(h) / strongest)), h))
        for h in heat
    ]
    segments, start = [], 0
    for position in range(1, len(text) + 1):
        if position == len(text) or levels[position] != levels[start]:
            weight = float(heat[start:position].sum())
            segments.append(Segment(start, position, text[start:position], weight, levels[start]))
            start = position
    return tuple(segments)


def explain(
    text: str,
    normalised: NormalisedText,
    features,
    signals: list[Signal],
    model: LinearModel,
    label: str,
    contrast_label: str,
) -> Explanation:
    """Explanation of ``label`` for one message whose feature row is ``features`` (1 × n sparse)."""
    row = features.tocsr()
    indices, values = row.indices, row.data
    features = [split_feature_name(model.feature_names[index]) for index in indices]
    # weights at the row's features only: a whole row of coef is 370,000 weights
    weights = model.coef[model.classes.index(label), indices]
    intercept = float(model.intercept[model.classes.index(label)])
    terms = _terms(features, values, weights)
    ranked = sorted(terms, key=lambda term: term.contribution)
    contrast = model.coef[model.classes.index(contrast_label), indices] - model.coef[model.classes.index("normal"), indices]
    heat = _heat(text, normalised, features, values, contrast, signals)
    heat = _readable(text, heat, [signal for signal in signals if signal.type in RED_FLAG_IDS])
    return Explanation(
        label=label,
        intercept=intercept,
        score=intercept + float(sum(term.contribution for term in terms)),
        toward=tuple(term for term in reversed(ranked[-TOP_TERMS:]) if term.contribution > 0),
        against=tuple(term for term in ranked[:TOP_TERMS] if term.contribution < 0),
        contrast_label=contrast_label,
        segments=_segments(text, heat),
        phrases=_phrases(text, heat),
    )


class LinearModel:
    """The linear layer under the calibration: what explanations are computed from."""

    def __init__(self, classes, coef, intercept, feature_names):
        self.classes = list(classes)
        self.coef = np.asarray(coef)
        self.intercept = np.asarray(intercept)
        self.feature_names = feature_names  # anything indexable by column: a list, an array, Terms

    def top_terms(self, label: str, count: int = 15) -> list[tuple[str, str, float]]:
        """The features with the largest positive weight for ``label``: (kind, term, weight)."""
        weights = self.coef[self.classes.index(label)]
        best = np.argsort(weights)[::-1][:count]
        return [(*_display(self.feature_names[index]), float(weights[index])) for index in best]


def _display(name: str) -> tuple[str, str]:
    kind, term = split_feature_name(name)
    return kind, term if kind == "signal" else display_term(term)


class ExampleIndex:
    """Training messages in word TF-IDF space, for "similar examples" by cosine similarity."""

    def __init__(self, matrix, texts, labels):
        # by feature (CSC): a query of a few dozen words reads only those words' columns
        self.by_feature = normalise_rows(matrix.tocsr().astype(np.float32)).tocsc()
        self.texts = list(texts)
        self.labels = list(labels)

    def nearest(self, vector, count: int = 3, minimum: float = 0.05) -> tuple[SimilarExample, ...]:
        query = normalise_rows(vector.tocsr().astype(np.float32))
        similarity = self.by_feature[:, query.indices] @ query.data
        best = np.argsort(similarity)[::-1][:count]
        return tuple(
            SimilarExample(self.texts[index], self.labels[index], float(similarity[index]))
            for index in best
            if similarity[index] >= minimum
        )
