"""Train one model variant and score it on the own eval split and the external development set.

    python benchmarks/experiment.py --name svm --param linear=svm --param C=0.3 [--data DIR ...] [--save PATH]

Prints one table row: own eval (macro-F1, fraud recall, FPR, type accuracy, calibration error) beside the
development set (per-source recall, FPR and type accuracy with the same definitions as
``../shared/devset/score.py``, macro over sources, calibration error, and the share of scams among
messages scored below 0.1). The development set is for measuring only: never train on it.
"""

from __future__ import annotations

import argparse
import ast
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from classifier import NORMAL, ScamClassifier, load_typology
from classifier.calibration import reliability
from classifier.dataset import load_examples

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / ".devset" / "dev.jsonl"


def decide(model: ScamClassifier, probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The product's own rule (verdict.py): the likeliest scam type at or above the medium risk, else normal."""
    risk = 1 - probabilities[:, model.classes_.index(NORMAL)]
    fraud = probabilities.copy()
    fraud[:, model.classes_.index(NORMAL)] = -1
    labels = np.asarray(model.classes_, dtype=object)[fraud.argmax(axis=1)]
    medium = load_typology().thresholds["risk_levels"]["medium"]
    return np.where(risk >= medium, labels, NORMAL), risk


def own_eval(model: ScamClassifier, eval_dirs: list[Path]) -> dict:
    examples = [example for directory in eval_dirs for example in load_examples(directory)]
    texts, truth = [e.text for e in examples], np.array([e.label for e in examples])
    predicted, risk = decide(model, model.predict_proba(texts))
    scam, flagged = truth != NORMAL, predicted != NORMAL
    f1 = []
    for label in sorted(set(truth)):
        tp = np.sum((predicted == label) & (truth == label))
        precision, recall = tp / max(np.sum(predicted == label), 1), tp / max(np.sum(truth == label), 1)
        f1.append(0 if tp == 0 else 2 * precision * recall / (precision + recall))
    return {
        "n": len(texts), "macro_f1": float(np.mean(f1)), "recall": float(flagged[scam].mean()),
        "fpr": float(flagged[~scam].mean()), "type": float((predicted == truth)[scam].mean()),
        "ece": reliability(risk, scam).expected_calibration_error,
    }


def development_set(model: ScamClassifier) -> dict:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    predicted, risk = decide(model, model.predict_proba([row["text"] for row in rows]))
    per = defaultdict(lambda: defaultdict(int))
    for row, label in zip(rows, predicted):
        source, flagged = per[row["source"]], label != NORMAL
        if row["fraud"]:
            source["fraud"] += 1
            source["caught"] += flagged
            if row["accept"]:
                source["typed"] += 1
                source["right"] += label in row["accept"]
        else:
            source["normal"] += 1
            source["false"] += flagged
    macro = defaultdict(list)
    result = {}
    for name, counts in sorted(per.items()):
        for key, top, bottom in (("recall", "caught", "fraud"), ("fpr", "false", "normal"), ("type", "right", "typed")):
            if counts[bottom]:
                value = counts[top] / counts[bottom]
                result[f"{name}_{key}"] = value
                macro[key].append(value)
    result.update({f"macro_{key}": float(np.mean(values)) for key, values in macro.items()})
    is_scam = np.array([row["fraud"] for row in rows])
    result["ece"] = reliability(risk, is_scam).expected_calibration_error
    low = risk < 0.1
    result["scams_below_0.1"] = float(is_scam[low].mean()) if low.any() else 0.0
    return result


def parse_params(pairs: list[str]) -> dict:
    params = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value
    return params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--param", action="append", default=[], help="estimator parameter, e.g. C=0.3")
    parser.add_argument("--data", action="append", type=Path, help="training directories (default: training_data)")
    parser.add_argument("--eval", action="append", type=Path, help="eval directories (default: training_data/eval)")
    parser.add_argument("--save", type=Path, help="also save the trained model here")
    args = parser.parse_args()
    data = args.data or [ROOT / "training_data"]
    examples = [example for directory in data for example in load_examples(directory)]
    started = time.perf_counter()
    model = ScamClassifier(**parse_params(args.param)).fit([e.text for e in examples], [e.label for e in examples])
    seconds = time.perf_counter() - started
    if args.save:
        model.save(args.save)
    own = own_eval(model, args.eval or [ROOT / "training_data" / "eval"])
    dev = development_set(model) if DEV.exists() else {}
    print(f"| {args.name} | {len(examples)} | {seconds:.0f}s | {own['macro_f1']:.3f} | {own['recall']:.3f} | "
          f"{own['fpr']:.3f} | {own['type']:.3f} | {own['ece']:.3f} | {dev.get('macro_recall', 0):.3f} | "
          f"{dev.get('macro_fpr', 0):.3f} | {dev.get('macro_type', 0):.3f} | {dev.get('ece', 0):.3f} | "
          f"{dev.get('scams_below_0.1', 0):.2f} |")
    print(json.dumps({"own": own, "dev": dev}, indent=None, default=float))


if __name__ == "__main__":
    main()
