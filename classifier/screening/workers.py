"""Classifying records chunk by chunk, in this process or in worker processes, always in input order."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from ..errors import InputError
from .readers import Record

CHUNK_SIZE = 1000


def results_of(detector, texts: list[Any]) -> list[dict[str, Any]]:
    """The result fields for each text; a bad text gets its error, the others go on."""
    return [{"error": outcome} if isinstance(outcome, InputError) else result_fields(outcome, detector.version)
            for outcome in detector.predict_each(texts)]


def result_fields(prediction, model_version: str) -> dict[str, Any]:
    second_label, second_score = prediction.second
    return {
        "label": prediction.label,
        "category": prediction.category.name,
        "risk_score": round(prediction.risk_score, 4),
        "risk_level": prediction.risk_level,
        "uncertain": prediction.uncertain,
        "second_label": second_label,
        "second_score": round(second_score, 4),
        "signals": list(prediction.red_flag_ids),
        "rules": [f"{hit.kind}:{hit.name}" for hit in prediction.rules],
        "model_version": model_version,
        "error": None,
    }


def _readable(chunk: list[Record]) -> list[Record]:
    """The records of a chunk that can be classified; the others get their read error as result."""
    for record in chunk:
        if record.error is not None:
            record.result = {"error": record.error}
    return [record for record in chunk if record.error is None]


def _attach(records: list[Record], results: list[dict[str, Any]]) -> None:
    for record, result in zip(records, results):
        record.result = result


def in_process(detector, records: Iterable[Record], chunk_size: int = CHUNK_SIZE) -> Iterator[Record]:
    """Classify records chunk by chunk with ``detector``; yields them in input order with ``result`` set."""
    records = iter(records)
    while chunk := list(islice(records, chunk_size)):
        todo = _readable(chunk)
        _attach(todo, results_of(detector, [record.text for record in todo]))
        yield from chunk


_worker_detector = None


def _init_worker(model_path: str, settings) -> None:
    global _worker_detector
    from ..verdict import Detector

    _worker_detector = Detector.load(model_path, settings)


def _classify_in_worker(texts: list[Any]) -> list[dict[str, Any]]:
    return results_of(_worker_detector, texts)


def in_workers(
    model_path: str | Path, settings, records: Iterable[Record], jobs: int, chunk_size: int = CHUNK_SIZE,
) -> Iterator[Record]:
    """Like :func:`in_process` with ``jobs`` worker processes, each loading the model itself (this
    process never does); at most ``2 × jobs`` chunks in flight."""
    import multiprocessing

    records = iter(records)
    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, _init_worker, (str(model_path), settings)) as pool:
        pending: deque = deque()
        while True:
            while len(pending) < 2 * jobs and (chunk := list(islice(records, chunk_size))):
                todo = _readable(chunk)
                pending.append((chunk, todo, pool.apply_async(_classify_in_worker, ([r.text for r in todo],))))
            if not pending:
                return
            chunk, todo, job = pending.popleft()
            _attach(todo, job.get())
            yield from chunk
