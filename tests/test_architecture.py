"""The front ends (CLI and web) use only the package's public API, plus its settings and errors."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "classifier"
ALLOWED = {"classifier", "classifier.config", "classifier.errors"}


def imported_modules(path: Path, package: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            name = f"{base}.{node.module}" if node.level and node.module else (base or node.module)
            modules.add(name)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return {module for module in modules if module.split(".")[0] == "classifier"}


def test_the_cli_imports_only_the_public_api():
    assert imported_modules(PACKAGE / "cli.py", "classifier") <= ALLOWED | {"classifier.web.serve", "classifier.review"}
    assert imported_modules(PACKAGE / "review.py", "classifier") <= ALLOWED


def test_the_web_layer_imports_only_the_public_api():
    for path in (PACKAGE / "web").glob("*.py"):
        outside = {module for module in imported_modules(path, "classifier.web") if not module.startswith("classifier.web")}
        assert outside <= ALLOWED, (path.name, outside)
