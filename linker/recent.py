"""The last few values a process computed per (encoding file, what): pass keys, segment copies.

Units of one pass follow each other (the engine orders them pass by pass), so a few entries
serve them all. Each entry holds its file object, so the file's id, part of the entry's key,
cannot be reused by another file while the entry lives.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from padan.encoder.encoding_file import EncodingFile

Value = TypeVar("Value")


class RecentByFile(Generic[Value]):
    def __init__(self, kept: int):
        self.kept = kept
        self._entries: OrderedDict[tuple, tuple[EncodingFile, Value]] = OrderedDict()

    def get(self, encodings: EncodingFile, what: Hashable, make: Callable[[], Value]) -> Value:
        """The value remembered for (encodings, what), else make() remembered; the least
        recently used beyond `kept` is forgotten (a holder of it keeps it)."""
        key = (id(encodings), what)
        if key in self._entries:
            self._entries.move_to_end(key)
            return self._entries[key][1]
        value = make()
        self._entries[key] = (encodings, value)
        while len(self._entries) > self.kept:
            self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
