"""Labelled encodings: a list encoded in memory, with the true person behind every record.

Evaluation needs to know who each encoded record is, so it encodes lists itself (the real
RecordEncoder, a throwaway secret) and keeps the record order: pseudo-id = record number + 1.
Nothing here is for production use; production encodings are shuffled with random pseudo-ids.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from padan.encoder.encoding_file import EncodingFile, new_header
from padan.encoder.keys import key_check_value
from padan.encoder.record_encoder import RecordEncoder
from padan.encoder.schema import LinkageSchema
from padan.linker.engine import Party


@dataclass(frozen=True, slots=True)
class LabelledParty:
    """One agency's encodings and the person id of each record (-1 where unknown)."""

    name: str
    encodings: EncodingFile
    entity: np.ndarray   # int64 per record
    values: Mapping[str, list] | None = None   # raw field values per record, for attacks only

    def party(self) -> Party:
        return Party(self.name, self.encodings)

    def __len__(self) -> int:
        return len(self.encodings)


def throwaway_secret() -> bytes:
    """A fresh random secret: evaluation never needs a stable key."""
    return os.urandom(32)


def encode_labelled(name: str, columns: Mapping[str, Sequence[object]], entity: Sequence[int],
                    schema: LinkageSchema, secret: bytes, *, keep_values: bool = False,
                    encoder: RecordEncoder | None = None) -> LabelledParty:
    """Encode one list held in memory: `columns` maps schema field names to raw values.

    Records the encoder skips (no usable NIK, name or birthdate) are left out, as in a real run.
    """
    entity = np.asarray(entity, np.int64)
    count = len(entity)
    for field, values in columns.items():
        if len(values) != count:
            raise ValueError(f"column for field '{field}' has {len(values)} values, "
                             f"expected {count}")
    encoder = encoder or RecordEncoder(schema, secret)
    batch = encoder.encode(dict(columns), np.arange(count, dtype=np.int64))
    records = batch.records
    records["pseudo_id"] = np.arange(1, len(records) + 1, dtype=np.uint64)
    header = new_header(project_id=schema.project_id, schema_fingerprint=schema.fingerprint,
                        key_check=key_check_value(secret, schema.project_id),
                        filter_bits=schema.encoded_bits, record_count=len(records),
                        blocking_keys=[b.name for b in schema.blocking], stratum=schema.stratum,
                        segments=schema.segment_layout())
    encodings = EncodingFile(path=Path(f"<memory:{name}>"), header=header, records=records)
    kept = batch.rows
    values = ({field: [vals[i] for i in kept.tolist()] for field, vals in columns.items()}
              if keep_values else None)
    return LabelledParty(name, encodings, entity[kept], values)
