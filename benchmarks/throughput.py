"""Throughput, latency, load time, size and memory: this project's model beside the plain approach.

The plain approach is what one would write first: ``jieba.lcut`` + ``TfidfVectorizer`` +
``LogisticRegression``, trained here on the same corpus. Both run in the same session, each
measurement in a fresh subprocess, so the ratios hold even when absolute times are noisy.

    python benchmarks/throughput.py [--messages 100000] [--model models/scam_classifier.joblib] [--spark]

``--spark`` adds the Spark path (``classifier/spark_job.py`` in local mode, ``local[2]``) on the same rows
beside the single-process ``screen``; it needs pyspark and Java.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LENGTH_RANGE = (20, 200)  # SMS and chat messages up to 200 characters


def jieba_words(text: str) -> list[str]:
    import jieba

    return jieba.lcut(text)


def messages(count: int) -> list[str]:
    """Corpus messages of 20–200 characters, repeated to ``count`` (neither model caches results)."""
    texts = []
    for path in sorted((ROOT / "training_data").rglob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle]
    texts = [text.replace("\n", " ") for text in texts if LENGTH_RANGE[0] <= len(text) <= LENGTH_RANGE[1]]
    return (texts * (count // len(texts) + 1))[:count]


def train_plain(out: Path) -> None:
    import jieba
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    sys.path.insert(0, str(ROOT))
    from classifier.dataset import load_examples

    jieba.setLogLevel(60)
    examples = load_examples(ROOT / "training_data")
    plain = Pipeline([
        ("tfidf", TfidfVectorizer(tokenizer=jieba_words, token_pattern=None, lowercase=False)),
        ("classifier", LogisticRegression(max_iter=2000)),
    ]).fit([e.text for e in examples], [e.label for e in examples])
    joblib.dump(plain, out)


# --- measurements, each run in a child process ------------------------------------------------

def _load(kind: str, model: str):
    if kind == "ours":
        from classifier import Detector

        return Detector.load(model)
    import jieba
    import joblib

    jieba.setLogLevel(60)
    plain = joblib.load(model)
    jieba.initialize()  # the plain model cannot tokenise before its dictionary is loaded
    return plain


def peak_memory_mb() -> float:
    # VmHWM belongs to this process image; ru_maxrss would carry over the parent's peak across exec.
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_model(kind: str, model: str, data: str) -> dict:
    texts = Path(data).read_text(encoding="utf-8").splitlines()
    if kind == "ours":
        import classifier  # noqa: F401  (imports are timed separately from loading)
    else:
        import jieba  # noqa: F401
        import sklearn.pipeline  # noqa: F401
    started = time.perf_counter()
    loaded = _load(kind, model)
    load_seconds = time.perf_counter() - started
    predict = loaded.model.predict_proba if kind == "ours" else loaded.predict_proba
    latencies = []
    for text in texts[:500]:
        started = time.perf_counter()
        predict([text])
        latencies.append(time.perf_counter() - started)
    explained = []
    if kind == "ours":
        for text in texts[:200]:
            started = time.perf_counter()
            loaded.classify(text, explain=True)
            explained.append(time.perf_counter() - started)
    started = time.perf_counter()
    for start in range(0, len(texts), 1000):
        predict(texts[start : start + 1000])
    seconds = time.perf_counter() - started
    return {
        "load_s": load_seconds,
        "latency_p50_ms": 1000 * statistics.median(latencies),
        "latency_p99_ms": 1000 * statistics.quantiles(latencies, n=100)[98],
        "explain_p50_ms": 1000 * statistics.median(explained) if explained else None,
        "predict_per_s": len(texts) / seconds,
        "peak_rss_mb": peak_memory_mb(),
    }


def _plain_chunk(texts):
    return [row.argmax() for row in _plain_model.predict_proba(texts)]


_plain_model = None


def _plain_init(model):
    global _plain_model
    _plain_model = _load("plain", model)


def screen_plain(model: str, data: str, jobs: int) -> float:
    """The plain approach screening the same JSONL file: read, classify in chunks, write JSONL."""
    from multiprocessing import get_context

    rows = [json.loads(line) for line in Path(data).read_text(encoding="utf-8").splitlines()]
    chunks = [[row["text"] for row in rows[i : i + 1000]] for i in range(0, len(rows), 1000)]
    started = time.perf_counter()
    with open("/dev/null", "w", encoding="utf-8") as sink, get_context("spawn").Pool(jobs, _plain_init, (model,)) as pool:
        for chunk, labels in zip(chunks, pool.imap(_plain_chunk, chunks)):
            for text, label in zip(chunk, labels):
                sink.write(json.dumps({"text": text, "label": int(label)}, ensure_ascii=False) + "\n")
    return len(rows) / (time.perf_counter() - started)


def screen_ours(model: str, data: str, jobs: int) -> float:
    """The real command, end to end (start-up and model loading included, as for the plain run)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "classifier", "--model", model, "screen", data, "--jobs", str(jobs), "--no-progress"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )
    with open(data, encoding="utf-8") as handle:
        rows = sum(1 for _ in handle)
    return rows / (time.perf_counter() - started)


