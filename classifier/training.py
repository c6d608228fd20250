"""Training a model from ``training_data/``, evaluating it, and writing the model card."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .dataset import corpus_hash, load_examples
from .errors import ModelError
from .evaluation import evaluate, write_reports
from .model import ScamClassifier
from .persistence import DEFAULT_MODEL_PATH, PROJECT_ROOT

DEFAULT_DATA_DIR = PROJECT_ROOT / "training_data"


def train(
    data_dir: str | Path = DEFAULT_DATA_DIR,
    out: str | Path = DEFAULT_MODEL_PATH,
    eval_dir: str | Path | None = None,
    notify: Callable[[str], None] = lambda message: None,
) -> ScamClassifier:
    """Fit on ``data_dir/*.jsonl``, evaluate on ``data_dir/eval/`` if present, save, write reports."""
    data_dir, out = Path(data_dir), Path(out)
    examples = load_examples(data_dir)
    if not examples:
        raise ModelError(f"no training messages in {data_dir}/*.jsonl", code="no_training_data")
    notify(f"training on {len(examples)} messages from {data_dir} …")
    classifier = ScamClassifier().fit([e.text for e in examples], [e.label for e in examples])
    eval_dir = Path(eval_dir) if eval_dir is not None else data_dir / "eval"
    metrics = {}
    report = None
    if any(eval_dir.glob("*.jsonl")):
        held_out = load_examples(eval_dir)
        report = evaluate(classifier, [e.text for e in held_out], [e.label for e in held_out])
        metrics = report.summary()
        write_reports(report, out.parent)
        notify(f"evaluation on {len(held_out)} held-out messages: macro-F1 {report.macro_f1:.3f}")
    classifier.manifest_ = classifier.save(out, metrics=metrics, data_hash=corpus_hash(data_dir))
    from .model_card import write_model_card

    write_model_card(classifier, examples, report, out.parent / "MODEL_CARD.md")
    notify(f"model saved to {out} (version {classifier.version})")
    return classifier


def load_or_train(
    path: str | Path | None = None,
    data_dir: str | Path = DEFAULT_DATA_DIR,
    notify: Callable[[str], None] = print,
) -> ScamClassifier:
    """Load the model at ``path``; if there is none yet, train one from ``data_dir`` first and say so.

    A model that exists but fails its checks (hash, versions) is not silently replaced: the
    error is raised so that the operator decides.
    """
    path = Path(path or DEFAULT_MODEL_PATH)
    if not path.exists():
        notify(f"no model at {path}: training one from {data_dir} (this takes a few minutes, once)")
        train(data_dir, path, notify=notify)
    return ScamClassifier.load(path)
