"""Latency of one explained classification (``classify(text, explain=True)``), for one or more checkouts.

    python benchmarks/explain_latency.py [--messages 300] [--rounds 3] [--other DIR MODEL]

Each checkout is measured in its own fresh process, the checkouts taking turns for ``--rounds``
rounds so that machine noise falls on all of them alike; the median of the rounds is reported.
``--other`` adds an earlier checkout (for example a ``git worktree`` of the commit before a change)
with a model trained by that checkout. Messages are corpus messages of 60–300 characters.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
import classifier
texts = json.load(open(sys.argv[3], encoding="utf-8"))
if hasattr(classifier, "Detector"):
    classify = classifier.Detector.load(sys.argv[2]).classify
else:  # before the verdict layer: the estimator classified
    classify = classifier.ScamClassifier.load(sys.argv[2]).classify
for text in texts[:20]:
    classify(text, explain=True)  # warm-up
times = []
for text in texts:
    started = time.perf_counter()
    classify(text, explain=True)
    times.append(time.perf_counter() - started)
print(json.dumps({"p50": 1000 * statistics.median(times), "p90": 1000 * statistics.quantiles(times, n=10)[8]}))
"""


def sample(count: int) -> list[str]:
    texts = []
    for path in sorted((ROOT / "training_data" / "eval").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            if 60 <= len(text) <= 300:
                texts.append(text)
    return texts[:: max(1, len(texts) // count)][:count]


def measure(root: Path, model: Path, data: Path) -> dict:
    python = root / ".venv" / "bin" / "python"
    python = python if python.exists() else Path(sys.executable)
    out = subprocess.run([str(python), "-c", CHILD, str(root), str(model), str(data)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "scam_classifier.joblib")
    parser.add_argument("--other", nargs=2, metavar=("DIR", "MODEL"), action="append", default=[])
    args = parser.parse_args()
    data = ROOT / "benchmarks" / "results" / "explain_texts.json"
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(json.dumps(sample(args.messages), ensure_ascii=False), encoding="utf-8")
    checkouts = [(Path(root), Path(model)) for root, model in args.other] + [(ROOT, args.model)]
    runs: dict[Path, list[dict]] = {root: [] for root, _ in checkouts}
    for _ in range(args.rounds):
        for root, model in checkouts:
            runs[root].append(measure(root, model, data))
    print(f"| checkout | explain p50 (ms) | explain p90 (ms) |   ({args.messages} messages × {args.rounds} rounds)")
    print("|---|---:|---:|")
    for root, _ in checkouts:
        p50 = statistics.median(run["p50"] for run in runs[root])
        p90 = statistics.median(run["p90"] for run in runs[root])
        print(f"| {root} | {p50:.2f} | {p90:.2f} |")


if __name__ == "__main__":
    main()
