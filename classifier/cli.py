"""The ``scam-classifier`` command: options become calls to the package; errors become clean messages."""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from . import DEFAULT_MODEL_PATH, ClassifierError, InputError, ScamClassifier, Writer, detect_format, open_text, read_records, screen_records, screen_stream
from .batch import screen_records_parallel
from .dataset import load_examples, main as validate_corpus
from .evaluation import evaluate, write_reports
from .training import DEFAULT_DATA_DIR, load_or_train, train


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _classifier(args) -> ScamClassifier:
    return load_or_train(args.model, notify=_say)


# --- train / evaluate ------------------------------------------------------------------------

def cmd_train(args) -> int:
    train(args.data, args.out, notify=_say)
    return 0


def cmd_validate(args) -> int:
    return validate_corpus([str(args.data)])


def cmd_evaluate(args) -> int:
    classifier = _classifier(args)
    examples = load_examples(args.data)
    if not examples:
        raise InputError(f"no evaluation messages in {args.data}/*.jsonl", code="no_eval_data")
    report = evaluate(classifier, [e.text for e in examples], [e.label for e in examples])
    paths = write_reports(report, args.out)
    print(report.to_markdown())
    _say(f"report: {paths['markdown']}, confusion matrix: {paths['confusion']}")
    return 0


# --- classify --------------------------------------------------------------------------------

def render_prediction(prediction: dict) -> str:
    """A person-readable Chinese summary of a prediction dict."""
    category = prediction["category"]
    number = f"（白皮书第 {category['white_paper_number']} 类）" if category["white_paper_number"] else ""
    lines = [
        f"判断：{category['name']}{number}",
        f"风险：{prediction['risk_level_name']}（诈骗概率 {prediction['risk_score']:.0%}）"
        + ("，模型拿不准，请谨慎核实" if prediction["uncertain"] else ""),
        "可能类型：" + "；".join(f"{item['name']} {item['probability']:.0%}" for item in prediction["top"]),
    ]
    if prediction["signals"]:
        flags = dict.fromkeys(f"{signal['name']}（“{signal['text']}”）" for signal in prediction["signals"])
        lines.append("危险信号：" + "；".join(flags))
    explanation = prediction.get("explanation")
    if explanation and explanation["toward"]:
        lines.append("主要依据：" + "、".join(term["term"] for term in explanation["toward"][:6]))
    advice = prediction["advice"]
    tips = advice["category_tips"] + (advice.get("general", {}).get("tips", []) if "general" in advice else [])
    lines.append("建议：")
    lines += [f"  · {tip}" for tip in tips[:6]]
    if prediction["label"] != "normal":
        lines.append(advice["already_paid"]["title"] + "：")
        lines += [f"  · {step}" for step in (advice["if_paid"] or advice["already_paid"]["steps"])]
    return "\n".join(lines)


def cmd_classify(args) -> int:
    text = " ".join(args.text) if args.text else sys.stdin.read()
    prediction = _classifier(args).classify(text, explain=True).to_dict()
    if args.json:
        print(json.dumps(prediction, ensure_ascii=False, indent=2))
    else:
        print(render_prediction(prediction))
    return 0


# --- screen ----------------------------------------------------------------------------------

class Progress:
    """A one-line progress display on stderr, redrawn at most twice a second."""

    def __init__(self, binary, enabled: bool):
        self.binary, self.enabled = binary, enabled
        self.started = self.drawn = time.monotonic()
        self.size = _size_of(binary)

    def __call__(self, summary) -> None:
        now = time.monotonic()
        if self.enabled and now - self.drawn >= 0.5:
            self.drawn = now
            self._draw(summary, now)

    def _draw(self, summary, now: float) -> None:
        rate = summary.rows / max(now - self.started, 1e-9)
        share = ""
        if self.size:
            done = min(self.binary.tell() / self.size, 1.0)
            share = f" [{'#' * int(done * 30):<30}] {done:4.0%}"
        sys.stderr.write(f"\rscreened {summary.rows:,} rows{share}  {rate:,.0f} rows/s  errors {summary.errors:,}")
        sys.stderr.flush()

    def finish(self, summary) -> None:
        if self.enabled:
            self._draw(summary, time.monotonic())
            sys.stderr.write("\n")


def _size_of(binary) -> int:
    try:
        return Path(binary.name).stat().st_size if binary.seekable() else 0
    except (OSError, AttributeError, TypeError):
        return 0


def _formats(args) -> tuple[str, str]:
    in_format = args.format or (detect_format(args.input) if args.input != "-" else None)
    if in_format is None:
        raise InputError("reading stdin needs --format csv|jsonl|txt", code="unknown_format")
    if args.output_format:
        out_format = args.output_format
    elif args.output and args.output != "-":
        out_format = detect_format(args.output)
    else:
        out_format = in_format
    if out_format == "txt":
        out_format = "jsonl"  # results need fields; a .txt input comes back as JSON lines
        if args.output and args.output != "-" and args.output.endswith(".txt"):
            raise InputError("results cannot be written as .txt; use .csv or .jsonl", code="unknown_format")
    return in_format, out_format


