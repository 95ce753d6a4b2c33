"""Helpers shared by the service tests: synthetic encoding files, uploads, projects."""

from __future__ import annotations

import uuid
from pathlib import Path

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


def pseudo_ids_of(tmp_path: Path, data: bytes) -> set[int]:
    """The pseudo-ids of an encoding file given as bytes."""
    path = tmp_path / f"read-{uuid.uuid4().hex}.padan"
    path.write_bytes(data)
    return {int(x) for x in open_encoding_file(path).records["pseudo_id"]}


def forms_of(pseudo_id: int) -> tuple[str, str]:
    """Every text a pseudo-id could show as: today's form and the decimal of earlier versions."""
    return pseudo_id_text(pseudo_id), str(pseudo_id)
