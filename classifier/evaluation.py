"""Scoring the product's verdicts on a labelled split: per-label metrics, fraud-vs-normal rates, type
accuracy, calibration, a confusion matrix and a reliability diagram.

The verdicts are the :class:`~classifier.verdict.Detector`'s, so the figures describe what people and
platforms get (the risk threshold, not the arg-max of the probabilities).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from .calibration import Reliability, plot_reliability, reliability
from .typology import NORMAL, load_typology

CJK_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC")


@dataclass
class EvaluationReport:
    labels: list[str]
    per_label: dict[str, dict[str, float]]  # precision, recall, f1, support
    macro_f1: float
    accuracy: float
    fraud_recall: float  # share of scam messages not labelled normal
    false_positive_rate: float  # share of normal messages labelled as some scam
    type_accuracy: float  # share of scam messages given their own type
    calibration: Reliability  # risk score against being a scam
    uncertain_share: float  # share of messages marked uncertain
    uncertain_accuracy: tuple[float, float]  # accuracy where uncertain fires, and where it does not
    confusion: np.ndarray
    size: int

    @property
    def calibration_error(self) -> float:
        return self.calibration.expected_calibration_error

    def summary(self) -> dict:
        """The headline figures, as stored in the model manifest."""
        return {
            "eval_messages": self.size,
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "fraud_recall": round(self.fraud_recall, 4),
            "false_positive_rate": round(self.false_positive_rate, 4),
            "type_accuracy": round(self.type_accuracy, 4),
            "calibration_error": round(self.calibration_error, 4),
            "uncertain_share": round(self.uncertain_share, 4),
        }

    def to_markdown(self) -> str:
        when_unsure, when_sure = self.uncertain_accuracy
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
            f"| type accuracy (scams given their own type) | {self.type_accuracy:.3f} |",
            f"| expected calibration error (risk score) | {self.calibration_error:.3f} |",
            f"| `uncertain` fires on | {self.uncertain_share:.1%} (accuracy there {when_unsure:.3f}, elsewhere {when_sure:.3f}) |",
            "",
            "| label | precision | recall | F1 | support |",
            "|---|---|---|---|---|",
        ]
        for label in self.labels:
            row = self.per_label[label]
            lines.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {int(row['support'])} |")
        lines += ["", "Confusion matrix (rows: true label, columns: predicted): `confusion_matrix.png`; "
                  "reliability diagram: `reliability.png`.", ""]
        return "\n".join(lines)


def evaluate(detector, texts: list[str], labels: list[str]) -> EvaluationReport:
    """Score a :class:`~classifier.verdict.Detector`'s verdicts on labelled texts."""
    predictions = detector.predict(texts)
    predicted = [prediction.label for prediction in predictions]
    order = list(load_typology().label_ids)
    precision, recall, f1, support = precision_recall_fscore_support(labels, predicted, labels=order, zero_division=0)
    truth = np.array(labels, dtype=object)
    said = np.array(predicted, dtype=object)
    truth_scam, said_scam = truth != NORMAL, said != NORMAL
    right = truth == said
    unsure = np.array([prediction.uncertain for prediction in predictions])
    present = support > 0
    return EvaluationReport(
        labels=order,
        per_label={
            label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": float(s)}
            for label, p, r, f, s in zip(order, precision, recall, f1, support)
        },
        macro_f1=float(f1[present].mean()),
        accuracy=float(right.mean()) if len(right) else 0.0,
        fraud_recall=float(said_scam[truth_scam].mean()) if truth_scam.any() else 0.0,
        false_positive_rate=float(said_scam[~truth_scam].mean()) if (~truth_scam).any() else 0.0,
        type_accuracy=float(right[truth_scam].mean()) if truth_scam.any() else 0.0,
        calibration=reliability([prediction.risk_score for prediction in predictions], truth_scam),
        uncertain_share=float(unsure.mean()) if len(unsure) else 0.0,
        uncertain_accuracy=(float(right[unsure].mean()) if unsure.any() else float("nan"),
                            float(right[~unsure].mean()) if (~unsure).any() else float("nan")),
        confusion=confusion_matrix(labels, predicted, labels=order),
        size=len(texts),
    )


def _chinese_font() -> str | None:
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def plot_confusion(report: EvaluationReport, path: str | Path) -> None:
    """The confusion matrix as a PNG, with the types' Chinese names when a CJK font is installed
    (CI installs fonts-wqy-microhei), else with their ids."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = _chinese_font()
    typology = load_typology()
    names = [typology.get(label).name for label in report.labels] if font else report.labels
    matrix = report.confusion
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)  # colour by share of the true type's row
    with plt.rc_context({"font.family": [font, "DejaVu Sans"]} if font else {}):
        figure, axes = plt.subplots(figsize=(12, 10))
        axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
        axes.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=8)
        axes.set_yticks(range(len(names)), names, fontsize=8)
        axes.set_xlabel("模型判断的类型" if font else "predicted")
        axes.set_ylabel("真实类型" if font else "true")
        for (row, column), value in np.ndenumerate(matrix):
            if value:
                colour = "white" if shares[row, column] > 0.55 else "#1f2328"
                axes.text(column, row, str(value), ha="center", va="center", fontsize=7, color=colour)
        title = f"测试集上的混淆矩阵（宏平均 F1 {report.macro_f1:.3f}）" if font else \
            f"Confusion matrix on the evaluation split (macro-F1 {report.macro_f1:.3f})"
        axes.set_title(title)
        figure.tight_layout()
        figure.savefig(path, dpi=110, metadata={"Software": None})
        plt.close(figure)


def write_reports(report: EvaluationReport, directory: str | Path, extra_curves: dict | None = None) -> dict[str, Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {"markdown": directory / "evaluation.md", "confusion": directory / "confusion_matrix.png",
             "reliability": directory / "reliability.png"}
    paths["markdown"].write_text(report.to_markdown(), encoding="utf-8")
    plot_confusion(report, paths["confusion"])
    plot_reliability({"own eval split": report.calibration, **(extra_curves or {})}, paths["reliability"],
                     "Reliability of the risk score")
    return paths
