"""The linkage schema: one versioned TOML file that every agency of a project encodes with.

Only settings that change the encoded bits enter the fingerprint (SHA-256 of a canonical JSON
form); column aliases and descriptions do not, so an agency may add its own column names without
being refused by the linker.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from padan.encoder.errors import SchemaError
from padan.i18n import _

SCHEMA_VERSION = 2
# The four kinds the filter, the blocking keys and the NIK checks are built around: at most one
# field of each. The others (generic and Indonesian, docs/schema.md) may repeat.
CORE_KINDS = ("nik", "name", "birthdate", "sex")
FieldKind = Literal[
    "nik", "name", "birthdate", "sex",
    "text", "exact", "date", "digits", "number",
    "birthplace", "address", "village", "district", "regency", "mother_name", "kk",
]  # fmt: skip
# "birthdate" leaves placeholder dates (1 Jul, 31 Dec, 1 Jan) out of a key; "birthdate_any" keeps
# them, for keys that salt a segment (a person recorded on 1 July is so recorded on every list).
BlockingPart = Literal["birthdate", "birthdate_any", "birth_year", "sex", "name_code", "province"]
BLOCKING_PARTS = BlockingPart.__args__
# Kinds a schema's identity_field may have: the NIK, or another number issued to one person (a
# card or member number; FEBRL's soc_sec_id) where a list has no NIK.
IDENTITY_KINDS = ("nik", "kk", "digits", "exact")
# The salt of a segment: the identity field's keyed token, or the token of a blocking key.
IDENTITY_SALT = "identity"
MIN_FILTER_BITS, MAX_FILTER_BITS = 64, 8192
_TOKENISERS_BY_KIND = {
    "nik": ("nik_digits",), "name": ("qgram", "exact"), "birthdate": ("date", "exact"),
    "sex": ("exact",),
    "text": ("qgram", "exact"), "exact": ("exact",), "date": ("date", "exact"),
    "digits": ("positions", "exact"), "number": ("number", "exact"),
    "birthplace": ("qgram", "exact", "region"), "regency": ("qgram", "exact", "region"),
    "village": ("qgram", "exact"), "district": ("qgram", "exact"),
    "address": ("address", "qgram", "exact"), "mother_name": ("qgram", "exact"),
    "kk": ("positions", "exact"),
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QgramTokeniser(_Model):
    """Padded character q-grams of every word: tolerant of typos and word order."""

    kind: Literal["qgram"] = "qgram"
    q: Annotated[int, Field(ge=1, le=4)] = 2


class DateTokeniser(_Model):
    """Day, month and year tokens, plus the unordered day-month pair that survives a swap."""

    kind: Literal["date"] = "date"


class ExactTokeniser(_Model):
    """The whole normalised value as one token."""

    kind: Literal["exact"] = "exact"


class DigitsTokeniser(_Model):
    """Positional digits of the NIK outside its date part (region and serial): survives typos."""

    kind: Literal["nik_digits"] = "nik_digits"


class PositionsTokeniser(_Model):
    """Every digit with its position (a KK number, a code): survives a typo in one digit."""

    kind: Literal["positions"] = "positions"


class NumberTokeniser(_Model):
    """Two offset grids of width `step`: numbers closer than step/2 share a token."""

    kind: Literal["number"] = "number"
    step: Annotated[float, Field(gt=0, allow_inf_nan=False)] = 1.0


class AddressTokeniser(_Model):
    """q-grams of the address's words, with RT, RW and house number as tokens of their own."""

    kind: Literal["address"] = "address"
    q: Annotated[int, Field(ge=1, le=4)] = 2


class RegionTokeniser(_Model):
    """The place's name, plus its Kemendagri code where the shipped table has it."""

    kind: Literal["region"] = "region"


Tokeniser = Annotated[
    QgramTokeniser | DateTokeniser | ExactTokeniser | DigitsTokeniser | PositionsTokeniser
    | NumberTokeniser | AddressTokeniser | RegionTokeniser,
    Field(discriminator="kind"),
]


class FieldSpec(_Model):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    kind: FieldKind
    aliases: list[str] = Field(default_factory=list)
    required: bool = True
    tokeniser: Tokeniser
    bits_per_token: Annotated[int, Field(ge=0, le=64)] = 10
    # Attribute-specific salting: the tokens of this field are keyed with the value of another
    # field (e.g. birth year), so equal names in different cohorts set unrelated bits.
    salt_with: BlockingPart | None = None

    def encoding_settings(self) -> dict:
        return self.model_dump(exclude={"aliases", "required"})


