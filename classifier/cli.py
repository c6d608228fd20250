"""The ``scam-classifier`` command: options become calls to the package; errors become clean messages."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
from contextlib import ExitStack, contextmanager
from pathlib import Path

from . import (
    FORMATS,
    OUTPUT_FORMATS,
    Engine,
    ScreenOptions,
    ensure_model,
    format_of,
    load_or_train,
    review,
    screen,
)
from .config import load_settings
from .errors import ClassifierError, InputError

# train, validate and evaluate import scikit-learn (1.4 s) inside their commands: classify, screen and
# serve load a model and predict without it.
EXIT_BAD_INPUT = 2


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scam-classifier")
    except PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "unknown"
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM, as shells report them


def _say(message: str) -> None:
    print(message, file=sys.stderr)


# --- train / validate / evaluate -----------------------------------------------------------------

def cmd_train(args, settings) -> int:
    from tqdm import tqdm

    from . import train

    stages = tqdm(total=3, desc="training", unit="step", file=sys.stderr, disable=not sys.stderr.isatty())

    def notify(message: str) -> None:  # each message ends a stage: read and fit, evaluate, save
        stages.write(message, file=sys.stderr)
        stages.update(1)

    with stages:
        train(args.data or settings.data_dir, args.out or settings.model_path, notify=notify)
    return 0


def cmd_validate(args, settings) -> int:
    from . import validate_corpus

    report = validate_corpus(args.data or settings.data_dir)
    print("\n".join(report.lines))
    if report.errors:
        _say(f"\n{len(report.errors)} problem(s):")
        for error in report.errors:
            _say("  " + error)
        return 1
    print("\ncorpus OK")
    return 0


def cmd_evaluate(args, settings) -> int:
    from . import evaluate_directory

    detector = load_or_train(settings, notify=_say)
    out = args.out or Path(settings.model_path).parent
    report = evaluate_directory(detector.model, args.data or Path(settings.data_dir) / "eval", out)
    print(report.to_markdown())
    _say(f"report: {Path(out) / 'evaluation.md'}, confusion matrix: {Path(out) / 'confusion_matrix.png'}")
    return 0


# --- classify -------------------------------------------------------------------------------------

def render_prediction(prediction: dict) -> str:
    """A person-readable Chinese summary of a prediction dict (no ids, no English)."""
    advice = prediction["advice"]
    general = advice.get("general", {}).get("tips", [])
    if prediction["too_short"]:
        return "\n".join([f"判断：{prediction['headline']}", "建议：", *(f"  · {tip}" for tip in general[:4])])
    category = prediction["category"]
    number = f"（白皮书第 {category['white_paper_number']} 类）" if category["white_paper_number"] and prediction["label"] != "normal" else ""
    lines = [
        f"判断：{prediction['headline']}{number}",
        f"风险：{prediction['risk_level_name']}（诈骗可能性 {prediction['risk_percent']}）"
        + ("，模型拿不准，请谨慎核实" if prediction["uncertain"] else ""),
    ]
    if prediction["action"]:
        lines.append(f"现在就做：{prediction['action']}")
    lines.append("可能类型：" + "；".join(f"{item['name']} {_percent(item['probability'])}" for item in prediction["top"]))
    if prediction["red_flags"]:
        lines.append("危险信号：" + "；".join(
            f"{flag['name']}（" + "、".join(f"“{text}”" for text in flag["texts"]) + "）" for flag in prediction["red_flags"]))
    explanation = prediction.get("explanation")
    toward = [phrase["text"] for phrase in (explanation or {}).get("phrases", []) if phrase["toward"] == "scam"]
    if toward and prediction["label"] != "normal":
        lines.append("主要依据：" + "、".join(f"“{text}”" for text in toward[:5]))
    lines.append("建议：")
    lines += [f"  · {tip}" for tip in (advice["category_tips"] + general)[:6]]
    if prediction["label"] != "normal":
        lines.append(advice["already_paid"]["title"] + "：")
        lines += [f"  · {step}" for step in (advice["if_paid"] or advice["already_paid"]["steps"])]
    return "\n".join(lines)


def _percent(probability: float) -> str:
    return "<1%" if probability < 0.01 else ">99%" if probability > 0.99 else f"{round(probability * 100)}%"


def cmd_classify(args, settings) -> int:
    text = " ".join(args.text) if args.text else sys.stdin.read()
    prediction = load_or_train(settings, notify=_say).classify(text, explain=True).to_dict()
    if args.json:
        print(json.dumps(prediction, ensure_ascii=False, indent=2))
    else:
        print(render_prediction(prediction))
    return 0


# --- screen ---------------------------------------------------------------------------------------

class Progress:
    """A tqdm bar on stderr: bytes of the input read (when its size is known), rows and errors so far."""

    def __init__(self, binary, enabled: bool):
        from tqdm import tqdm

        self.binary, self.size = binary, _size_of(binary)
        self.bar = tqdm(total=self.size or None, unit="B", unit_scale=True, disable=not enabled, file=sys.stderr,
                        desc="screening", mininterval=0.5)
        self.done = 0

    def __call__(self, record, summary) -> None:
        if summary.rows % 200 == 0 and not self.bar.disable:
            position = self.binary.tell() if self.size else summary.rows
            self.bar.update(position - self.done)
            self.done = position
            self.bar.set_postfix(rows=f"{summary.rows:,}", errors=f"{summary.errors:,}", refresh=False)

    def finish(self, summary) -> None:
        if self.size:
            self.bar.update(max(self.size - self.done, 0))
        self.bar.set_postfix(rows=f"{summary.rows:,}", errors=f"{summary.errors:,}", refresh=False)
        self.bar.close()


def _size_of(binary) -> int:
    try:
        return Path(binary.name).stat().st_size if binary.seekable() else 0
    except (OSError, AttributeError, TypeError):
        return 0


def _options(args) -> ScreenOptions:
    names = "|".join(FORMATS)
    in_format = args.format or (format_of(args.input) if args.input != "-" else None)
    if in_format is None:
        raise InputError("stdin_needs_format", formats=names)
    to_file = args.output and args.output != "-"
    out_format = args.output_format or (format_of(args.output) if to_file else None)
    if out_format is not None and out_format not in OUTPUT_FORMATS:
        raise InputError("not_an_output_format", format=out_format, formats=", ".join(f".{name}" for name in OUTPUT_FORMATS))
    if args.min_risk is not None and not 0 <= args.min_risk <= 1:
        raise InputError("invalid_setting", name="--min-risk", value=args.min_risk, reason="must be between 0 and 1")
    return ScreenOptions(in_format, out_format, args.text_field, args.min_risk)


def _engine(args, settings) -> Engine:
    if args.jobs > 1:  # the workers load the model; this process only checks it is there
        return Engine(model_path=ensure_model(settings, notify=_say), jobs=args.jobs, settings=settings)
    return Engine(load_or_train(settings, notify=_say))


@contextmanager
def _output(path: str, encoding: str):
    """A temporary file beside ``path``, renamed to it only when screening finishes: an interrupted or
    failed run leaves no file that looks complete."""
    target = Path(path)
    with tempfile.NamedTemporaryFile("w", encoding=encoding, newline="", dir=target.parent, prefix=f".{target.name}.",
                                     suffix=".partial", delete=False) as handle:
        try:
            yield handle
        except BaseException:
            handle.close()
            os.unlink(handle.name)
            raise
    os.replace(handle.name, target)


def cmd_screen(args, settings) -> int:
    options = _options(args)
    engine = _engine(args, settings)
    csv_out = options.writer is FORMATS["csv"].writer
    with ExitStack() as cleanup:
        source = sys.stdin.buffer if args.input == "-" else cleanup.enter_context(open(args.input, "rb"))
        if not args.output or args.output == "-":
            output = sys.stdout
            if csv_out and args.bom:
                output.write("\ufeff")
        else:
            encoding = "utf-8-sig" if csv_out else "utf-8"  # BOM: Excel then reads the file as UTF-8
            output = cleanup.enter_context(_output(args.output, encoding))
        progress = Progress(source, args.progress if args.progress is not None else sys.stderr.isatty())
        summary = screen(source, output, options, engine, on_row=progress)
        progress.finish(summary)
    meta = {**engine.describe(), "input": args.input, "text_field": options.text_field, "min_risk": options.min_risk,
            "rows": summary.rows, "errors": summary.errors, "by_label": summary.by_label, "by_risk": summary.by_risk}
    if args.output and args.output != "-":
        Path(f"{args.output}.meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _say(f"{summary.rows} rows screened, {summary.errors} with errors; risk levels: {summary.by_risk}; "
         f"model {meta['model_version']}")
    return 0


def cmd_serve(args, settings) -> int:
    from .web.serve import serve

    serve(settings, host=args.host, port=args.port, workers=args.workers)
    return 0


# --- parser ---------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scam-classifier", description="Chinese scam-message risk classifier")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_package_version()}")
    parser.add_argument("--model", default=None, type=Path,
                        help="model path (default: the SCAM_CLASSIFIER_MODEL_PATH setting, else models/scam_classifier.joblib)")
    commands = parser.add_subparsers(dest="command", required=True)

    train_cmd = commands.add_parser("train", help="train a model from a corpus directory")
    train_cmd.add_argument("--data", type=Path, help="corpus directory (default: the data_dir setting)")
    train_cmd.add_argument("--out", type=Path, help="where to save the model (default: the model path)")
    train_cmd.set_defaults(run=cmd_train)

    validate_cmd = commands.add_parser("validate", help="check a corpus: schema, labels, duplicates, counts (data card rules)")
    validate_cmd.add_argument("--data", type=Path, help="training directory; its eval/ is checked too")
    validate_cmd.set_defaults(run=cmd_validate)

    evaluate_cmd = commands.add_parser("evaluate", help="evaluate on the held-out split and write a report")
    evaluate_cmd.add_argument("--data", type=Path, help="evaluation directory (default: the corpus's eval/)")
    evaluate_cmd.add_argument("--out", type=Path, help="report directory (default: beside the model)")
    evaluate_cmd.set_defaults(run=cmd_evaluate)

    classify_cmd = commands.add_parser("classify", help="classify one message (argument or stdin)")
    classify_cmd.add_argument("text", nargs="*")
    classify_cmd.add_argument("--json", action="store_true", help="print the prediction as JSON")
    classify_cmd.set_defaults(run=cmd_classify)

    screen_cmd = commands.add_parser("screen", help="screen a CSV, JSONL or TXT file")
    screen_cmd.add_argument("input", help="input file, or - for stdin")
    screen_cmd.add_argument("--output", "-o", default="-", help="output file (.csv or .jsonl), or - for stdout")
    screen_cmd.add_argument("--format", choices=tuple(FORMATS), help="input format (needed for stdin)")
    screen_cmd.add_argument("--output-format", choices=OUTPUT_FORMATS,
                            help="output format (default: from the output file's name, else the input format)")
    screen_cmd.add_argument("--text-field", default="text", help="column or field holding the message")
    screen_cmd.add_argument("--jobs", type=int, default=1, help="worker processes")
    screen_cmd.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
    screen_cmd.add_argument("--min-risk", type=float, help="keep only rows at or above this risk (0-1); rows with errors are kept")
    screen_cmd.add_argument("--bom", action="store_true", help="start CSV written to stdout with a BOM (files always have one)")
    screen_cmd.set_defaults(run=cmd_screen)

    review.add_commands(commands)

    serve_cmd = commands.add_parser("serve", help="run the web service under granian")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--workers", type=int, default=2)
    serve_cmd.set_defaults(run=cmd_serve)
    return parser


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so that the same clean-up runs."""


def _terminate(signum, frame):
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    if getattr(args, "jobs", 1) < 1:
        _say("error: --jobs must be at least 1")
        return EXIT_BAD_INPUT
    try:
        settings = load_settings({"model_path": args.model} if args.model else None)
        return args.run(args, settings)
    except ClassifierError as exc:
        _say(f"error: {exc.message}")
        return EXIT_BAD_INPUT
    except (KeyboardInterrupt, Terminated) as exc:
        _say("\ninterrupted: stopped before the end; no output file was written")
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return 0
        reason = "no such file" if isinstance(exc, FileNotFoundError) else (exc.strerror or str(exc))
        _say(f"error: {exc.filename}: {reason}" if exc.filename else f"error: {reason}")
        return EXIT_BAD_INPUT
