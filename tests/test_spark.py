"""Screening a Spark DataFrame in local mode (local[2]): the same columns as a batch file, rows in order."""

import os
import shutil

import pytest

pyspark = pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(not shutil.which("java") and not os.environ.get("CI"),
                       reason="Spark needs Java (apt-get install default-jre-headless); required when CI is set"),
]

SCAM = "高价收购银行卡，一张月租三千，安全无风险"


@pytest.fixture(scope="module")
def spark():
    import sys

    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # executors run the project's Python, with its packages
    session = (SparkSession.builder.master("local[2]").appName("scam-classifier-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    yield session
    session.stop()


def test_a_spark_frame_is_screened_on_the_executors(spark, saved_model):
    from classifier.spark import screen_dataframe

    rows = [(i, text) for i, text in enumerate([SCAM, "周末一起吃饭", "", SCAM] * 50)]
    frame = spark.createDataFrame(rows, "id long, text string").repartition(4)
    screened = screen_dataframe(frame, model_path=str(saved_model)).orderBy("id").collect()
    assert len(screened) == 200
    assert screened[0]["label"] == "mule_recruitment" and "account_rental" in screened[0]["signals"]
    assert screened[1]["label"] == "normal" and screened[2]["error"].startswith("empty_text")
    assert {row["model_version"] for row in screened if not row["error"]} == {
        __import__("classifier").CompiledModel.load(saved_model).version}


def test_a_missing_text_column_fails_before_any_job(spark, saved_model):
    from classifier import InputError
    from classifier.spark import screen_dataframe

    with pytest.raises(InputError, match="content"):
        screen_dataframe(spark.createDataFrame([(1, "你好")], "id long, content string"), model_path=str(saved_model))


def test_the_spark_job_screens_a_jsonl_file_into_parquet(spark, saved_model, tmp_path):
    import json

    from classifier.spark_job import main

    source = tmp_path / "messages.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n"
                              for i, text in enumerate([SCAM, "周末一起吃饭", ""])), encoding="utf-8")
    assert main([str(source), str(tmp_path / "screened.parquet"), "--model", str(saved_model)]) == 0
    rows = {row["id"]: row for row in spark.read.parquet(str(tmp_path / "screened.parquet")).collect()}
    assert rows[0]["label"] == "mule_recruitment" and rows[1]["label"] == "normal"
    assert rows[2]["error"].startswith("empty_text") and len(rows) == 3