def cold_start_ours(model: str) -> float:
    """Seconds for ``scam-classifier classify`` of one message, from process start to verdict (median of 3)."""
    command = [sys.executable, "-m", "classifier", "--model", model, "classify", "您的账户存在异常，请点击链接验证"]
    return statistics.median(_timed_run(command) for _ in range(3))


def cold_start_plain(model: str) -> float:
    """The same for the plain approach: a script that loads its model and classifies one message."""
    script = (f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); import joblib, jieba; "
              # the plain model was pickled by this script run as __main__, so its tokenizer is __main__.jieba_words
              "from throughput import jieba_words; "
              f"jieba.setLogLevel(60); print(joblib.load({model!r}).predict(['您的账户存在异常，请点击链接验证']))")
    return statistics.median(_timed_run([sys.executable, "-c", script]) for _ in range(3))


def _timed_run(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def screen_spark(model: Path, data: Path, out: Path) -> float:
    """The Spark job in local mode on the same JSON lines, end to end (JVM start-up included)."""
    script = ("import sys; from pyspark.sql import SparkSession; "
              "SparkSession.builder.master('local[2]').config('spark.ui.enabled', 'false').getOrCreate(); "
              "from classifier.spark_job import main; sys.exit(main(sys.argv[1:]))")
    environment = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", script, str(data), str(out), "--model", str(model)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=environment)
    with open(data, encoding="utf-8") as handle:
        rows = sum(1 for _ in handle)
    return rows / (time.perf_counter() - started)


def child(argv: list[str]) -> None:
    kind, model, data = argv
    print(json.dumps(measure_model(kind, model, data)))


def run_child(kind: str, model: Path, data: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(model), str(data)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=100000)  # enough that start-up (~2 s) does not dominate
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "scam_classifier.joblib")
    parser.add_argument("--spark", action="store_true", help="also run the Spark job in local mode")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)

    work = Path(tempfile.mkdtemp(prefix="scam-bench-"))
    texts = messages(args.messages)
    (work / "texts.txt").write_text("\n".join(texts), encoding="utf-8")
    jsonl = work / "messages.jsonl"
    jsonl.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    plain_model = work / "plain.joblib"
    print(f"training the plain approach on the same corpus … ({len(texts)} benchmark messages, "
          f"mean {statistics.mean(map(len, texts)):.0f} characters)", file=sys.stderr)
    train_plain(plain_model)

    ours = run_child("ours", args.model, work / "texts.txt")
    plain = run_child("plain", plain_model, work / "texts.txt")
    ours["screen_1"] = screen_ours(str(args.model), str(jsonl), 1)
    ours["screen_2"] = screen_ours(str(args.model), str(jsonl), 2)
    plain["screen_1"] = screen_plain(str(plain_model), str(jsonl), 1)
    plain["screen_2"] = screen_plain(str(plain_model), str(jsonl), 2)
    ours["cold_start_s"] = cold_start_ours(str(args.model))
    plain["cold_start_s"] = cold_start_plain(str(plain_model))
    ours["size_mb"] = args.model.stat().st_size / 2**20
    plain["size_mb"] = plain_model.stat().st_size / 2**20

    rows = [
        ("`screen` throughput, 1 process (msg/s)", "screen_1", "{:,.0f}", True),
        ("`screen` throughput, `--jobs 2` (msg/s)", "screen_2", "{:,.0f}", True),
        ("`predict` throughput, in process (msg/s)", "predict_per_s", "{:,.0f}", True),
        ("single-message latency p50 (ms)", "latency_p50_ms", "{:.2f}", False),
        ("single-message latency p99 (ms)", "latency_p99_ms", "{:.2f}", False),
        ("model load time (s)", "load_s", "{:.2f}", False),
        ("CLI cold start, `classify` one message (s)", "cold_start_s", "{:.2f}", False),
        ("model size on disk (MB)", "size_mb", "{:.1f}", False),
        (f"peak memory, load + {len(texts):,} predictions (MB)", "peak_rss_mb", "{:.0f}", False),
    ]
    measure = f"measure ({len(texts):,} messages of {LENGTH_RANGE[0]}–{LENGTH_RANGE[1]} characters)"
    print(f"| {measure} | this project | plain approach | advantage (>1: this project better) |")
    print("|---|---|---|---|")
    for title, key, shape, higher_is_better in rows:
        ratio = ours[key] / plain[key] if higher_is_better else plain[key] / ours[key]
        print(f"| {title} | {shape.format(ours[key])} | {shape.format(plain[key])} | {ratio:.2f}× |")
    print(f"| full explanation, p50 (ms) | {ours['explain_p50_ms']:.2f} | — | |")
    if args.spark:
        spark = screen_spark(args.model, jsonl, work / "screened.parquet")
        print(f"| Spark job, local[2] (msg/s) | {spark:,.0f} | — | {spark / ours['screen_1']:.2f}× "
              "the 1-process `screen` |")


if __name__ == "__main__":
    main()
