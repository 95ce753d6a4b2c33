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

SCHEMA_VERSION = 1
FieldKind = Literal["nik", "name", "birthdate", "sex"]
BlockingPart = Literal["birthdate", "birth_year", "sex", "name_code", "province"]
MIN_FILTER_BITS, MAX_FILTER_BITS = 64, 8192
_TOKENISERS_BY_KIND = {
    "nik": ("nik_digits",), "name": ("qgram", "exact"), "birthdate": ("date", "exact"),
    "sex": ("exact",),
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


Tokeniser = Annotated[
    QgramTokeniser | DateTokeniser | ExactTokeniser | DigitsTokeniser, Field(discriminator="kind")
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
    parts: Annotated[list[BlockingPart], Field(min_length=1)]


class LinkageSchema(_Model):
    schema_version: int = SCHEMA_VERSION
    project_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    filter_bits: Annotated[int, Field(ge=MIN_FILTER_BITS, le=MAX_FILTER_BITS)] = 1024
    fields: Annotated[list[FieldSpec], Field(min_length=1)]
    identity_field: str | None = "nik"
    blocking: list[BlockingKey] = Field(default_factory=list)
    stratum: Literal["province"] | None = None
    hardening: Hardening = Hardening()

    @model_validator(mode="after")
    def _consistent(self) -> LinkageSchema:
        if self.schema_version != SCHEMA_VERSION:
            raise ValueError(f"schema_version {self.schema_version} is not supported (use 1)")
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError("field names must be unique")
        kinds = [f.kind for f in self.fields]
        if len(set(kinds)) != len(kinds):
            raise ValueError("each field kind (nik, name, birthdate, sex) may appear once")
        if self.identity_field is not None and self.field_named(self.identity_field) is None:
            raise ValueError(f"identity_field '{self.identity_field}' is not a field")
        if self.identity_field is not None and self.field_named(self.identity_field).kind != "nik":
            raise ValueError("identity_field must name the field of kind 'nik'")
        if len({b.name for b in self.blocking}) != len(self.blocking):
            raise ValueError("blocking key names must be unique")
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
        return self

    def field_named(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    def field_of_kind(self, kind: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.kind == kind), None)

    @property
    def encoded_bits(self) -> int:
        """Length of the filter in the encoding file, after balancing and folding."""
        bits = self.filter_bits * (2 if self.hardening.balance else 1)
        return bits // 2 if self.hardening.xor_fold else bits

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
        raise SchemaError(f"not valid TOML ({exc})", path=source) from None
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
        raise SchemaError("schema file not found (create one with 'padan schema init')",
                          path=str(path)) from None
    except UnicodeDecodeError:
        raise SchemaError("schema file is not UTF-8 text", path=str(path)) from None
    return parse_schema(text, source=str(path))
