"""The fraud typology, its advice and the decision thresholds, loaded from ``typology.yaml``.

The YAML file is the single place where labels, Chinese names, white-paper numbers, red flags,
advice and risk thresholds live; code reads them from here and never repeats them as literals.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

TYPOLOGY_PATH = Path(__file__).with_name("typology.yaml")
NORMAL = "normal"


@dataclass(frozen=True)
class Subtype:
    """A named variety inside a label (``other_fraud`` gathers several), described like a label."""

    id: str
    name: str
    description: str
    script: tuple[str, ...]
    red_flags: tuple[str, ...]
    advice: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "description": self.description, "script": list(self.script),
                "red_flags": list(self.red_flags), "advice": list(self.advice)}


@dataclass(frozen=True)
class Example:
    """A textbook scam beside a genuine look-alike, and the one thing that tells them apart."""

    scam: str
    lookalike: str
    difference: str

    def to_dict(self) -> dict[str, str]:
        return {"scam": self.scam, "lookalike": self.lookalike, "difference": self.difference}


@dataclass(frozen=True)
class Category:
    """One label of the typology, with everything a person needs to understand it."""

    id: str
    name: str
    white_paper_number: int | None
    summary: str
    description: str
    script: tuple[str, ...]
    red_flags: tuple[str, ...]
    advice: tuple[str, ...]
    if_paid: tuple[str, ...]
    subtypes: tuple[Subtype, ...] = ()
    examples: tuple[Example, ...] = ()
    source: dict[str, str] | None = None  # {"document": key of Typology.sources, "section": …}

    @property
    def is_fraud(self) -> bool:
        return self.id != NORMAL

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "white_paper_number": self.white_paper_number,
            "summary": self.summary,
            "description": self.description,
            "script": list(self.script),
            "red_flags": list(self.red_flags),
            "advice": list(self.advice),
            "if_paid": list(self.if_paid),
            "subtypes": [subtype.to_dict() for subtype in self.subtypes],
            "examples": [example.to_dict() for example in self.examples],
            "source": self.source,
        }


@dataclass(frozen=True)
class Typology:
    """The whole typology file: categories in display order, thresholds and general advice."""

    categories: tuple[Category, ...]
    thresholds: dict[str, Any]
    risk_levels: dict[str, dict[str, str]]
    general_advice: dict[str, Any]
    already_paid: dict[str, Any]
    too_short: dict[str, str]
    sources: dict[str, dict[str, str]]

    @property
    def label_ids(self) -> tuple[str, ...]:
        return tuple(category.id for category in self.categories)

    @property
    def fraud_label_ids(self) -> tuple[str, ...]:
        return tuple(category.id for category in self.categories if category.is_fraud)

    def get(self, label_id: str) -> Category:
        for category in self.categories:
            if category.id == label_id:
                return category
        raise KeyError(f"unknown label {label_id!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "categories": [category.to_dict() for category in self.categories],
            "thresholds": self.thresholds,
            "risk_levels": self.risk_levels,
            "general_advice": self.general_advice,
            "already_paid": self.already_paid,
            "too_short": self.too_short,
            "sources": self.sources,
        }


def _category(entry: dict[str, Any]) -> Category:
    return Category(
        id=entry["id"],
        name=entry["name"],
        white_paper_number=entry.get("white_paper_number"),
        summary=entry["summary"],
        description=entry["description"],
        script=tuple(entry.get("script") or ()),
        red_flags=tuple(entry.get("red_flags") or ()),
        advice=tuple(entry.get("advice") or ()),
        if_paid=tuple(entry.get("if_paid") or ()),
        subtypes=tuple(
            Subtype(sub["id"], sub["name"], sub["description"], tuple(sub.get("script") or ()),
                    tuple(sub.get("red_flags") or ()), tuple(sub.get("advice") or ()))
            for sub in entry.get("subtypes") or ()
        ),
        examples=tuple(Example(**example) for example in entry.get("examples") or ()),
        source=entry.get("source"),
    )


def parse_typology(data: dict[str, Any]) -> Typology:
    """Build a :class:`Typology` from the parsed YAML mapping."""
    return Typology(
        categories=tuple(_category(entry) for entry in data["labels"]),
        thresholds=data["thresholds"],
        risk_levels=data["risk_levels"],
        general_advice=data["general_advice"],
        already_paid=data["already_paid"],
        too_short=data["too_short"],
        sources=data["sources"],
    )


@cache
def load_typology(path: Path = TYPOLOGY_PATH) -> Typology:
    """Load (once) and return the typology shipped with the package."""
    with open(path, encoding="utf-8") as handle:
        # libyaml's safe loader when PyYAML has it: the pure-Python one takes 0.1 s of every start-up
        return parse_typology(yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
