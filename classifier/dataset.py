"""Loading and validating the labelled corpus in ``training_data/``.

Run ``scam-classifier validate [--data DIR]`` to print the data card figures and any problem found;
it exits non-zero when the corpus breaks a rule (schema, labels, duplicates, minimum counts).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from .errors import DatasetError
from .typology import NORMAL, load_typology

REGISTERS = ("sms", "chat", "call", "email", "notice", "post")
REQUIRED_FIELDS = ("text", "label", "register")
OPTIONAL_FIELDS = ("note", "subtype")
NEAR_DUPLICATE_JACCARD = 0.7
SHINGLE_SIZE = 5

# Minimum counts the corpus promises (issue 2).
MIN_TRAIN_PER_FRAUD_LABEL = 200
MIN_TRAIN_SMALL_LABELS = 120
SMALL_LABELS = ("photo_blackmail", "ride_hailing_cash", "holiday_voucher", "flight_rebooking")
MIN_TRAIN_NORMAL = 3000
MIN_EVAL_PER_FRAUD_LABEL = 40
MIN_EVAL_NORMAL = 400
MIN_REGISTERS_PER_LABEL = 4
# Length coverage: people paste whole conversations and e-mails, not only one-line texts.
LONG_MESSAGE_CHARS = 300
MIN_LONG_PER_LABEL = 3
VERY_LONG_MESSAGE_CHARS = 500
MIN_VERY_LONG_TRAIN = 50
LENGTH_BINS = (0, 10, 30, 60, 100, 200, 300, 500, 10**9)


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    register: str
    source: str  # "file.jsonl:line", for error messages only
    subtype: str | None = None


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_line(line: str, source: str, subtypes: dict[str, frozenset[str]]) -> Example:
    """One corpus line; ``subtypes`` maps each label to its subtype ids (a label with any needs one)."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DatasetError("invalid_dataset", source=source, detail=f"invalid JSON ({exc.msg})") from None
    if not isinstance(row, dict):
        raise DatasetError("invalid_dataset", source=source, detail="expected a JSON object")
    missing = [name for name in REQUIRED_FIELDS if name not in row]
    unknown = sorted(set(row) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if missing or unknown:
        raise DatasetError("invalid_dataset", source=source, detail=f"missing fields {missing}, unknown fields {unknown}")
    text, label, register = row["text"], row["label"], row["register"]
    if not isinstance(text, str) or not text.strip():
        raise DatasetError("invalid_dataset", source=source, detail="text must be a non-empty string")
    if label not in subtypes:
        raise DatasetError("invalid_dataset", source=source, detail=f"unknown label {label!r}")
    if register not in REGISTERS:
        raise DatasetError("invalid_dataset", source=source, detail=f"unknown register {register!r}")
    subtype = row.get("subtype")
    if (subtype or subtypes[label]) and subtype not in subtypes[label]:
        raise DatasetError("invalid_dataset", source=source, detail=f"{label} needs a subtype from {sorted(subtypes[label])}, not {subtype!r}")
    return Example(text=text, label=label, register=register, source=source, subtype=subtype)


def load_examples(directory: Path | str) -> list[Example]:
    """Read every ``*.jsonl`` file directly inside ``directory`` (sorted by name)."""
    subtypes = {category.id: frozenset(sub.id for sub in category.subtypes) for category in load_typology().categories}
    examples = []
    for path in sorted(Path(directory).glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    examples.append(_parse_line(line, f"{path.name}:{number}", subtypes))
    return examples


def corpus_hash(directory: Path | str) -> str:
    """sha256 over the names and bytes of the corpus files, to tie a model to its data."""
    digest = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.jsonl")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _shingles(texts_a: list[str], texts_b: list[str]):
    vectoriser = CountVectorizer(
        analyzer="char", ngram_range=(SHINGLE_SIZE, SHINGLE_SIZE), lowercase=False, binary=True, dtype=np.float32
    )
    vectoriser.fit(texts_a + texts_b)
    return vectoriser.transform(texts_a).tocsr(), vectoriser.transform(texts_b).tocsr()


def near_duplicate_pairs(
    texts_a: list[str], texts_b: list[str] | None = None, threshold: float = NEAR_DUPLICATE_JACCARD
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) of character 5-gram Jaccard >= threshold.

    With one list, pairs within it (i < j); with two, pairs across them (i in a, j in b).
    Texts shorter than five characters have no shingles and are compared by exact match elsewhere.
    """
    within = texts_b is None
    if not texts_a or (not within and not texts_b):
        return []
    a, b = _shingles(texts_a, texts_a if within else texts_b)
    size_a = np.asarray(a.sum(axis=1)).ravel()
    size_b = np.asarray(b.sum(axis=1)).ravel()
    pairs = []
    chunk = 512
    for start in range(0, a.shape[0], chunk):
        shared = (a[start : start + chunk] @ b.T).toarray()
        union = size_a[start : start + chunk, None] + size_b[None, :] - shared
        jaccard = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        for i, j in zip(*np.nonzero(jaccard >= threshold)):
            i = int(i) + start
            if not within or i < j:
                pairs.append((i, int(j), float(jaccard[i - start, j])))
    return pairs


def exact_duplicates(texts: list[str]) -> list[str]:
    return [text for text, count in Counter(text.strip() for text in texts).items() if count > 1]


def minimum_count(label: str, split: str) -> int:
    if split == "eval":
        return MIN_EVAL_NORMAL if label == NORMAL else MIN_EVAL_PER_FRAUD_LABEL
    if label == NORMAL:
        return MIN_TRAIN_NORMAL
    return MIN_TRAIN_SMALL_LABELS if label in SMALL_LABELS else MIN_TRAIN_PER_FRAUD_LABEL


def count_table(examples: list[Example], labels: tuple[str, ...]) -> list[str]:
    """Markdown table of counts per label × register."""
    counts = Counter((example.label, example.register) for example in examples)
    header = "| label | " + " | ".join(REGISTERS) + " | total |"
    rows = [header, "|" + "---|" * (len(REGISTERS) + 2)]
    for label in labels:
        cells = [counts[(label, register)] for register in REGISTERS]
        rows.append(f"| {label} | " + " | ".join(map(str, cells)) + f" | {sum(cells)} |")
    return rows


LENGTH_BANDS = ((0, 60, "short (<60)"), (60, 300, "medium (60–299)"), (300, 10**9, "long (300+)"))


def band_table(examples: list[Example], labels: tuple[str, ...]) -> list[str]:
    """Markdown table of counts per label × length band."""
    counts = Counter(
        (example.label, name) for example in examples for low, high, name in LENGTH_BANDS if low <= len(example.text) < high
    )
    rows = ["| label | " + " | ".join(name for _, _, name in LENGTH_BANDS) + " |", "|" + "---|" * (len(LENGTH_BANDS) + 1)]
    for label in labels:
        rows.append(f"| {label} | " + " | ".join(str(counts[(label, name)]) for _, _, name in LENGTH_BANDS) + " |")
    return rows


def length_table(examples: list[Example]) -> list[str]:
    lengths = np.array([len(example.text) for example in examples])
    rows = ["| characters | messages |", "|---|---|"]
    for low, high in zip(LENGTH_BINS, LENGTH_BINS[1:]):
        label = f"{low}–{high - 1}" if high < 10**9 else f"{low}+"
        rows.append(f"| {label} | {int(((lengths >= low) & (lengths < high)).sum())} |")
    if len(lengths):
        rows.append(f"\nmin {lengths.min()}, median {int(np.median(lengths))}, mean {lengths.mean():.0f}, max {lengths.max()}")
    return rows


def _check_split(examples: list[Example], split: str, labels: tuple[str, ...], report: Report) -> None:
    counts = Counter(example.label for example in examples)
    for label in labels:
        if counts[label] < minimum_count(label, split):
            report.errors.append(f"{split}: {label} has {counts[label]} messages, needs {minimum_count(label, split)}")
        registers = {example.register for example in examples if example.label == label}
        if split == "train" and len(registers) < MIN_REGISTERS_PER_LABEL:
            report.errors.append(f"{split}: {label} appears in {len(registers)} registers, needs {MIN_REGISTERS_PER_LABEL}")
        long = sum(1 for example in examples if example.label == label and len(example.text) >= LONG_MESSAGE_CHARS)
        if split == "train" and long < MIN_LONG_PER_LABEL:
            report.errors.append(f"{split}: {label} has {long} messages of {LONG_MESSAGE_CHARS}+ characters, needs {MIN_LONG_PER_LABEL}")
    very_long = sum(1 for example in examples if len(example.text) >= VERY_LONG_MESSAGE_CHARS)
    if split == "train" and very_long < MIN_VERY_LONG_TRAIN:
        report.errors.append(f"{split}: {very_long} messages of {VERY_LONG_MESSAGE_CHARS}+ characters, needs {MIN_VERY_LONG_TRAIN}")
    for text in exact_duplicates([example.text for example in examples]):
        report.errors.append(f"{split}: exact duplicate: {text[:40]!r}")
    pairs = near_duplicate_pairs([example.text for example in examples])
    involved = {index for i, j, _ in pairs for index in (i, j)}
    rate = len(involved) / max(len(examples), 1)
    report.lines.append(f"{split}: {len(pairs)} near-duplicate pairs, {len(involved)} messages involved ({rate:.2%})")
    for i, j, similarity in pairs:
        report.errors.append(
            f"{split}: near-duplicate ({similarity:.2f}) {examples[i].source} ~ {examples[j].source}"
        )


def validate(train_dir: Path | str, eval_dir: Path | str | None = None) -> Report:
    """Check the corpus against every rule of the data card; collect all problems, do not stop at the first."""
    report = Report()
    typology = load_typology()
    labels = typology.label_ids
    eval_dir = Path(eval_dir) if eval_dir is not None else Path(train_dir) / "eval"
    try:
        train = load_examples(train_dir)
        evaluation = load_examples(eval_dir)
    except DatasetError as exc:
        report.errors.append(str(exc))
        return report
    for split, examples in (("train", train), ("eval", evaluation)):
        report.lines.append(f"\n## {split}: {len(examples)} messages\n")
        report.lines.extend(count_table(examples, labels))
        report.lines.append("")
        report.lines.extend(band_table(examples, labels))
        report.lines.append("")
        report.lines.extend(length_table(examples))
        _check_split(examples, split, labels, report)
    train_texts = {example.text.strip() for example in train}
    for example in evaluation:
        if example.text.strip() in train_texts:
            report.errors.append(f"eval message also in training: {example.source}")
    cross = near_duplicate_pairs([e.text for e in evaluation], [e.text for e in train])
    report.lines.append(f"eval ~ train: {len(cross)} near-duplicate pairs")
    for i, j, similarity in cross:
        report.errors.append(f"eval ~ train near-duplicate ({similarity:.2f}) {evaluation[i].source} ~ {train[j].source}")
    return report