def _input_text(path: str):
    """The input as text in its detected encoding; stdin is detached, not closed, at the end."""
    if path == "-":
        stream = open_text(sys.stdin.buffer)
        return stream, stream.detach
    stream = open_text(open(path, "rb"))
    return stream, stream.close


def cmd_screen(args) -> int:
    in_format, out_format = _formats(args)
    classifier_path = Path(args.model or DEFAULT_MODEL_PATH)
    classifier = _classifier(args)
    with ExitStack() as cleanup:
        text, release = _input_text(args.input)
        cleanup.callback(release)
        if not args.output or args.output == "-":
            output = sys.stdout
        else:
            encoding = "utf-8-sig" if out_format == "csv" else "utf-8"  # BOM: Excel then reads UTF-8
            output = cleanup.enter_context(open(args.output, "w", encoding=encoding, newline=""))
        header, records = read_records(text, in_format, args.text_field)
        if args.jobs > 1:
            screened = screen_records_parallel(classifier_path, records, args.jobs)
        else:
            screened = screen_records(classifier, records)
        progress = Progress(text.buffer, args.progress if args.progress is not None else sys.stderr.isatty())
        summary = screen_stream(screened, Writer(output, out_format, header=header), on_row=progress)
        progress.finish(summary)
    _say(f"{summary.rows} rows screened, {summary.errors} with errors; risk levels: {summary.by_risk}")
    return 0


def cmd_serve(args) -> int:
    from .web.serve import serve

    serve(host=args.host, port=args.port, workers=args.workers, model_path=args.model)
    return 0


# --- parser ----------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scam-classifier", description="Chinese scam-message risk classifier")
    parser.add_argument("--model", default=None, help=f"model path (default {DEFAULT_MODEL_PATH})")
    commands = parser.add_subparsers(dest="command", required=True)

    train_cmd = commands.add_parser("train", help="train a model from a corpus directory")
    train_cmd.add_argument("--data", default=DEFAULT_DATA_DIR, type=Path)
    train_cmd.add_argument("--out", default=DEFAULT_MODEL_PATH, type=Path)
    train_cmd.set_defaults(run=cmd_train)

    validate_cmd = commands.add_parser("validate", help="check a corpus: schema, labels, duplicates, counts (data card rules)")
    validate_cmd.add_argument("--data", default=DEFAULT_DATA_DIR, type=Path, help="training directory; its eval/ is checked too")
    validate_cmd.set_defaults(run=cmd_validate)

    evaluate_cmd = commands.add_parser("evaluate", help="evaluate on the held-out split and write a report")
    evaluate_cmd.add_argument("--data", default=DEFAULT_DATA_DIR / "eval", type=Path)
    evaluate_cmd.add_argument("--out", default=Path(DEFAULT_MODEL_PATH).parent, type=Path)
    evaluate_cmd.set_defaults(run=cmd_evaluate)

    classify_cmd = commands.add_parser("classify", help="classify one message (argument or stdin)")
    classify_cmd.add_argument("text", nargs="*")
    classify_cmd.add_argument("--json", action="store_true", help="print the prediction as JSON")
    classify_cmd.set_defaults(run=cmd_classify)

    screen_cmd = commands.add_parser("screen", help="screen a CSV, JSONL or TXT file")
    screen_cmd.add_argument("input", help="input file, or - for stdin")
    screen_cmd.add_argument("--output", "-o", default="-", help="output file (.csv or .jsonl), or - for stdout")
    screen_cmd.add_argument("--format", choices=("csv", "jsonl", "txt"), help="input format (needed for stdin)")
    screen_cmd.add_argument("--output-format", choices=("csv", "jsonl"), help="output format (default: from the output file's name, else the input format)")
    screen_cmd.add_argument("--text-field", default="text", help="column or field holding the message")
    screen_cmd.add_argument("--jobs", type=int, default=1, help="worker processes")
    screen_cmd.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    screen_cmd.set_defaults(run=cmd_screen)

    serve_cmd = commands.add_parser("serve", help="run the web service under gunicorn")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--workers", type=int, default=2)
    serve_cmd.set_defaults(run=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "jobs", 1) < 1:
        _say("error: --jobs must be at least 1")
        return 2
    try:
        return args.run(args)
    except ClassifierError as exc:
        _say(f"error: {exc.message}")
        return 1
    except FileNotFoundError as exc:
        _say(f"error: {exc.filename}: no such file")
        return 1
    except BrokenPipeError:
        return 0
