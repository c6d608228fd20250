"""A gated retrain: the corpus plus the accepted corrections, kept only if it is not worse.

The candidate is trained with the current model's parameters on ``data_dir`` plus every accepted
correction whose text was kept. Before it may replace the current model it is compared with it, message
by message, on the own eval split and on the locked gate set (``data_dir/gate/``: genuine bank, courier,
carrier, airline, 12306 and 96110 messages beside textbook scams of every type). If it catches fewer scams,
or flags more genuine messages, than the tolerance allows on either set, it is refused — unless forced,
and then the manifest says so. This is what stops a poisoned batch of corrections ("these fake-police
scripts are normal") from reaching users.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .dataset import load_examples
from .errors import InputError
from .model import ScamClassifier
from .training import evaluate_directory, slices
from .typology import NORMAL
from .verdict import Detector
from .versions import keep, make_current

EXAMPLES_SHOWN = 5


@dataclass
class GateResult:
    name: str
    scams: int
    genuine: int
    fewer_caught: list[str] = field(default_factory=list)  # scams the current model catches and the candidate misses
    newly_flagged: list[str] = field(default_factory=list)  # genuine messages the candidate flags and the current does not
    changed: int = 0  # verdicts (label) that change at all

    def broken(self, tolerance: float) -> list[str]:
        reasons = []
        if len(self.fewer_caught) > math.floor(tolerance * self.scams):
            reasons.append(f"{self.name}: {len(self.fewer_caught)} fewer scams caught (at most {math.floor(tolerance * self.scams)})")
        if len(self.newly_flagged) > math.floor(tolerance * self.genuine):
            reasons.append(f"{self.name}: {len(self.newly_flagged)} more genuine messages flagged "
                           f"(at most {math.floor(tolerance * self.genuine)})")
        return reasons

    def report(self) -> list[str]:
        lines = [f"gate [{self.name}, {self.scams} scams, {self.genuine} genuine]: {self.changed} verdicts change "
                 f"({len(self.fewer_caught)} fewer scams caught, {len(self.newly_flagged)} more genuine messages flagged)"]
        lines += [f"  missed now: {text[:60]}" for text in self.fewer_caught[:EXAMPLES_SHOWN]]
        lines += [f"  flagged now: {text[:60]}" for text in self.newly_flagged[:EXAMPLES_SHOWN]]
        return lines

    def to_dict(self) -> dict:
        return {"scams": self.scams, "genuine": self.genuine, "changed": self.changed,
                "fewer_scams_caught": len(self.fewer_caught), "more_genuine_flagged": len(self.newly_flagged)}


def compare(current: Detector, candidate: Detector, name: str, directory: Path) -> GateResult:
    examples = load_examples(directory)
    texts = [e.text for e in examples]
    before, after = current.predict(texts), candidate.predict(texts)
    result = GateResult(name, sum(e.label != NORMAL for e in examples), sum(e.label == NORMAL for e in examples))
    for example, old, new in zip(examples, before, after):
        result.changed += old.label != new.label
        if example.label != NORMAL and old.is_scam and not new.is_scam:
            result.fewer_caught.append(example.text)
        if example.label == NORMAL and new.is_scam and not old.is_scam:
            result.newly_flagged.append(example.text)
    return result


@dataclass
class Retrain:
    accepted: bool
    forced: bool
    version: str
    corrections: int
    gates: list[GateResult]
    reasons: list[str]

    def report(self) -> str:
        lines = [f"retrain on the corpus and {self.corrections} accepted corrections → candidate {self.version}"]
        for gate in self.gates:
            lines += gate.report()
        if self.reasons:
            lines.append(("FORCED despite: " if self.forced else "REFUSED: ") + "; ".join(self.reasons))
        lines.append(f"{self.version} is now the current model" if self.accepted else "the current model is unchanged")
        return "\n".join(lines)


def retrain(settings, corrections: list[tuple[str, str]], force: bool = False,
            notify: Callable[[str], None] = lambda message: None) -> Retrain:
    """Train, gate, and on success save the candidate as a new version and make it current."""
    data_dir, model_path = Path(settings.data_dir), Path(settings.model_path)
    current = Detector.load(model_path, settings)
    examples = load_examples(data_dir)
    texts = [e.text for e in examples] + [text for text, _ in corrections]
    labels = [e.label for e in examples] + [label for _, label in corrections]
    notify(f"training a candidate on {len(examples)} corpus messages and {len(corrections)} corrections …")
    groups = slices(examples) + ["corrections"] * len(corrections)
    model = ScamClassifier(**current.model.get_params()).fit(texts, labels, groups=groups)
    candidate = Detector(model, current.typology, settings.max_text_chars, settings.label_thresholds, current.rules)
    gates = [compare(current, candidate, "eval split", data_dir / "eval"), compare(current, candidate, "gate set", data_dir / "gate")]
    reasons = [reason for gate in gates for reason in gate.broken(settings.gate_tolerance)]
    accepted = not reasons or force
    with tempfile.TemporaryDirectory(dir=model_path.parent) as scratch:
        staged = Path(scratch) / model_path.name
        report = evaluate_directory(model, data_dir / "eval", scratch)
        extra = {"retrain": {"corrections": len(corrections), "forced": bool(reasons) and force, "refused_for": reasons,
                             "gates": {gate.name: gate.to_dict() for gate in gates}}}
        model.save(staged, metrics=report.summary(), key=settings.model_key, extra=extra)
        result = Retrain(accepted, bool(reasons) and force, model.version, len(corrections), gates, reasons)
        if accepted:
            keep(model_path, staged)
            make_current(model_path, model.version)
    if not accepted:
        raise InputError("gate_refused", reason="; ".join(reasons), report=result.report())
    return result
