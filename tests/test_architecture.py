"""Import rules that keep the data flow one-way, checked with ast.

- encoder/ runs at the agency and never opens a socket or imports the linker.
- linker/ sees only encodings: from the encoder it may import the encoding-file module, its
  errors, the pseudo-ids' text form and the public table of region names, nothing else.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NETWORK = {"socket", "httpx", "http", "urllib", "requests", "fastapi", "uvicorn", "ssl"}
# place_codes: the public table of Kemendagri region names (no personal data), for the labels of
# the report's regencies (padan.linker.provinces)
LINKER_MAY_IMPORT_FROM_ENCODER = {"padan.encoder.encoding_file", "padan.encoder.errors",
                                  "padan.encoder.pseudo_ids",
                                  "padan.encoder.normalise.place_codes"}


def imports_of(folder: str) -> dict[Path, set[str]]:
    found: dict[Path, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[path] = names
    return found


def test_encoder_opens_no_socket_and_ignores_the_linker():
    for path, names in imports_of("encoder").items():
        tops = {n.split(".")[0] for n in names}
        assert not tops & NETWORK, f"{path} imports a network module"
        assert not any(n.startswith("padan.linker") for n in names), f"{path} imports the linker"
        assert not any(n.startswith("padan.cli") for n in names), f"{path} imports the CLI"


def test_linker_sees_only_the_encoding_file_of_the_encoder():
    for path, names in imports_of("linker").items():
        from_encoder = {n for n in names if n.startswith("padan.encoder")}
        assert from_encoder <= LINKER_MAY_IMPORT_FROM_ENCODER, f"{path} imports {from_encoder}"
        assert not any(n.startswith("padan.cli") for n in names), f"{path} imports the CLI"


def test_every_package_folder_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = set()
    for top, package in config["package-dir"].items():
        for init in (ROOT / package).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / package)
            on_disk.add(".".join([top, *rel.parts]) if rel.parts else top)
    assert on_disk == listed, f"pyproject packages differ from folders: {on_disk ^ listed}"


def test_no_package_imports_the_python_api():
    """padan/ (`import padan`) sits on top of everything; nothing below may lean on it."""
    for folder in ("encoder", "linker", "cli", "synth", "evaluation"):
        for path, names in imports_of(folder).items():
            assert not names & {"padan", "padan._api"}, f"{path} imports the Python API"
