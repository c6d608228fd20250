"""The CLI commands for corrections and model versions: feedback, retrain, models, rollback.

    scam-classifier feedback list [--status new|accepted|rejected] [--json]
    scam-classifier feedback show ID
    scam-classifier feedback accept ID… | reject ID…
    scam-classifier feedback export --format csv|jsonl [-o FILE]
    scam-classifier retrain [--force]
    scam-classifier models
    scam-classifier rollback [VERSION]
"""

from __future__ import annotations

import csv
import json
import sys
from contextlib import ExitStack

from . import STATUSES, FeedbackStore, InputError, make_current, model_versions, previous_version

EXIT_REFUSED = 1  # the gate said no: not bad input, and not success


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_feedback(args, settings) -> int:
    store = FeedbackStore(settings.feedback_db)
    if args.action == "list":
        rows = store.list(args.status)
        for row in rows:
            if args.json:
                print(json.dumps(row.to_dict(), ensure_ascii=False))
            else:
                text = (row.text or "（未保存原文）").replace("\n", " ")[:40]
                print(f"{row.id:>5}  {row.status:<8}  {row.label:<28} model: {row.model_label:<28} ×{row.count}  {text}")
        return 0
    if args.action == "show":
        print(json.dumps(store.get(_one_id(args)).to_dict(), ensure_ascii=False, indent=2))
        return 0
    if args.action in ("accept", "reject"):
        ids = _ids(args)
        store.set_status(ids, "accepted" if args.action == "accept" else "rejected")
        _say(f"{len(ids)} correction(s) {args.action}ed")
        return 0
    return _export(store, args)


def _export(store: FeedbackStore, args) -> int:
    rows = [row.to_dict() for row in store.list(args.status)]
    with ExitStack() as cleanup:
        output = sys.stdout
        if args.output and args.output != "-":
            encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
            output = cleanup.enter_context(open(args.output, "w", encoding=encoding, newline=""))
        if args.format == "jsonl":
            for row in rows:
                output.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(output, fieldnames=list(rows[0]) if rows else ["id"])
            writer.writeheader()
            writer.writerows(rows)
    return 0


def _ids(args) -> list[int]:
    if not args.ids:
        raise InputError("unknown_correction", id="(none given)")
    try:
        return [int(value) for value in args.ids]
    except ValueError:
        raise InputError("unknown_correction", id=", ".join(args.ids)) from None


def _one_id(args) -> int:
    ids = _ids(args)
    if len(ids) != 1:
        raise InputError("unknown_correction", id=", ".join(map(str, ids)))
    return ids[0]


def cmd_retrain(args, settings) -> int:
    from . import retrain  # scikit-learn: only this command fits

    corrections = FeedbackStore(settings.feedback_db).training_rows()
    try:
        result = retrain(settings, corrections, force=args.force, notify=_say)
    except InputError as refused:
        if refused.code != "gate_refused":
            raise
        print(refused.details["report"])
        _say(f"error: {refused.message}")
        return EXIT_REFUSED
    print(result.report())
    return 0


def cmd_models(args, settings) -> int:
    for version in model_versions(settings.model_path):
        metrics = version.manifest.get("metrics") or {}
        forced = " (forced)" if version.manifest.get("retrain", {}).get("forced") else ""
        print(f"{'*' if version.current else ' '} {version.version}  {version.manifest.get('created', '')}  "
              f"macro-F1 {metrics.get('macro_f1', '—')}  recall {metrics.get('fraud_recall', '—')}  "
              f"FPR {metrics.get('false_positive_rate', '—')}{forced}")
    return 0


def cmd_rollback(args, settings) -> int:
    version = args.version or previous_version(settings.model_path)
    make_current(settings.model_path, version)
    _say(f"{version} is now the current model; restart the service (or send it SIGHUP) to serve it")
    return 0


def add_commands(commands) -> None:
    feedback = commands.add_parser("feedback", help="review corrections: list, show, accept, reject, export")
    feedback.add_argument("action", choices=("list", "show", "accept", "reject", "export"))
    feedback.add_argument("ids", nargs="*", help="correction ids (show, accept, reject)")
    feedback.add_argument("--status", choices=STATUSES)
    feedback.add_argument("--json", action="store_true", help="list: one JSON object a line")
    feedback.add_argument("--format", choices=("csv", "jsonl"), default="jsonl", help="export format")
    feedback.add_argument("--output", "-o", help="export file (default: stdout)")
    feedback.set_defaults(run=cmd_feedback)

    retrain_cmd = commands.add_parser("retrain", help="train on the corpus plus accepted corrections, behind the gate")
    retrain_cmd.add_argument("--force", action="store_true", help="replace the model even if the gate refuses (recorded)")
    retrain_cmd.set_defaults(run=cmd_retrain)

    models = commands.add_parser("models", help="list the saved model versions (* is current)")
    models.set_defaults(run=cmd_models)

    rollback = commands.add_parser("rollback", help="make an earlier model version current")
    rollback.add_argument("version", nargs="?", help="a version from 'models' (default: the one before the current)")
    rollback.set_defaults(run=cmd_rollback)

