"""Versions of an agency's list in a continuous project: the removed list of a delta upload.

A delta upload (UploadCreate kind "delta") is the encoding file of the records added or changed
since the agency's last version (`padan encode --previous` writes it as X.delta.padan) plus the
pseudo-ids it no longer holds (X.removed.csv: a `pseudo_id` column), PUT to
`/projects/{id}/uploads/{upload_id}/removed` before the upload is finished.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from padan.encoder.pseudo_ids import parse_pseudo_id, pseudo_id_texts
from padan.linker.service.errors import UploadRejected

MAX_BAD_LINES = 5   # lines named in the error; the total is given too


def removed_path(upload_dir: Path, session_id: str) -> Path:
    return upload_dir / f"{session_id}.removed"


def parse_removed(data: bytes) -> np.ndarray:
    """The pseudo-ids of a removed list (uint64), or UploadRejected naming the first bad lines
    and their number (never a value)."""
    try:
        lines = data.decode("ascii").splitlines()
    except UnicodeDecodeError:
        raise UploadRejected("the removed list is not ASCII text: send the X.removed.csv that "
                             "padan encode --previous wrote", reason="bad_removed_list") from None
    if not lines or lines[0].strip() != "pseudo_id":
        raise UploadRejected("the removed list needs the header 'pseudo_id' on line 1",
                             reason="bad_removed_list", line=1)
    values, bad = [], []
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        try:
            values.append(parse_pseudo_id(text))
        except ValueError:
            bad.append(number)
    if bad:
        shown = ", ".join(map(str, bad[:MAX_BAD_LINES]))
        raise UploadRejected(f"the removed list has {len(bad)} lines that are not a pseudo-id "
                             f"('p' and 16 lowercase hex digits): lines {shown}",
                             reason="bad_removed_list", lines=bad[:MAX_BAD_LINES],
                             total=len(bad))
    return np.array(values, np.uint64)


def removed_csv(pseudo_ids: np.ndarray) -> bytes:
    """A removed list in its one canonical form (sorted, text pseudo-ids)."""
    ids = np.unique(np.asarray(pseudo_ids, np.uint64))
    return ("pseudo_id\n" + "".join(f"{text}\n" for text in pseudo_id_texts(ids))).encode()
