"""docs/cli.md, generated from the commands themselves (tests/test_docs.py keeps it current).

    python -m padan.cli.docgen            # rewrite docs/cli.md (run from the repository root)
    python -m padan.cli.docgen --check    # exit 1 if docs/cli.md is out of date

Every command's help (its docstring) becomes its section; a line "Example: ..." becomes a code
block; arguments and options become a table with their defaults. Commands are grouped by the role
that uses them; a command not listed in ROLES lands under "Other commands", so a new command is
documented the moment it exists.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import typer

ROLES = (
    ("Everyone", "Try padan, or make test data.", ("demo", "synth")),
    ("Agency (data custodian)", "Runs on the agency's own machine; the list never leaves it.",
     ("keygen", "schema", "encode", "upload", "results", "reveal")),
    ("Coordinator", "Runs the linker; sees encodings and pseudo-ids, never a list or the secret.",
     ("serve", "worker", "admin", "project", "run", "status", "link")),
    ("Auditor", "Sees counts and the audit log only.", ("report", "audit")),
    ("Evaluation", "Quality and privacy measurements on synthetic or public data.",
     ("evaluate", "attack")),
)
DEFAULT_OUTPUT = Path("docs/cli.md")
_EXAMPLE = re.compile(r"\s*Examples?:\s*(.+?)\s*$", re.S)


# typer builds click-style commands (its own vendored click in recent versions): duck-typed here.
Command = Any


def _is_group(command: Command) -> bool:
    return hasattr(command, "commands")


def walk(command: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...],
                                                                        Command]]:
    """Every command below `command` with its words after `padan` (groups before members)."""
    yield path, command
    if _is_group(command):
        for name in sorted(command.commands):
            yield from walk(command.commands[name], (*path, name))


def commands(app: typer.Typer) -> list[tuple[tuple[str, ...], Command]]:
    """All commands and groups of the app, without the root."""
    return [(path, command) for path, command in walk(typer.main.get_command(app)) if path]


def split_help(text: str) -> tuple[str, list[str]]:
    """(description, examples): 'Example: ...' (or 'Examples: a ; b') ends a paragraph or
    stands alone."""
    paragraphs, examples = [], []
    for paragraph in re.split(r"\n\s*\n", (text or "").replace("\b", "")):
        found = _EXAMPLE.search(paragraph)
        if found:
            # "Examples: a ; b" holds several commands
            examples += [" ".join(e.split()) for e in found.group(1).split(" ; ") if e.strip()]
            paragraph = paragraph[:found.start()]
        paragraph = " ".join(paragraph.split())
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs), examples


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _default(param) -> str:
    if param.required:
        return "required"
    if getattr(param, "is_flag", False) or param.default is None:
        return ""
    value = param.default
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, list | tuple):
        if not value:
            return ""
        value = ", ".join(map(str, value))
    return f"`{value}`"


def _name(param) -> str:
    if param.param_type_name == "argument":
        return f"`{param.metavar or param.name.upper()}`"
    names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
    return names


def parameters_table(command: Command) -> list[str]:
    rows = [p for p in command.params if p.name != "help" and not getattr(p, "hidden", False)]
    if not rows:
        return []
    lines = ["| argument or option | meaning | default |", "|---|---|---|"]
    for param in rows:
        meaning = getattr(param, "help", None) or ""
        lines.append(f"| {_name(param)} | {_cell(meaning)} | {_default(param)} |")
    return lines


def section(path: tuple[str, ...], command: Command, depth: int) -> list[str]:
    title = "padan " + " ".join(path)
    description, examples = split_help(command.help or "")
    lines = [f"{'#' * depth} `{title}`", ""]
    if description:
        lines += [description, ""]
    if _is_group(command):
        members = ", ".join(f"`{title} {name}`" for name in sorted(command.commands))
        return [*lines, f"Commands: {members}.", ""]
    context = command.context_class(command, info_name=title)
    usage = " ".join([title, *command.collect_usage_pieces(context)])
    lines += [f"Usage: `{usage}`", ""]
    for example in examples:
        lines += ["```sh", example, "```", ""]
    table = parameters_table(command)
    return [*lines, *table, *([""] if table else [])]


def render(app: typer.Typer) -> str:
    """The whole of docs/cli.md."""
    found = commands(app)
    tops = {path[0] for path, _ in found}
    placed = {name for _, _, names in ROLES for name in names}
    roles = [*ROLES, ("Other commands", "Not yet placed under a role in padan.cli.docgen.ROLES.",
                      tuple(sorted(tops - placed)))]
    lines = ["# padan command-line reference", "",
             "Generated from the commands by `python -m padan.cli.docgen`; do not edit by hand "
             "(tests/test_docs.py checks that it is current). Every command also answers "
             "`--help`. Errors print one line `error: ...` and exit 2 for bad input, 1 for an "
             "unexpected failure. Tokens and secrets come from files or `PADAN_*` variables, "
             "never from arguments (docs/operations.md).", ""]
    for role, blurb, names in roles:
        present = [name for name in names if name in tops]
        if not present:
            continue
        lines += [f"## {role}", "", blurb, ""]
        for name in present:
            for path, command in found:
                if path[0] == name:
                    lines += section(path, command, 3 if len(path) == 1 else 4)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    from padan.cli.main import app

    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    rest = [a for a in args if a != "--check"]
    output = Path(rest[0]) if rest else DEFAULT_OUTPUT
    text = render(app)
    if check:
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current != text:
            print(f"{output} is out of date: run python -m padan.cli.docgen", file=sys.stderr)
            return 1
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
