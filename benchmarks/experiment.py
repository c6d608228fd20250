"""Train one model variant and score it on the own eval split and the external development set.

    python benchmarks/experiment.py --name svm --param linear=svm --param C=0.3 [--data DIR ...] [--save PATH]
                                    [--thresholds 0.4,0.5,0.6]
    python benchmarks/experiment.py --name shipped --model models/scam_classifier.joblib \
                                    --reliability models/reliability.png

``--model`` scores a saved model instead of training one; ``--reliability`` draws the reliability diagram of
the own eval split and the development set together.

Prints one table row: own eval (macro-F1, fraud recall, FPR, type accuracy, calibration error) beside the
development set (per-source recall, FPR and type accuracy with the same definitions as
``../shared/devset/score.py``, macro over sources, calibration error, and the share of scams among
messages scored below 0.1). Verdicts are the Detector's, as people and platforms get them. The
development set is for measuring only: never train on it.
"""

from __future__ import annotations

import argparse
import ast
import json
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from classifier import CompiledModel, Detector, ScamClassifier, load_typology
from classifier.calibration import plot_reliability, reliability
from classifier.dataset import load_examples
from classifier.evaluation import evaluate
from classifier.training import slices

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / ".devset" / "dev.jsonl"


def detector_at(model: ScamClassifier, threshold: float | None) -> Detector:
    """The product's detector, with the scam decision (medium risk) at ``threshold`` if given."""
    typology = load_typology()
    if threshold is not None:
        levels = {**typology.thresholds["risk_levels"], "medium": threshold}
        typology = replace(typology, thresholds={**typology.thresholds, "risk_levels": levels})
    return Detector(model, typology)


def own_eval(detector: Detector, eval_dirs: list[Path]) -> dict:
    examples = [example for directory in eval_dirs for example in load_examples(directory)]
    report = evaluate(detector, [e.text for e in examples], [e.label for e in examples])
    return {"curve": report.calibration, "n": report.size, "macro_f1": report.macro_f1, "recall": report.fraud_recall,
            "fpr": report.false_positive_rate, "type": report.type_accuracy, "ece": report.calibration_error,
            "uncertain": report.uncertain_share}


def development_set(detector: Detector) -> dict:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    predictions = detector.predict([row["text"] for row in rows])
    per = defaultdict(lambda: defaultdict(int))
    for row, prediction in zip(rows, predictions):
        source, label = per[row["source"]], prediction.label
        if row["fraud"]:
            source["fraud"] += 1
            source["caught"] += prediction.is_scam
            if row["accept"]:
                source["typed"] += 1
                source["right"] += label in row["accept"]
        else:
            source["normal"] += 1
            source["false"] += prediction.is_scam
    macro, result = defaultdict(list), {}
    for name, counts in sorted(per.items()):
        for key, top, bottom in (("recall", "caught", "fraud"), ("fpr", "false", "normal"), ("type", "right", "typed")):
            if counts[bottom]:
                result[f"{name}_{key}"] = counts[top] / counts[bottom]
                macro[key].append(counts[top] / counts[bottom])
    result.update({f"macro_{key}": float(np.mean(values)) for key, values in macro.items()})
    risk, is_scam = np.array([p.risk_score for p in predictions]), np.array([row["fraud"] for row in rows])
    result["curve"] = reliability(risk, is_scam)
    result["ece"] = result["curve"].expected_calibration_error
    result["scams_below_0.1"] = float(is_scam[risk < 0.1].mean()) if (risk < 0.1).any() else 0.0
    result["uncertain"] = float(np.mean([p.uncertain for p in predictions]))
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
    parser.add_argument("--thresholds", default="", help="also report at these scam thresholds, e.g. 0.4,0.5,0.6")
    parser.add_argument("--model", type=Path, help="score this saved model instead of training one")
    parser.add_argument("--reliability", type=Path, help="write the reliability diagram (own eval + development set)")
    args = parser.parse_args()
    examples = [example for directory in args.data or [ROOT / "training_data"] for example in load_examples(directory)]
    eval_dirs = args.eval or [ROOT / "training_data" / "eval"]
    started = time.perf_counter()
    if args.model:
        model = CompiledModel.load(args.model)
    else:
        model = ScamClassifier(**parse_params(args.param)).fit([e.text for e in examples], [e.label for e in examples],
                                                               groups=slices(examples))
    seconds = time.perf_counter() - started
    if args.save:
        model.save(args.save)
    for threshold in [None, *(float(t) for t in filter(None, args.thresholds.split(",")))]:
        detector = detector_at(model, threshold)
        own, dev = own_eval(detector, eval_dirs), development_set(detector) if DEV.exists() else {}
        name = args.name if threshold is None else f"{args.name} @ {threshold:.2f}"
        print(f"| {name} | {len(examples)} | {seconds:.0f}s | {own['macro_f1']:.3f} | {own['recall']:.3f} | "
              f"{own['fpr']:.3f} | {own['type']:.3f} | {own['ece']:.3f} | {dev.get('macro_recall', 0):.3f} | "
              f"{dev.get('macro_fpr', 0):.3f} | {dev.get('macro_type', 0):.3f} | {dev.get('ece', 0):.3f} | "
              f"{dev.get('scams_below_0.1', 0):.2f} |")
        curves = {"own eval split": own.pop("curve"), **({"development set": dev.pop("curve")} if dev else {})}
        if args.reliability and threshold is None:
            plot_reliability(curves, args.reliability, "Reliability of the risk score")
        print(json.dumps({"own": own, "dev": dev}, default=float))


if __name__ == "__main__":
    main()
