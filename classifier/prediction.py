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

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "intercept": round(self.intercept, 6),
            "score": round(self.score, 6),
            "toward": [term.to_dict() for term in self.toward],
            "against": [term.to_dict() for term in self.against],
            "contrast_label": self.contrast_label,
            "segments": [segment.to_dict() for segment in self.segments],
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

    def with_details(self, **details) -> Prediction:
        """The same verdict with ``signals``, ``explanation`` and ``similar`` filled in."""
        return replace(self, **details)

    @property
    def is_scam(self) -> bool:
        return self.category.is_fraud

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
            "risk_level": self.risk_level,
            "risk_level_name": self.typology.risk_levels[self.risk_level]["name"],
            "top": [
                {"label": label, "name": self.typology.get(label).name, "probability": round(probability, 4)}
                for label, probability in self.top
            ],
            "uncertain": self.uncertain,
            "signals": [signal.to_dict() for signal in self.signals],
            "explanation": self.explanation.to_dict() if self.explanation else None,
            "advice": self.advice(),
            "similar": [example.to_dict() for example in self.similar],
        }