class Hardening(_Model):
    """Optional steps against attacks on the filters; see docs/schema.md for what each defends."""

    balance: bool = False
    xor_fold: bool = False
    rule90: bool = False
    blip_epsilon: Annotated[float, Field(ge=0, le=50)] = 0.0


class BlockingKey(_Model):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    # the parts above, or the name of a field of the other kinds: its normalised value (a
    # postcode, a card number), so that a segment can be salted with something other than the
    # birthdate and a pair with a mistyped birthdate is still compared
    parts: Annotated[list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]],
                     Field(min_length=1)]


class Segment(_Model):
    """One part of each record's filter: some fields' tokens, all salted with one per-record value.

    With `salt`, every token is hashed together with the record's identity token or the token of
    the named blocking key, so the same name sets unrelated bits for people of different
    birthdates (or NIKs): a pattern-mining attacker finds no bit pattern shared across the list,
    and the linker compares a segment only between records with the same salt (docs/schema.md).
    """

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    fields: Annotated[list[str], Field(min_length=1)]
    salt: str | None = None
    bits: Annotated[int, Field(ge=MIN_FILTER_BITS, le=MAX_FILTER_BITS, multiple_of=64)] = 1024
    # "compare": scored in its own pass. "veto": never scored alone; a pair found in a pass of
    # another segment with the same salt is refused when both records have this segment and its
    # Dice is below the linker's veto_threshold (two different NIKs of the same birthdate).
    purpose: Literal["compare", "veto"] = "compare"
    # Bits a record's tokens set together in this segment (shared out over them; the fields'
    # bits_per_token are then unused here): the weight no longer tells the name's length.
    record_bits: Annotated[int, Field(ge=8, le=4096)] | None = None


