"""Scoring a classifier on a labelled split: per-label metrics, fraud-vs-normal rates, confusion matrix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from .typology import NORMAL, load_typology


@dataclass
class EvaluationReport:
    labels: list[str]
    per_label: dict[str, dict[str, float]]  # precision, recall, f1, support
    macro_f1: float
    accuracy: float
    fraud_recall: float  # share of scam messages not labelled normal
    false_positive_rate: float  # share of normal messages labelled as some scam
    confusion: np.ndarray
    size: int

    def summary(self) -> dict:
        """The headline figures, as stored in the model manifest."""
        return {
            "eval_messages": self.size,
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "fraud_recall": round(self.fraud_recall, 4),
            "false_positive_rate": round(self.false_positive_rate, 4),
        }

    def to_markdown(self) -> str:
        lines = [
            "# Evaluation on `training_data/eval/`",
            "",
            f"{self.size} messages never used in training. Regenerate with `scam-classifier evaluate`.",
            "",
            "| figure | value |",
            "|---|---|",
            f"| macro-F1 | {self.macro_f1:.3f} |",
            f"| accuracy | {self.accuracy:.3f} |",
            f"| fraud recall (scam not labelled normal) | {self.fraud_recall:.3f} |",
            f"| false-positive rate (normal labelled scam) | {self.false_positive_rate:.3f} |",
            "",
            "| label | precision | recall | F1 | support |",
            "|---|---|---|---|---|",
        ]
        for label in self.labels:
            row = self.per_label[label]
            lines.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {int(row['support'])} |")
        lines += ["", "Confusion matrix (rows: true label, columns: predicted): `confusion_matrix.png`.", ""]
        return "\n".join(lines)


def evaluate(model, texts: list[str], labels: list[str]) -> EvaluationReport:
    """Score a fitted :class:`~classifier.model.ScamClassifier` on labelled texts."""
    predicted = list(model.predict(texts))
    order = list(load_typology().label_ids)
    precision, recall, f1, support = precision_recall_fscore_support(labels, predicted, labels=order, zero_division=0)
    truth_scam = np.array([label != NORMAL for label in labels])
    said_scam = np.array([label != NORMAL for label in predicted])
    present = support > 0
    return EvaluationReport(
        labels=order,
        per_label={
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": float(s)}
            for label, p, r, f, s in zip(order, precision, recall, f1, support)
        },
        macro_f1=float(f1[present].mean()),
        accuracy=float(np.mean([a == b for a, b in zip(labels, predicted)])),
        fraud_recall=float(said_scam[truth_scam].mean()) if truth_scam.any() else 0.0,
        false_positive_rate=float(said_scam[~truth_scam].mean()) if (~truth_scam).any() else 0.0,
        confusion=confusion_matrix(labels, predicted, labels=order),
        size=len(texts),
    )


def plot_confusion(report: EvaluationReport, path: str | Path) -> None:
    """Write the confusion matrix as a PNG (label ids on the axes: they need no CJK font)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matrix = report.confusion
    figure, axes = plt.subplots(figsize=(11, 9))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(report.labels)), report.labels, rotation=60, ha="right", fontsize=8)
    axes.set_yticks(range(len(report.labels)), report.labels, fontsize=8)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    threshold = matrix.max() / 2 if matrix.max() else 1
    for (row, column), value in np.ndenumerate(matrix):
        if value:
            colour = "white" if value > threshold else "black"
            axes.text(column, row, str(value), ha="center", va="center", fontsize=7, color=colour)
    axes.set_title(f"Confusion matrix on the evaluation split (macro-F1 {report.macro_f1:.3f})")
    figure.tight_layout()
    figure.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(figure)


def write_reports(report: EvaluationReport, directory: str | Path) -> dict[str, Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {"markdown": directory / "evaluation.md", "confusion": directory / "confusion_matrix.png"}
    paths["markdown"].write_text(report.to_markdown(), encoding="utf-8")
    plot_confusion(report, paths["confusion"])
    return paths
