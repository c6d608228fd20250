"""A Spark job that screens a Parquet or JSON-lines dataset and writes the result as Parquet.

    spark-submit --master 'local[2]' \
        --files models/scam_classifier.joblib,models/scam_classifier.json \
        classifier/spark_job.py messages.parquet screened.parquet --model scam_classifier.joblib

The input format follows the path's suffix (``.parquet`` or ``.jsonl``/``.json``; ``--format`` to say it
outright). Every input column is kept and the batch result columns are added; a row with a bad text gets
its ``error`` and no row is dropped. The package must be installed where the executors run.
"""

from __future__ import annotations

import argparse
import sys

from classifier.spark import screen_dataframe

READERS = {"parquet": "parquet", "jsonl": "json", "json": "json"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", help="a Parquet file or folder, or a JSON-lines file")
    parser.add_argument("output", help="where to write the screened rows (Parquet)")
    parser.add_argument("--format", choices=sorted(READERS), help="input format (default: from the suffix)")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--model", help="model file: a name shipped with --files, or a path every executor can read")
    return parser.parse_args(argv)


def input_format(path: str, given: str | None) -> str:
    if given:
        return READERS[given]
    suffix = path.rstrip("/").rsplit(".", 1)[-1].lower()
    if suffix not in READERS:
        raise SystemExit(f"error: cannot tell the format of {path!r}; pass --format parquet or --format jsonl")
    return READERS[suffix]


def main(argv: list[str] | None = None) -> int:
    from pyspark.sql import SparkSession

    args = parse_args(argv)
    spark = SparkSession.builder.appName("scam-classifier-screen").getOrCreate()
    frame = spark.read.format(input_format(args.input, args.format)).load(args.input)
    screen_dataframe(frame, text_column=args.text_column, model_path=args.model).write.mode("error").parquet(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
