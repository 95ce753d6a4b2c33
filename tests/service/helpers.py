"""Helpers shared by the service tests: synthetic encoding files, uploads, projects."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from padan.encoder.encoding_file import (
    new_header,
    new_records,
    open_encoding_file,
    write_encoding_file,
)
from padan.encoder.pseudo_ids import pseudo_id_text

FINGERPRINT = "f" * 64
KEY_CHECK = "k" * 32


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def encoding_bytes(tmp_path: Path, *, project_id: str = "proj", count: int = 50,
                   seed: int = 0, fingerprint: str = FINGERPRINT, key_check: str = KEY_CHECK,
                   shared_from: int | None = None, duplicated: int = 0) -> bytes:
    """A synthetic encoding file: random filters; records [0, shared_from) come from seed 99,
    so files made with the same shared_from share those people; the last `duplicated` records
    repeat the `duplicated` before them (the same person twice on the list)."""
    rng = np.random.default_rng(seed)
    records = new_records(count, 16, 1)
    records["pseudo_id"] = rng.choice(1 << 62, size=count, replace=False)
    filters = rng.integers(0, 1 << 63, size=(count, 16), dtype=np.uint64)
    if shared_from:
        filters[:shared_from] = np.random.default_rng(99).integers(
            0, 1 << 63, size=(shared_from, 16), dtype=np.uint64)
    if duplicated:
        filters[count - duplicated:] = filters[count - 2 * duplicated:count - duplicated]
    records["filter"] = filters
    header = new_header(project_id=project_id, schema_fingerprint=fingerprint,
                        key_check=key_check, filter_bits=1024, record_count=count,
                        blocking_keys=["dob_sex"], stratum=None)
    path = tmp_path / f"enc-{uuid.uuid4().hex}.padan"
    write_encoding_file(path, header, records)
    return path.read_bytes()


def upload(client: TestClient, token: str, project_id: str, data: bytes,
           chunk: int = 1 << 16):
    """Upload through the resumable protocol; return the finish response."""
    created = client.post(f"/projects/{project_id}/uploads", headers=auth(token),
                          json={"size": len(data)})
    assert created.status_code == 201, created.text
    upload_id = created.json()["upload_id"]
    for offset in range(0, len(data), chunk):
        put = client.put(f"/projects/{project_id}/uploads/{upload_id}", params={"offset": offset},
                         content=data[offset:offset + chunk], headers=auth(token))
        assert put.status_code == 200, put.text
    return client.post(f"/projects/{project_id}/uploads/{upload_id}/finish", headers=auth(token))


def make_project(client: TestClient, coordinator: str, project_id: str = "proj",
                 agencies=("dtks", "kjp", "kis"), **extra) -> dict[str, str]:
    """Create a project; return party name -> token."""
    body = {"project_id": project_id, "schema_fingerprint": FINGERPRINT,
            "agencies": list(agencies), "auditors": ["bpk"], **extra}
    response = client.post("/projects", json=body, headers=auth(coordinator))
    assert response.status_code == 201, response.text
    return {t["party"]: t["token"] for t in response.json()["tokens"]}


def pseudo_ids_in_bytes(tmp_path: Path, data: bytes) -> set[int]:
    """The pseudo-ids of an encoding file given as bytes."""
    path = tmp_path / f"read-{uuid.uuid4().hex}.padan"
    path.write_bytes(data)
    return {int(x) for x in open_encoding_file(path).records["pseudo_id"]}


def forms_of(pseudo_id: int) -> tuple[str, str]:
    """Every text a pseudo-id could show as: today's form and the decimal of earlier versions."""
    return pseudo_id_text(pseudo_id), str(pseudo_id)


# -- what a party receives: pseudo-ids in any form, score-like keys, fractions (test_no_leaks) --

MIN_DECIMAL_DIGITS = 10  # shorter decimal forms would match unrelated numbers by chance
SCORE_KEY = re.compile(r"score|similarit|dice|weight|probab|distance|jaccard|hamming", re.I)
# the report's fractions that are aggregates (thresholds, bin edges); any other is suspect
REPORT_FRACTION_KEYS = frozenset({"threshold", "bin_width", "floor", "auto_threshold",
                                  "histogram_valley"})
_HEX_RUN = re.compile(r"[0-9a-f]{16,}", re.I)
_DIGIT_RUN = re.compile(r"\d+")
_DECIMAL = re.compile(r"(?<![\w.])\d*\.\d+(?![\w.])")


