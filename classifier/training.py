"""Training a model from a corpus directory, evaluating it, and writing the model card."""

from __future__ import annotations

from pathlib import Path

from .config import load_settings
from .dataset import corpus_hash, load_examples
from .errors import DatasetError
from .evaluation import EvaluationReport, evaluate, write_reports
from .loading import Notify
from .model import ScamClassifier
from .verdict import Detector


def train(
    data_dir: str | Path | None = None,
    out: str | Path | None = None,
    eval_dir: str | Path | None = None,
    notify: Notify = lambda message: None,
) -> ScamClassifier:
    """Fit on ``data_dir/*.jsonl``, evaluate on ``data_dir/eval/`` if present, save, write reports."""
    settings = load_settings()
    data_dir, out = Path(data_dir or settings.data_dir), Path(out or settings.model_path)
    examples = load_examples(data_dir)
    if not examples:
        raise DatasetError("no_training_data", path=data_dir)
    notify(f"training on {len(examples)} messages from {data_dir} …")
    model = ScamClassifier().fit([e.text for e in examples], [e.label for e in examples], groups=slices(examples))
    eval_dir = Path(eval_dir) if eval_dir is not None else data_dir / "eval"
    report = None
    if any(eval_dir.glob("*.jsonl")):
        report = evaluate_directory(model, eval_dir, out.parent)
        notify(f"evaluation on {report.size} held-out messages: macro-F1 {report.macro_f1:.3f}")
    model.save(out, metrics=report.summary() if report else {}, data_hash=corpus_hash(data_dir), key=settings.model_key)
    from .model_card import write_model_card
    from .versions import keep

    write_model_card(model, examples, report, out.parent / "MODEL_CARD.md")
    keep(out, out)  # every trained model is also kept as a version, so a later retrain can be rolled back
    notify(f"model saved to {out} (version {model.version})")
    return model


def slices(examples) -> list[str]:
    """The corpus file each example comes from: one writer's slice (calibration holds slices out)."""
    return [example.source.rsplit(":", 1)[0] for example in examples]


def evaluate_directory(model: ScamClassifier, eval_dir: str | Path, report_dir: str | Path, settings=None) -> EvaluationReport:
    """Evaluate the verdicts on every ``*.jsonl`` in ``eval_dir`` and write the reports into ``report_dir``."""
    held_out = load_examples(eval_dir)
    if not held_out:
        raise DatasetError("no_eval_data", path=eval_dir)
    settings = settings or load_settings()
    detector = Detector(model, max_text_chars=settings.max_text_chars, label_thresholds=settings.label_thresholds)
    report = evaluate(detector, [e.text for e in held_out], [e.label for e in held_out])
    write_reports(report, report_dir)
    return report
