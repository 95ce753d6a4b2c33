"""padan for notebooks and scripts: encode a list, link encodings, join matches back.

    import padan

    schema = padan.default_schema("bansos-2026")
    key = padan.new_key("project.key")
    dtks = padan.encode(dtks_frame, schema, key, out="dtks.padan")
    kjp = padan.encode("kjp.xlsx", schema, key)
    linkage = padan.link({"DTKS": dtks, "KJP": kjp}, out="run1", match_threshold=0.85)
    matched = padan.reveal(linkage.results["DTKS"], dtks, dtks_frame)

docs/python-api.md is the guide. Every package of padan (padan.encoder, padan.linker,
padan.cli, ...) imports this module first, so it imports nothing heavy itself: the names below
load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ loads them
    from padan._api import (
        EncoderError,
        Encoding,
        Linkage,
        LinkageSchema,
        LinkerError,
        LinkParameters,
        RevealError,
        default_schema,
        encode,
        link,
        load_key,
        load_schema,
        new_key,
        reveal,
    )

__all__ = [
    "EncoderError",
    "Encoding",
    "LinkParameters",
    "Linkage",
    "LinkageSchema",
    "LinkerError",
    "RevealError",
    "default_schema",
    "encode",
    "link",
    "load_key",
    "load_schema",
    "new_key",
    "reveal",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from padan import _api

        return getattr(_api, name)
    raise AttributeError(f"module 'padan' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
