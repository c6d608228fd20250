"""The result of classifying one message, as plain value objects with a JSON form (``to_dict``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .signals import Signal
from .typology import Category, Typology


@dataclass(frozen=True)
class Term:
    """One feature's share of a label's score: ``contribution = value × coefficient``."""

    term: str
    kind: str  # "word", "char" or "signal"
    value: float
    coefficient: float
    contribution: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "kind": self.kind,
            "value": round(self.value, 6),
            "coefficient": round(self.coefficient, 6),
            "contribution": round(self.contribution, 6),
        }


@dataclass(frozen=True)
class Segment:
    """A run of the original message and how strongly it pushed toward scam (>0) or normal (<0)."""

    start: int
    end: int
    text: str
    weight: float
    level: int  # -3 … 3: the sign and strength bucket, for colouring

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "weight": round(self.weight, 6), "level": self.level}


@dataclass(frozen=True)
class Phrase:
    """A run of the original message that pushed one way: toward scam (weight > 0) or normal (< 0)."""

    text: str
    start: int
    end: int
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "weight": round(self.weight, 6),
                "toward": "scam" if self.weight > 0 else "normal"}


@dataclass(frozen=True)
class Explanation:
    """Why the model chose ``label``: exact per-term contributions to its linear score.

    ``score = intercept + sum(all contributions)``; ``toward``/``against`` list the largest ones.
    ``segments`` cover the whole message and weigh each piece for ``contrast_label`` against ``normal``.
    """

    label: str
    intercept: float
    score: float
    toward: tuple[Term, ...]
    against: tuple[Term, ...]
    contrast_label: str
    segments: tuple[Segment, ...]
    phrases: tuple[Phrase, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "intercept": round(self.intercept, 6),
            "score": round(self.score, 6),
            "toward": [term.to_dict() for term in self.toward],
            "against": [term.to_dict() for term in self.against],
            "contrast_label": self.contrast_label,
            "segments": [segment.to_dict() for segment in self.segments],
            "phrases": [phrase.to_dict() for phrase in self.phrases],
        }


@dataclass(frozen=True)
class SimilarExample:
    text: str
    label: str
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "label": self.label, "similarity": round(self.similarity, 4)}


@dataclass(frozen=True)
class Prediction:
    """Everything the classifier says about one message."""

    label: str
    category: Category
    risk_score: float
    risk_level: str
    top: tuple[tuple[str, float], ...]
    uncertain: bool
    typology: Typology = field(repr=False)
    signals: tuple[Signal, ...] = ()
    explanation: Explanation | None = None
    similar: tuple[SimilarExample, ...] = ()
    too_short: bool = False  # too little content to judge: shown as such, never more than low risk
    flag_ids: tuple[str, ...] = ()  # red-flag types found without spans (light predictions)
    rules: tuple = ()  # deployment rules that fired (classifier.rules.RuleHit), shown beside the verdict

    @property
    def red_flag_ids(self) -> tuple[str, ...]:
        """The red-flag types raised, each once (from the signals when explained)."""
        return tuple(dict.fromkeys(signal.type for signal in self.signals)) if self.signals else self.flag_ids

    @property
    def second(self) -> tuple[str, float]:
        """The likeliest label other than the verdict's, and its probability."""
        return next(((label, p) for label, p in self.top if label != self.label), ("", 0.0))

    def with_details(self, **details) -> Prediction:
        """The same verdict with ``signals``, ``explanation`` and ``similar`` filled in."""
        return replace(self, **details)

    @property
    def is_scam(self) -> bool:
        return self.category.is_fraud

    @property
    def risk_percent(self) -> str:
        """The risk as a person reads it: a rounded percentage, never "0%" or "100%" (a model is never sure)."""
        if self.risk_score < 0.01:
            return "<1%"
        if self.risk_score > 0.99:
            return ">99%"
        return f"约 {round(self.risk_score * 100)}%"

    @property
    def headline(self) -> str:
        """What the verdict says in one line, from the same thresholds as the risk level."""
        if self.too_short:
            return self.typology.too_short["headline"]
        level = self.typology.risk_levels[self.risk_level]
        return level["headline"] if self.risk_level == "low" else f"{level['headline']}：{self.category.name}"

    def red_flags(self) -> list[dict[str, Any]]:
        """Each red flag once, with every text that raised it, in order of first appearance."""
        grouped: dict[str, dict[str, Any]] = {}
        for signal in self.signals:
            flag = grouped.setdefault(signal.type, {"type": signal.type, "name": signal.name, "texts": []})
            if signal.text not in flag["texts"]:
                flag["texts"].append(signal.text)
        return list(grouped.values())

    def advice(self) -> dict[str, Any]:
        """Advice for this verdict: the category's own, plus the general block when normal or uncertain."""
        advice: dict[str, Any] = {"category_tips": list(self.category.advice), "if_paid": list(self.category.if_paid)}
        if not self.is_scam or self.uncertain:
            advice["general"] = self.typology.general_advice
        advice["already_paid"] = self.typology.already_paid
        return advice

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "category": {
                "id": self.category.id,
                "name": self.category.name,
                "white_paper_number": self.category.white_paper_number,
            },
            "risk_score": round(self.risk_score, 4),
            "risk_percent": self.risk_percent,
            "risk_level": self.risk_level,
            "risk_level_name": self.typology.risk_levels[self.risk_level]["name"],
            "too_short": self.too_short,
            "headline": self.headline,
            "action": None if self.too_short else self.typology.risk_levels[self.risk_level].get("action"),
            "top": [
                {"label": label, "name": self.typology.get(label).name, "probability": round(probability, 4)}
                for label, probability in self.top
            ],
            "uncertain": self.uncertain,
            "signals": [signal.to_dict() for signal in self.signals],
            "red_flags": self.red_flags(),
            "rules": [hit.to_dict() for hit in self.rules],
            "explanation": self.explanation.to_dict() if self.explanation else None,
            "advice": self.advice(),
            "similar": [example.to_dict() for example in self.similar],
        }
