"""Raw values of one batch -> encoded records. Pure computation, no files.

Work is done once per distinct value where values repeat (names, words, dates, sex) and with
numpy over the whole batch where they do not (NIK digits, OR-ing the field filters).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from padan.encoder import hardening
from padan.encoder.bloom import TokenFilterCache, words_for
from padan.encoder.encoding_file import (
    FLAG_BIRTHDATE_MISSING,
    FLAG_BIRTHDATE_PLACEHOLDER,
    FLAG_NIK_BIRTHDATE_DISAGREE,
    FLAG_NIK_VALID,
    new_records,
)
from padan.encoder.keys import derive_key
from padan.encoder.normalise import (
    Status,
    check_nik,
    name_code,
    normalise_birthdate,
    normalise_name,
    normalise_nik,
    normalise_sex,
)
from padan.encoder.quality import QualityReport
from padan.encoder.schema import FieldSpec, LinkageSchema
from padan.encoder.tokens import (
    NIK_FUZZY_POSITIONS,
    date_tokens,
    exact_tokens,
    name_qgrams,
    nik_digit_tokens,
    word_qgrams,
)

_USABLE = (Status.VALID, Status.REPAIRED)
_CACHE_LIMIT = 500_000  # distinct raw values remembered per field within a run


@dataclass(frozen=True, slots=True)
class EncodedBatch:
    records: np.ndarray  # encoding_file record dtype; pseudo_id still 0
    rows: np.ndarray  # int64 source row number of each record
    quality: QualityReport


def keyed_token64(key: bytes, text: str) -> int:
    """A keyed 64-bit token (BLAKE2b PRF); 0 is reserved for 'none'."""
    digest = hashlib.blake2b(text.encode(), key=key, digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value or 1


class _Distinct:
    """Index of distinct values within a run, with their normalised result."""

    def __init__(self, normalise):
        self.normalise = normalise
        self.results: dict[object, object] = {}

    def get(self, raw: object):
        try:
            return self.results[raw]
        except KeyError:
            pass
        except TypeError:  # unhashable: normalise directly
            return self.normalise(raw)
        if len(self.results) >= _CACHE_LIMIT:
            self.results.clear()
        result = self.results[raw] = self.normalise(raw)
        return result


class RecordEncoder:
    """Encodes batches for one schema and secret. One instance per process and run."""

    def __init__(self, schema: LinkageSchema, secret: bytes):
        self.schema = schema
        bits, project = schema.filter_bits, schema.project_id
        self._fields: dict[str, FieldSpec] = {f.kind: f for f in schema.fields}
        self._caches = {
            f.kind: TokenFilterCache(derive_key(secret, project, f"field:{f.name}"),
                                     f.bits_per_token, bits)
            for f in schema.fields if f.bits_per_token
        }
        self._identity_key = derive_key(secret, project, "identity")
        self._block_keys = [derive_key(secret, project, f"block:{b.name}") for b in schema.blocking]
        self._hardening_keys = {step: derive_key(secret, project, f"hardening:{step}")
                                for step in ("balance", "blip")}
        self._distinct = {"name": _Distinct(normalise_name), "birthdate":
                          _Distinct(normalise_birthdate), "sex": _Distinct(normalise_sex)}
        self._value_filters: dict[tuple, np.ndarray] = {}
        self._block_tokens: list[dict[str, int]] = [{} for _ in schema.blocking]
        self._words = words_for(bits)
        self._nik_table = self._digit_table() if "nik" in self._caches else None

    # -- per field ------------------------------------------------------------------------

    def _digit_table(self) -> np.ndarray:
        """Filters of every 'position:digit' token: (positions, 10, words)."""
        cache = self._caches["nik"]
        return np.stack([np.stack([cache.token(f"{p}:{d}") for d in "0123456789"])
                         for p in NIK_FUZZY_POSITIONS])

    def _filter_of(self, kind: str, tokens_key: tuple, make_tokens) -> np.ndarray:
        key = (kind, *tokens_key)
        found = self._value_filters.get(key)
        if found is None:
            if len(self._value_filters) >= _CACHE_LIMIT:
                self._value_filters.clear()
            found = self._caches[kind].tokens(make_tokens())
            self._value_filters[key] = found
        return found

    def _name_filter(self, name: str, salt: str) -> np.ndarray:
        spec = self._fields["name"]
        q = spec.tokeniser.q if spec.tokeniser.kind == "qgram" else 2
        if spec.tokeniser.kind != "qgram":
            return self._filter_of("name", (name, salt), lambda: [salt + t for t in
                                                                  exact_tokens(name)])
        out = self._caches["name"].empty.copy()
        for word in name.split():  # per-word filters: words repeat far more than whole names
            out |= self._filter_of("name", ("w", word, salt),
                                   lambda w=word: [salt + t for t in word_qgrams(w, q)])
        return out

    def _tokens_for(self, spec: FieldSpec, value, placeholder: bool = False) -> list[str]:
        kind = spec.tokeniser.kind
        if kind == "date":
            return date_tokens(value, placeholder=placeholder)
        if kind == "nik_digits":
            return nik_digit_tokens(value)
        if kind == "qgram":
            return sorted(name_qgrams(value, spec.tokeniser.q))
        return exact_tokens(None if value is None else str(value))

    # -- the batch ------------------------------------------------------------------------

    def encode(self, columns: dict[str, Sequence[object]], rows: np.ndarray) -> EncodedBatch:
        n = len(rows)
        quality = QualityReport(rows_read=n)
        by_kind = {f.kind: columns.get(f.name) for f in self.schema.fields}
        empty = [None] * n

        niks = [normalise_nik(v) for v in by_kind["nik"]] if by_kind.get("nik") else None
        names = [self._distinct["name"].get(v) for v in by_kind.get("name") or empty]
        dates = [self._distinct["birthdate"].get(v) for v in by_kind.get("birthdate") or empty]
        sexes = [self._distinct["sex"].get(v) for v in by_kind.get("sex") or empty]

        filters = np.zeros((n, self._words), dtype=np.uint64)
        identity = np.zeros(n, dtype=np.uint64)
        stratum = np.zeros(n, dtype=np.uint16)
        flags = np.zeros(n, dtype=np.uint16)
        blocks = np.zeros((n, len(self.schema.blocking)), dtype=np.uint64)
        keep = np.ones(n, dtype=bool)
        salts = {f.kind: f.salt_with for f in self.schema.fields}
        fields = self._fields

        for i in range(n):
            row = int(rows[i])
            name, date, sex = names[i], dates[i], sexes[i]
            nik = niks[i] if niks is not None else None
            name_value = name.value if name.status in _USABLE else None
            date_value = date.value if date.status in _USABLE else None
            sex_value = sex.value if sex.status in _USABLE else None
            placeholder = bool(date_value is not None and date.placeholder)
            parts = {
                "birthdate": date_value.isoformat() if date_value else None,
                "birth_year": str(date_value.year) if date_value else None,
                "sex": sex_value,
                "name_code": name_code(name_value) if name_value else None,
                "province": None,
            }
            record_flags = 0
            has_evidence = name_value is not None or date_value is not None
            if nik is not None:
                if nik.status in _USABLE and nik.value:
                    identity[i] = keyed_token64(self._identity_key, nik.value)
                    record_flags |= FLAG_NIK_VALID
                    if nik.province:
                        stratum[i] = nik.province
                        parts["province"] = f"{nik.province:02d}"
                has_evidence = has_evidence or bool(nik.fuzzy_digits)
                check = check_nik(nik, date_value, sex_value)
                if check.birthdate_agrees is False:
                    record_flags |= FLAG_NIK_BIRTHDATE_DISAGREE
                    quality.nik_birthdate_disagree += 1
                if check.sex_agrees is False:
                    quality.nik_sex_disagree += 1
            if placeholder:
                record_flags |= FLAG_BIRTHDATE_PLACEHOLDER
                quality.placeholder_birthdates += 1
            if date_value is None:
                record_flags |= FLAG_BIRTHDATE_MISSING
            flags[i] = record_flags

            for kind, result in (("nik", nik), ("name", name), ("birthdate", date), ("sex", sex)):
                spec = fields.get(kind)
                if spec is None or result is None:
                    continue
                quality.count(spec.name, str(result.status), result.note)
                if spec.required and result.status not in _USABLE:
                    reason = result.note or str(result.status)
                    quality.add_bad_row(row, spec.name, f"{result.status}: {reason}")

            if not has_evidence:
                keep[i] = False
                quality.rows_skipped += 1
                continue

            record_filter = filters[i]
            if name_value is not None and "name" in self._caches:
                salt = _salt(parts, salts.get("name"))
                record_filter |= self._name_filter(name_value, salt)
            if date_value is not None and "birthdate" in self._caches:
                salt = _salt(parts, salts.get("birthdate"))
                record_filter |= self._filter_of(
                    "birthdate", (date_value, placeholder, salt),
                    lambda d=date_value, p=placeholder, s=salt:
                    [s + t for t in self._tokens_for(fields["birthdate"], d, p)])
            if sex_value is not None and "sex" in self._caches:
                salt = _salt(parts, salts.get("sex"))
                record_filter |= self._filter_of(
                    "sex", (sex_value, salt),
                    lambda v=sex_value, s=salt: [s + t for t in exact_tokens(v)])
            for b, spec in enumerate(self.schema.blocking):
                values = [parts[p] for p in spec.parts]
                if all(values):
                    key_text = "|".join(values)
                    cache = self._block_tokens[b]
                    token = cache.get(key_text)
                    if token is None:
                        if len(cache) >= _CACHE_LIMIT:
                            cache.clear()
                        token = cache[key_text] = keyed_token64(self._block_keys[b], key_text)
                    blocks[i, b] = token

        if niks is not None and self._nik_table is not None:
            filters |= self._nik_filters(niks)

        filters, keep_idx = filters[keep], np.flatnonzero(keep)
        filters = self._harden(filters)
        records = new_records(len(keep_idx), filters.shape[1], len(self.schema.blocking))
        records["filter"] = filters
        records["identity"] = identity[keep_idx]
        records["stratum"] = stratum[keep_idx]
        records["flags"] = flags[keep_idx]
        records["blocks"] = blocks[keep_idx]
        quality.rows_encoded = len(keep_idx)
        return EncodedBatch(records=records, rows=np.asarray(rows)[keep_idx].astype(np.int64),
                            quality=quality)

    def _nik_filters(self, niks) -> np.ndarray:
        """OR of the positional-digit token filters, vectorised over all full-length NIKs."""
        out = np.zeros((len(niks), self._words), dtype=np.uint64)
        full = [i for i, r in enumerate(niks) if r.fuzzy_digits and len(r.fuzzy_digits) == 16]
        if full:
            text = "".join(niks[i].fuzzy_digits for i in full).encode("ascii")
            digits = (np.frombuffer(text, dtype=np.uint8).reshape(-1, 16) - ord("0"))
            digits = digits[:, list(NIK_FUZZY_POSITIONS)].astype(np.intp)
            gathered = self._nik_table[np.arange(len(NIK_FUZZY_POSITIONS)), digits]
            out[full] = np.bitwise_or.reduce(gathered, axis=1)
        cache = self._caches["nik"]
        for i, r in enumerate(niks):
            if r.fuzzy_digits and len(r.fuzzy_digits) != 16:
                out[i] = cache.tokens(nik_digit_tokens(r.fuzzy_digits))
        return out

    def _harden(self, filters: np.ndarray) -> np.ndarray:
        steps, bits = self.schema.hardening, self.schema.filter_bits
        if steps.balance:
            filters = hardening.balance(filters, bits, self._hardening_keys["balance"])
            bits *= 2
        if steps.xor_fold:
            filters = hardening.xor_fold(filters, bits)
            bits //= 2
        if steps.rule90:
            filters = hardening.rule90(filters, bits)
        if steps.blip_epsilon > 0:
            filters = hardening.blip(filters, bits, self._hardening_keys["blip"],
                                     steps.blip_epsilon)
        return filters


def _salt(parts: dict[str, str | None], salt_with: str | None) -> str:
    """Attribute-specific salt prefix ('' when the field is not salted)."""
    if salt_with is None:
        return ""
    return f"{parts.get(salt_with) or ''}\x1f"