class PseudoIdFinder:
    """Finds the given pseudo-ids in text, in every form one could take there: decimal (the
    unsigned value, or the signed 64-bit one), 16 hex digits in either byte order, in any case and
    inside any prefix or longer run ("p" + hex, "0x…", a digest)."""

    def __init__(self, ids: Iterable[int]):
        self.ids = {int(pid) for pid in ids}
        self._hex: dict[str, int] = {}
        self._decimal: dict[str, int] = {}
        for pid in self.ids:
            self._hex[f"{pid:016x}"] = pid
            self._hex[pid.to_bytes(8, "little").hex()] = pid
            signed = pid - (1 << 64) if pid >= 1 << 63 else pid
            for digits in (str(pid), str(abs(signed))):
                if len(digits) >= MIN_DECIMAL_DIGITS:
                    self._decimal[digits] = pid
        self._lengths = sorted({len(digits) for digits in self._decimal})

    def find(self, text: str) -> set[int]:
        found = set()
        for run in _HEX_RUN.findall(text):
            run = run.lower()
            found.update(self._hex[run[i:i + 16]] for i in range(len(run) - 15)
                         if run[i:i + 16] in self._hex)
        for run in _DIGIT_RUN.findall(text):
            for length in self._lengths:
                found.update(self._decimal[run[i:i + length]]
                             for i in range(len(run) - length + 1)
                             if run[i:i + length] in self._decimal)
        return found

    def each(self, cells: Iterable[object]) -> set[int]:
        """The pseudo-ids in result cells, whatever form they take there (an int, decimal
        text, "p" + hex…); fails unless each cell holds exactly one of the finder's ids."""
        found = [self.find(str(cell)) for cell in cells]
        assert all(len(ids) == 1 for ids in found), "a cell without exactly one known pseudo-id"
        return set().union(*found)


def pseudo_ids_of(path: Path) -> set[int]:
    from padan.encoder.encoding_file import open_encoding_file

    return {int(pid) for pid in open_encoding_file(path).records["pseudo_id"].tolist()}


def json_keys(value: Any, *, skip: frozenset[str] = frozenset()) -> set[str]:
    """Every key of every object inside a JSON value, leaving out what sits under `skip`."""
    if isinstance(value, dict):
        return set(value).union(*(json_keys(v, skip=skip) for k, v in value.items()
                                  if k not in skip))
    if isinstance(value, list):
        return set().union(*(json_keys(v, skip=skip) for v in value))
    return set()


# The report's fitted match model (scoring "model") holds per-level aggregates: weights and m/u
# probabilities of a few levels per comparison, over all of a run's candidate pairs.
MODEL_KEYS = frozenset({"prior", "iterations", "converged", "pairs", "comparisons",
                        "refused_by_name_rule", "automatic_threshold", "expected_precision",
                        "expected_recall", "match_threshold", "probability_histogram"})


def model_problems(model: dict | None) -> list[str]:
    """Why `model` could hold more than aggregates (empty when it is only the model)."""
    if model is None:
        return []
    problems = [f"unexpected key {k}" for k in set(model) - MODEL_KEYS]
    for comparison in model.get("comparisons", []):
        levels = comparison["levels"]
        if len(levels) > 16:
            problems.append(f"{comparison['name']}: {len(levels)} levels")
        problems += [f"{comparison['name']}: level keys {sorted(level)}" for level in levels
                     if set(level) != {"label", "m", "u", "weight"}]
    spread = model.get("probability_histogram", {})
    if set(spread) - {"bin_width", "counts"} or len(spread.get("counts", [])) > 20:
        problems.append("the probability histogram holds more than 20 counts")
    return problems


def fractions(value: Any, *, skip: frozenset[str] = frozenset(),
              key: str = "") -> list[tuple[str, float]]:
    """(key holding it, number) for each number strictly between 0 and 1 inside a JSON value,
    leaving out whatever sits under a key in `skip`."""
    if isinstance(value, dict):
        return [found for k, v in value.items() if k not in skip
                for found in fractions(v, skip=skip, key=k)]
    if isinstance(value, list):
        return [found for v in value for found in fractions(v, skip=skip, key=key)]
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 1:
        return [(key, float(value))]
    return []


def text_fractions(text: str) -> list[float]:
    """Decimal numbers strictly between 0 and 1 written in a text (HTML, CSV)."""
    return [x for x in map(float, _DECIMAL.findall(text)) if 0 < x < 1]


def on_percent_grid(x: float) -> bool:
    """A threshold or bin edge (0.01 steps); a record pair's similarity almost never is."""
    return abs(x * 100 - round(x * 100)) < 1e-9


@contextmanager
def module_database(kind: str, folder: Path) -> Iterator[str]:
    """A database URL for a module-scoped fixture: a SQLite file in `folder` ("sqlite"), or a
    fresh PostgreSQL schema ("postgresql"), dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'padan.db'}"
        return
    from sqlalchemy import create_engine, text

    from .conftest import POSTGRES_URL

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
