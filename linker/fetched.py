"""Local copies of immutable files kept behind an fsspec URL (s3://bucket/store/aa/bb/<sha256>).

The engine memory-maps encoding files, so a worker whose store is remote reads a file once into a
local directory and maps the copy. A file named by a SHA-256 (the store's files are) is checked
against it before it is used; a copy is written under a temporary name and renamed into place, so
two threads or processes fetching the same file never see half of it.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 8 << 20


class FetchError(OSError):
    """The file behind a URL could not be copied here, or its bytes do not match its name."""


def is_remote(location: str | os.PathLike) -> bool:
    """True for an fsspec URL other than a local path or file:// URL."""
    text = str(location)
    return "://" in text and not text.startswith("file://")


def fetch(url: str, directory: Path) -> Path:
    """The local copy of the file at `url` in `directory`, fetched unless already there."""
    import fsspec

    name = url.rstrip("/").rsplit("/", 1)[-1]
    named_by_digest = bool(_DIGEST.match(name))
    target = directory / (name if named_by_digest else hashlib.sha256(url.encode()).hexdigest())
    if target.is_file():
        return target
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".fetch-")
    try:
        digest = hashlib.sha256()
        filesystem, path = fsspec.core.url_to_fs(url)
        with os.fdopen(handle, "wb") as out, filesystem.open(path, "rb") as source:
            while block := source.read(_CHUNK):
                digest.update(block)
                out.write(block)
        if named_by_digest and digest.hexdigest() != name:
            raise FetchError(f"{url}: the bytes fetched do not match the SHA-256 in the name")
        os.replace(temporary, target)
    except FetchError:
        raise
    except Exception as exc:
        raise FetchError(f"{url}: could not be fetched ({type(exc).__name__})") from exc
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target
