"""Saving and loading models: a joblib artefact plus a JSON manifest that vouches for it.

A joblib file is a pickle, and unpickling runs code. So :func:`load` reads the manifest first,
checks the artefact's sha256 and the library versions it was built with, and only then unpickles.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from importlib import metadata
from pathlib import Path

import joblib

from .errors import ModelError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_PATH = Path(os.environ.get("SCAM_CLASSIFIER_MODEL", PROJECT_ROOT / "models" / "scam_classifier.joblib"))
# Pickles are only trusted with the exact versions of the libraries whose objects they contain.
PINNED_LIBRARIES = ("scikit-learn", "numpy", "scipy", "joblib", "jieba", "rjieba")
MANIFEST_FORMAT = 1


def manifest_path(path: str | Path) -> Path:
    return Path(path).with_suffix(".json")


def library_versions() -> dict[str, str]:
    versions = {name: metadata.version(name) for name in PINNED_LIBRARIES}
    versions["python"] = platform.python_version()
    return versions


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save(model, path: str | Path, metrics: dict | None = None, data_hash: str | None = None) -> dict:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)  # uncompressed: loads several times faster
    digest = sha256_file(path)
    manifest = {
        "format": MANIFEST_FORMAT,
        "artefact": path.name,
        "sha256": digest,
        "model_version": digest[:12],
        "libraries": library_versions(),
        "labels": list(model.classes_),
        "training_data_sha256": data_hash,
        "metrics": metrics or {},
    }
    manifest_path(path).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def read_manifest(path: str | Path) -> dict:
    location = manifest_path(path)
    try:
        return json.loads(location.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"no manifest at {location}; refusing to load {path} (run 'scam-classifier train')") from None
    except json.JSONDecodeError as exc:
        raise ModelError(f"manifest {location} is not valid JSON: {exc.msg}") from None


def verify(path: str | Path) -> dict:
    """Raise :class:`ModelError` unless the artefact matches its manifest; return the manifest."""
    path = Path(path)
    if not path.exists():
        raise ModelError(f"no model at {path} (run 'scam-classifier train' to build one)", code="model_missing")
    manifest = read_manifest(path)
    if sha256_file(path) != manifest.get("sha256"):
        raise ModelError(f"{path} does not match the sha256 in its manifest; it was changed or corrupted. Retrain it.")
    current = library_versions()
    recorded = manifest.get("libraries", {})
    mismatched = [f"{name} {recorded.get(name)} → {current[name]}" for name in PINNED_LIBRARIES if recorded.get(name) != current[name]]
    if mismatched:
        raise ModelError(
            f"{path} was built with other library versions ({', '.join(mismatched)}); "
            "retrain it with 'scam-classifier train'",
            code="model_version_mismatch",
        )
    return manifest


def load(path: str | Path):
    manifest = verify(path)
    model = joblib.load(path)
    model.manifest_ = manifest
    return model
