"""`import padan`: the public surface, the worked example of docs/python-api.md, and errors that
name the argument, never a value."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import padan

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = {"EncoderError", "Encoding", "LinkParameters", "Linkage", "LinkageSchema",
          "LinkerError", "RevealError", "default_schema", "encode", "link", "load_key",
          "load_schema", "new_key", "reveal"}


def test_the_public_surface_is_exactly_all():
    assert set(padan.__all__) == PUBLIC
    from padan import _api

    assert set(_api.__all__) == PUBLIC
    for name in PUBLIC - {"LinkageSchema"}:  # the schema is documented in docs/schema.md
        item = getattr(padan, name)
        assert item.__doc__ and len(item.__doc__) > 20, f"padan.{name} needs a docstring"
    with pytest.raises(AttributeError):
        padan.encode_file  # noqa: B018 - internal names stay internal


def test_importing_padan_loads_nothing_heavy():
    # every padan.* import runs padan/__init__.py first: it must stay cheap for the CLI
    code = ("import sys, padan; heavy = [m for m in ('numpy', 'pyarrow', 'numba', 'pandas', "
            "'padan._api', 'padan.encoder') if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def the_example() -> str:
    text = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_the_worked_example_of_docs_python_api_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(the_example(), "docs/python-api.md", "exec"), namespace)
    linkage, matched = namespace["linkage"], namespace["matched"]
    assert linkage.pairwise == [{"parties": ["DINSOS", "DISDIK"], "match": 2, "possible": 0}]
    assert linkage.parameters.match_threshold == 0.85
    assert matched["padan_band"].tolist()[:2] == ["match", "match"]
    assert matched["padan_band"].isna().tolist()[2:] == [True, True]
    assert list(matched.columns[:4]) == list(namespace["dinsos"].columns)
    assert (tmp_path / "run1" / "DINSOS.results.csv").is_file()
    assert (tmp_path / "project.key").stat().st_mode & 0o077 == 0
    printed = capsys.readouterr().out
    documented = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    for line in printed.splitlines():
        assert line in documented, f"docs/python-api.md does not show what it prints: {line}"


@pytest.fixture
def setting(tmp_path):
    return padan.default_schema("uji"), padan.new_key(tmp_path / "k.key")


def test_encode_a_file_and_link_paths(tmp_path, setting):
    schema, key = setting
    frame = pd.DataFrame({"NIK": [3171014501800001, 3173020505790002],  # NIKs as integers
                          "NAMA": ["Siti", "Joko"], "TGL_LAHIR": ["05-01-1980", "05-05-1979"],
                          "JK": ["P", "L"]})
    frame.to_csv(tmp_path / "a.csv", index=False)
    from_file = padan.encode(tmp_path / "a.csv", schema, tmp_path / "k.key")
    from_frame = padan.encode(frame, schema, key, out=tmp_path / "b.padan")
    assert from_file.path == tmp_path / "a.padan" and not from_file.from_dataframe
    assert from_frame.quality["fields"]["nik"]["statuses"] == {"valid": 2}
    linkage = padan.link({"A": from_file.path, "B": from_frame}, out=tmp_path / "run",
                         parameters={"match_threshold": 0.9}, possible_threshold=0.85,
                         small_cell_k=1)
    assert (linkage.parameters.match_threshold, linkage.parameters.possible_threshold) == (
        0.9, 0.85)
    assert linkage.matches == {"A": 2, "B": 2}
    with pytest.raises(TypeError, match="encoding"):
        padan.reveal(linkage.results["A"], from_file, frame)
    with pytest.raises(padan.RevealError, match="1 rows but the encoded DataFrame had 2"):
        padan.reveal(linkage.results["B"], from_frame, frame.head(1))
    joined = padan.reveal(linkage.results["B"], from_frame, frame)
    assert joined["padan_also_in"].tolist() == ["A", "A"]
    # A declared a death register: B learns that its two records are in one, not A's name
    linkage = padan.link({"A": from_file.path, "B": from_frame}, out=tmp_path / "run2",
                         registers=["A=deaths"], small_cell_k=1)
    joined = padan.reveal(linkage.results["B"], from_frame, frame)
    assert joined["padan_registers"].tolist() == ["deaths", "deaths"]
    assert joined["padan_also_in"].isna().all()
    assert linkage.report["report"]["questions"]["roles"]["A"] == {"register": "deaths"}


@pytest.mark.parametrize("call, needle", [
    (lambda s, k: padan.encode(pd.DataFrame({"NIK": ["1"]}), s, k), "out:"),
    (lambda s, k: padan.encode(42, s, k), "data:"),
    (lambda s, k: padan.encode("x.csv", {"fields": []}, k), "schema:"),
    (lambda s, k: padan.encode("x.csv", s, b"short"), "key:"),
])
def test_bad_arguments_are_named(setting, call, needle):
    schema, key = setting
    with pytest.raises((TypeError, padan.EncoderError), match=needle):
        call(schema, key)


def test_unknown_run_option_is_named(tmp_path):
    with pytest.raises(padan.LinkerError, match="match_treshold"):
        padan.link({}, out=tmp_path, match_treshold=0.9)


def test_a_column_of_mixed_values_is_named_and_its_values_are_not(tmp_path, setting):
    schema, key = setting
    frame = pd.DataFrame({"NIK": ["3171014501800001", 3173020505790002], "NAMA": ["Siti", "Joko"],
                          "TGL_LAHIR": ["05-01-1980", "05-05-1979"], "JK": ["P", "L"]})
    with pytest.raises(padan.EncoderError) as caught:
        padan.encode(frame, schema, key, out=tmp_path / "x.padan")
    assert "column 'NIK'" in str(caught.value)
    assert "3173020505790002" not in str(caught.value) and "Siti" not in str(caught.value)
