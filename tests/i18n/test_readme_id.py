"""README.id.md: the same two commands, every role's walkthrough, commands and files that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from padan.cli.docgen import commands
from padan.cli.main import app
from padan.cli.reveal_commands import added_columns
from padan.i18n import use_language

ROOT = Path(__file__).resolve().parents[2]


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def two_commands(text: str, heading: str) -> list[str]:
    block = re.search(rf"## {heading}\n\n```sh\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_the_two_commands_are_the_englishs():
    assert two_commands(read("README.id.md"), "Dua perintah") == two_commands(
        read("README.md"), "The two commands")


def test_each_readme_links_to_the_other():
    assert "](README.id.md)" in read("README.md") and "](README.md)" in read("README.id.md")


def test_there_is_a_walkthrough_for_each_role():
    for role in ("instansi", "koordinator", "auditor"):
        assert f"## Sepuluh menit sebagai {role}" in read("README.id.md")


def test_every_padan_command_in_it_exists():
    names = {path for path, _ in commands(app)}
    text = read("README.id.md").replace("padan --lang id ", "padan ")
    used = re.findall(r"`(?:[A-Z_]+=\S+\s+)*padan ([a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)", text)
    assert len(used) > 15
    for words in used:
        parts = tuple(shlex.split(words))
        assert parts in names or parts[:1] in names, f"README.id.md uses unknown: padan {words}"


def test_its_links_point_at_files_that_exist():
    for target in re.findall(r"\]\(([^)#]+)\)", read("README.id.md")):
        assert (ROOT / target).is_file(), target


def test_it_names_the_revealed_columns_as_padan_writes_them_in_indonesian():
    with use_language("id"):
        names = added_columns()
    text = read("README.id.md")
    assert all(f"`{name}`" in text for name in names), names
