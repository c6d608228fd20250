"""``models/MODEL_CARD.md``, written by every training run from the model and its evaluation."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .typology import load_typology

INTENDED_USE = """\
Flags Chinese messages (SMS, chat, call transcripts, e-mail, notices, posts) that resemble known
telecom-network fraud scripts, names the likely fraud type from the Shanghai court white paper's
typology (plus the 帮信 "mule recruitment" chain), and gives prevention advice. It supports a person's
judgement and a platform's triage queue; it is not proof that a message is or is not fraud, and it
must not be used to punish senders automatically."""

KNOWN_GAPS = """\
- Written by a few hands: real scam calls ramble, real chats carry system lines, stickers and typos that the
  corpus imitates only partly; genuine chat texts unlike ours are flagged more often (README → Evaluation).
- E-mail and notice are thinner than the other registers for most fraud labels; `other_fraud` has few long
  messages; `ride_hailing_cash`, `holiday_voucher` and `photo_blackmail` have few short ones.
- One-line messages are ambiguous: a genuine "transfer 500 to the landlord for me" shares every word with
  the scam."""

LIMITATIONS = """\
- Trained on messages written for this project, not on real intercepted traffic: wording it has never
  seen, new scam scripts and very short messages are less reliable. Watch the `uncertain` flag.
- Text only: it cannot see images, voice, links' destinations or who the sender really is. A genuine
  message from a bank and a perfect copy of it look the same.
- Simplified and traditional Chinese; other languages and heavy dialect are out of scope.
- Probabilities are calibrated by cross-validation across corpus slices; on other traffic the risk
  score is a ranking signal more than an exact probability (on the development set, where most messages
  are scams, it is too low: of messages scored 0.3–0.4, about 80% were scams).
- The explanation is exact for the linear score beneath the calibration, not for the probability."""


def _register_rows(examples) -> list[str]:
    counts = Counter(getattr(example, "register", "") for example in examples)
    registers = [register for register in ("sms", "chat", "call", "email", "notice", "post") if counts[register]]
    return ["| " + " | ".join(registers) + " |", "|" + "---|" * len(registers),
            "| " + " | ".join(str(counts[register]) for register in registers) + " |"]


def _label_rows(classifier, counts: Counter, report) -> list[str]:
    rows = ["| id | 名称 | white paper | training messages | eval F1 |", "|---|---|---|---|---|"]
    for category in load_typology().categories:
        number = category.white_paper_number if category.white_paper_number is not None else "—"
        f1 = f"{report.per_label[category.id]['f1']:.3f}" if report else "—"
        rows.append(f"| `{category.id}` | {category.name} | {number} | {counts[category.id]} | {f1} |")
    return rows


def _pipeline_line(classifier) -> str:
    low, high = classifier.char_ngram_range
    word_min_df, char_min_df = classifier.min_df
    linear = f"linear SVM (C={classifier.C})" if classifier.linear == "svm" else f"logistic regression (C={classifier.C})"
    cue = " and 1 context cue" if classifier.context_cues else ""
    folds = f"{classifier.calibration_folds}-fold, " + ("folds by corpus slice" if classifier.calibrate_across_groups else "stratified")
    return ("- Pipeline: normalisation (NFKC, traditional → simplified, separators collapsed, links/phones/handles/amounts/"
            f"numbers as typed tokens) → TF-IDF over jieba words (1–2-grams, in ≥{word_min_df} messages) + character "
            f"{low}–{high}-grams (in ≥{char_min_df} messages) + red-flag signal counts{cue} → {linear}, class weights "
            f"(n / k·n_label)^{classifier.class_balance}, with temperature scaling ({folds}).")


def render_model_card(classifier, examples, report) -> str:
    manifest = getattr(classifier, "manifest_", {})
    counts = Counter(example.label for example in examples)
    libraries = ", ".join(f"{name} {version}" for name, version in manifest.get("libraries", {}).items())
    metrics = report.summary() if report else {}
    lines = [
        "# Model card: Chinese scam-message risk classifier",
        "",
        "Written by `scam-classifier train`; do not edit by hand.",
        "",
        "## Intended use",
        "",
        INTENDED_USE,
        "",
        "## Model",
        "",
        f"- Version `{classifier.version}`; training data sha256 `{manifest.get('training_data_sha256', '')[:16]}…`.",
        _pipeline_line(classifier),
        f"- Libraries: {libraries}.",
        "- `risk_score` = 1 − P(normal); levels and the `uncertain` rule come from `classifier/typology.yaml`.",
        "",
        "## Labels and data",
        "",
        f"{len(examples)} training messages; see `training_data/README.md` for how they were written.",
        "",
        *_label_rows(classifier, counts, report),
        "",
        "Registers covered (training messages; counts per label × register and length band: `scam-classifier validate`):",
        "",
        *_register_rows(examples),
        "",
        "Known gaps:",
        "",
        KNOWN_GAPS,
        "",
        "## Evaluation",
        "",
    ]
    if report:
        lines += [
            f"On the independent split `training_data/eval/` ({metrics['eval_messages']} messages, written separately):",
            "",
            f"- macro-F1 **{metrics['macro_f1']:.3f}**, accuracy {metrics['accuracy']:.3f}",
            f"- fraud recall {metrics['fraud_recall']:.3f}, false-positive rate on normal messages {metrics['false_positive_rate']:.3f}",
            "",
            "Details: `evaluation.md`, `confusion_matrix.png`. These messages were written for this project, so",
            "these figures overstate performance on real traffic: the README's Evaluation section sets them beside",
            "the figures on public messages written by other people (the development set, not shipped).",
        ]
    else:
        lines.append("No evaluation split was found, so no figures.")
    lines += ["", "## Limitations", "", LIMITATIONS, ""]
    return "\n".join(lines)


def write_model_card(classifier, examples, report, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(render_model_card(classifier, examples, report), encoding="utf-8")
    return path
