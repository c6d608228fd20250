import hashlib
import json

import numpy as np
import pytest

from classifier import CompiledModel, ModelError, ScamClassifier
from classifier.persistence import manifest_path


def test_round_trip_gives_identical_probabilities(small_model, saved_model):
    loaded = CompiledModel.load(saved_model)
    texts = ["刷单返利日结", "周末一起吃饭"]
    assert np.allclose(loaded.predict_proba(texts), small_model.predict_proba(texts))
    assert loaded.version == loaded.manifest_["model_version"] == small_model.version
    assert loaded.metrics == {"macro_f1": 1.0}


def test_version_is_derived_from_data_parameters_and_libraries(corpus, small_model, saved_model, tmp_path):
    texts, labels = [row["text"] for row in corpus], [row["label"] for row in corpus]
    params = small_model.get_params()
    again = ScamClassifier(**params).fit(texts, labels)
    assert again.save(tmp_path / "again.joblib")["model_version"] == small_model.version
    other_data = ScamClassifier(**params).fit(texts[1:], labels[1:])
    other_parameters = ScamClassifier(**{**params, "C": 1.0}).fit(texts, labels)
    versions = {other.save(tmp_path / f"{name}.joblib")["model_version"]
                for name, other in (("data", other_data), ("parameters", other_parameters))}
    assert small_model.version not in versions and len(versions) == 2


def test_manifest_records_what_loading_checks(saved_model):
    manifest = json.loads(manifest_path(saved_model).read_text(encoding="utf-8"))
    assert len(manifest["sha256"]) == 64
    assert {"scikit-learn", "numpy", "jieba", "rjieba"} <= set(manifest["libraries"])
    assert "normal" in manifest["labels"]
    assert manifest["metrics"] == {"macro_f1": 1.0}


@pytest.fixture
def model_copy(saved_model, tmp_path):
    target = tmp_path / "model.joblib"
    target.write_bytes(saved_model.read_bytes())
    manifest_path(target).write_text(manifest_path(saved_model).read_text(encoding="utf-8"), encoding="utf-8")
    return target


def test_tampered_artefact_is_refused(model_copy):
    with open(model_copy, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="sha256"):
        CompiledModel.load(model_copy)


def test_other_library_versions_are_refused(model_copy):
    manifest = json.loads(manifest_path(model_copy).read_text(encoding="utf-8"))
    manifest["libraries"]["scikit-learn"] = "0.1.0"
    manifest_path(model_copy).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        CompiledModel.load(model_copy)
    assert caught.value.code == "model_version_mismatch"


def test_a_model_saved_in_an_older_format_is_refused_before_unpickling(model_copy):
    model_copy.write_bytes(b"not a pickle")  # never unpickled: the format alone refuses it
    manifest = json.loads(manifest_path(model_copy).read_text(encoding="utf-8"))
    manifest.update(format=2, sha256=hashlib.sha256(b"not a pickle").hexdigest())  # 2: the scikit-learn pipeline
    manifest_path(model_copy).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelError, match="scam-classifier train") as caught:
        CompiledModel.load(model_copy)
    assert caught.value.code == "model_format_old"


def test_missing_manifest_is_refused(model_copy):
    manifest_path(model_copy).unlink()
    with pytest.raises(ModelError, match="no manifest"):
        CompiledModel.load(model_copy)


def test_missing_model_says_how_to_build_one(tmp_path):
    with pytest.raises(ModelError, match="scam-classifier train") as caught:
        CompiledModel.load(tmp_path / "none.joblib")
    assert caught.value.code == "model_missing"


def test_a_rewritten_manifest_is_refused_when_a_key_is_set(corpus, tmp_path):
    from classifier.persistence import sha256_file

    model = ScamClassifier(calibration_folds=2).fit([row["text"] for row in corpus], [row["label"] for row in corpus])
    path = tmp_path / "signed.joblib"
    model.save(path, key="s3cret")
    assert CompiledModel.load(path, key="s3cret").version == model.version
    # An attacker who can write the folder swaps the artefact and rewrites the manifest's hash to match.
    with open(path, "ab") as handle:
        handle.write(b"\0")
    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    manifest["sha256"] = sha256_file(path)
    manifest_path(path).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        CompiledModel.load(path, key="s3cret")
    assert caught.value.code == "model_unsigned"
    with pytest.raises(ModelError) as caught:
        CompiledModel.load(path, key="another key")
    assert caught.value.code == "model_unsigned"


def test_an_unsigned_model_is_refused_when_a_key_is_set(saved_model):
    with pytest.raises(ModelError) as caught:
        CompiledModel.load(saved_model, key="s3cret")
    assert caught.value.code == "model_unsigned" and "not signed" in caught.value.message
