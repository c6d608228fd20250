"""Saved model versions beside the current model, and which one is current.

    models/scam_classifier.joblib (+ .json)          the current model: what every front end loads
    models/versions/<version>/scam_classifier.joblib  each accepted retrain, with its manifest and reports

Making a version current copies its two files over the current ones (each through a temporary file and
a rename, so a reader never sees half a model). The running service picks a new current model up on
restart, or on SIGHUP: the server then starts new workers, and each one loads the current model if it is
not the one the main process preloaded.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelError
from .persistence import manifest_path, read_manifest, verify


@dataclass(frozen=True)
class Version:
    version: str
    path: Path
    manifest: dict
    current: bool


def versions_dir(model_path: str | Path) -> Path:
    return Path(model_path).parent / "versions"


REPORTS = ("MODEL_CARD.md", "evaluation.md", "confusion_matrix.png", "reliability.png")


def keep(model_path: str | Path, saved: str | Path) -> Path:
    """Copy a saved model, its manifest and the reports beside it into the versions folder; its new path."""
    saved = Path(saved)
    target = versions_dir(model_path) / read_manifest(saved)["model_version"]
    target.mkdir(parents=True, exist_ok=True)
    copies = [(saved, Path(model_path).name), (manifest_path(saved), manifest_path(model_path).name)]
    copies += [(saved.parent / name, name) for name in REPORTS]
    for source, name in copies:
        if source.exists():
            shutil.copyfile(source, target / name)
    return target / Path(model_path).name


def versions(model_path: str | Path) -> list[Version]:
    """Every saved version, oldest first, the current one marked."""
    current = _current_sha(model_path)
    found = []
    for manifest_file in sorted(versions_dir(model_path).glob(f"*/{Path(model_path).with_suffix('.json').name}")):
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        artefact = manifest_file.with_suffix(".joblib")
        found.append(Version(manifest["model_version"], artefact, manifest, manifest.get("sha256") == current))
    return sorted(found, key=lambda version: version.manifest.get("created", ""))


def make_current(model_path: str | Path, version: str) -> Version:
    chosen = next((v for v in versions(model_path) if v.version == version), None)
    if chosen is None:
        raise ModelError("unknown_model_version", version=version)
    verify(chosen.path)  # never make current a version that cannot be loaded (damaged, older format, other libraries)
    for source, target in ((chosen.path, Path(model_path)), (manifest_path(chosen.path), manifest_path(model_path))):
        temporary = target.with_name(f".{target.name}.partial")
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    return chosen


def previous(model_path: str | Path) -> str:
    """The version saved just before the current one."""
    saved = versions(model_path)
    index = next((i for i, v in enumerate(saved) if v.current), None)
    if index is None or index == 0:
        raise ModelError("unknown_model_version", version="(the one before the current model)")
    return saved[index - 1].version


def _current_sha(model_path: str | Path) -> str | None:
    try:
        return read_manifest(model_path).get("sha256")
    except ModelError:
        return None