class LinkageSchema(_Model):
    schema_version: int = SCHEMA_VERSION
    project_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    filter_bits: Annotated[int, Field(ge=MIN_FILTER_BITS, le=MAX_FILTER_BITS)] = 1024
    fields: Annotated[list[FieldSpec], Field(min_length=1)]
    identity_field: str | None = "nik"
    blocking: list[BlockingKey] = Field(default_factory=list)
    # a coarse stratum carried in each record for the report's breakdowns: the NIK's province
    # (PP) or its regency or city (PPKK, e.g. 3171); None publishes none
    stratum: Literal["province", "regency"] | None = None
    hardening: Hardening = Hardening()
    # Without segments the filter is one record-level filter of filter_bits holding every field.
    segments: list[Segment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> LinkageSchema:
        if self.schema_version == 1:
            raise ValueError(
                "schema_version 1 is no longer read (this padan reads version 2): its default "
                "encoding leaks names to a pattern-mining attack (docs/threat-model.md); write a "
                "new schema with 'padan schema init' and re-encode every list")
        if self.schema_version != SCHEMA_VERSION:
            raise ValueError(f"schema_version {self.schema_version} is not supported (this padan "
                             f"reads version {SCHEMA_VERSION})")
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError("field names must be unique")
        kinds = [f.kind for f in self.fields if f.kind in CORE_KINDS]
        if len(set(kinds)) != len(kinds):
            raise ValueError("each field kind nik, name, birthdate and sex may appear once "
                             "(the other kinds any number of times)")
        if self.identity_field is not None and self.field_named(self.identity_field) is None:
            raise ValueError(f"identity_field '{self.identity_field}' is not a field")
        if (self.identity_field is not None
                and self.field_named(self.identity_field).kind not in IDENTITY_KINDS):
            raise ValueError("identity_field must name a field of kind "
                             f"{', '.join(IDENTITY_KINDS)}")
        if len({b.name for b in self.blocking}) != len(self.blocking):
            raise ValueError("blocking key names must be unique")
        for key in self.blocking:
            for part in key.parts:
                spec = self.field_named(part)
                if part not in BLOCKING_PARTS and (spec is None or spec.kind in CORE_KINDS):
                    raise ValueError(
                        f"blocking key '{key.name}': part '{part}' is none of "
                        f"{', '.join(BLOCKING_PARTS)} and no field of the other kinds")
        if self.hardening.xor_fold and self.filter_bits % 128:
            raise ValueError("xor_fold needs filter_bits divisible by 128 (the result is half)")
        for spec in self.fields:
            allowed = _TOKENISERS_BY_KIND[spec.kind]
            if spec.tokeniser.kind not in allowed:
                raise ValueError(f"field '{spec.name}' of kind {spec.kind} takes a tokeniser of "
                                 f"kind {' or '.join(allowed)}, not {spec.tokeniser.kind}")
            if spec.kind == "nik" and spec.salt_with is not None:
                raise ValueError("the nik field cannot be salted (its digits are encoded "
                                 "positionally); salt the name or birthdate instead")
        if not any(f.bits_per_token for f in self.fields):
            raise ValueError("at least one field must set bits in the filter (bits_per_token > 0)")
        self._check_segments()
        return self

    def _check_segments(self) -> None:
        if not self.segments:
            return
        if len({s.name for s in self.segments}) != len(self.segments):
            raise ValueError("segment names must be unique")
        steps = self.hardening
        if steps.balance or steps.xor_fold or steps.rule90 or steps.blip_epsilon:
            raise ValueError("hardening steps work on one record-level filter; a schema with "
                             "segments takes none (salting is its defence)")
        keys = {b.name for b in self.blocking}
        for segment in self.segments:
            for name in segment.fields:
                spec = self.field_named(name)
                if spec is None:
                    raise ValueError(f"segment '{segment.name}' names no field '{name}'")
                if not spec.bits_per_token:
                    raise ValueError(f"field '{name}' of segment '{segment.name}' sets no bits "
                                     "(bits_per_token = 0)")
                if spec.salt_with is not None:
                    raise ValueError(f"field '{name}': salt_with is for schemas without "
                                     "segments; salt the segment instead")
            if segment.salt == IDENTITY_SALT and self.identity_field is None:
                raise ValueError(f"segment '{segment.name}' is salted with the identity token "
                                 "but the schema has no identity_field")
            if segment.salt not in (None, IDENTITY_SALT) and segment.salt not in keys:
                raise ValueError(f"segment '{segment.name}': salt must be 'identity' or the name "
                                 f"of a blocking key, not '{segment.salt}'")
            if segment.purpose == "veto" and not any(
                    other.purpose == "compare" and other.salt == segment.salt
                    for other in self.segments):
                raise ValueError(f"veto segment '{segment.name}' needs a compare segment with "
                                 "the same salt")

    @property
    def salt_keys(self) -> set[str]:
        """Blocking keys that salt a segment (compared in their segment's pass only)."""
        return {s.salt for s in self.segments if s.salt not in (None, IDENTITY_SALT)}

    def field_named(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def field_of_kind(self, kind: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.kind == kind), None)

    @property
    def encoded_bits(self) -> int:
        """Length of the filter in the encoding file, after balancing and folding."""
        if self.segments:
            return sum(s.bits for s in self.segments)
        bits = self.filter_bits * (2 if self.hardening.balance else 1)
        return bits // 2 if self.hardening.xor_fold else bits

    def segment_layout(self) -> list[dict]:
        """Where each segment lies in the encoded filter (the encoding header's `segments`)."""
        layout, start = [], 0
        for segment in self.segments:
            layout.append({"name": segment.name, "start": start, "bits": segment.bits,
                           "salt": segment.salt, "purpose": segment.purpose,
                           "fields": list(segment.fields),
                           "kinds": [self.field_named(name).kind for name in segment.fields]})
            start += segment.bits
        return layout

    def canonical_json(self) -> str:
        body = self.model_dump(exclude={"fields"})
        body["fields"] = [f.encoding_settings() for f in self.fields]
        return json.dumps(body, sort_keys=True, separators=(",", ":"))

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()


def parse_schema(text: str, *, source: str = "<schema>") -> LinkageSchema:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(_("not valid TOML ({reason})").format(reason=exc),
                          path=source) from None
    try:
        return LinkageSchema.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        setting = ".".join(str(p) for p in first["loc"]) or None
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise SchemaError(first["msg"] + more, path=source, setting=setting) from None


def load_schema(path: Path) -> LinkageSchema:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemaError(_("schema file not found (create one with 'padan schema init')"),
                          path=str(path)) from None
    except UnicodeDecodeError:
        raise SchemaError(_("schema file is not UTF-8 text"), path=str(path)) from None
    return parse_schema(text, source=str(path))
