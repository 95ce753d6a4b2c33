"""Raw values of one batch -> encoded records. Pure computation, no files.

Work is done once per distinct value where values repeat (names, words, dates, sex) and with
numpy over the whole batch where they do not (NIK digits, OR-ing the field filters).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from padan.encoder import hardening
from padan.encoder.batch_tables import (
    CACHE_LIMIT,
    DistinctColumn,
    DistinctValues,
    KeyedTokens,
    NikFacts,
    RowTable,
)
from padan.encoder.bloom import TokenFilterCache, words_for
from padan.encoder.encoding_file import (
    FLAG_BIRTHDATE_MISSING,
    FLAG_BIRTHDATE_PLACEHOLDER,
    FLAG_NIK_BIRTHDATE_DISAGREE,
    FLAG_NIK_VALID,
    new_records,
)
from padan.encoder.keys import derive_key
from padan.encoder.nik_columns import nik_token_lists, scan_nik_column
from padan.encoder.normalise import (
    FieldResult,
    Status,
    name_code,
    normalise_birthdate,
    normalise_name,
    normalise_nik,
    normalise_sex,
)
from padan.encoder.normalise.fields import normaliser_for
from padan.encoder.quality import QualityReport
from padan.encoder.schema import CORE_KINDS, IDENTITY_SALT, FieldSpec, LinkageSchema
from padan.encoder.segment_kernel import segment_filters
from padan.encoder.segments import FieldTokens, SaltedPositions
from padan.encoder.tokens import (
    NIK_FUZZY_POSITIONS,
    date_tokens,
    exact_tokens,
    field_tokens,
    name_qgrams,
    nik_digit_tokens,
    word_qgrams,
)

_USABLE = (Status.VALID, Status.REPAIRED)


@dataclass(frozen=True, slots=True)
class ExtraColumn:
    """A field of the other kinds in one batch: its distinct values and their tokens."""

    column: DistinctColumn
    token_lists: list[list[bytes]]   # per distinct value


@dataclass(frozen=True, slots=True)
class EncodedBatch:
    records: np.ndarray  # encoding_file record dtype; pseudo_id still 0
    rows: np.ndarray  # int64 source row number of each record
    quality: QualityReport


class RecordEncoder:
    """Encodes batches for one schema and secret. One instance per process and run."""

    def __init__(self, schema: LinkageSchema, secret: bytes):
        self.schema = schema
        bits, project = schema.filter_bits, schema.project_id
        self._fields: dict[str, FieldSpec] = {f.kind: f for f in schema.fields
                                               if f.kind in CORE_KINDS}
        self._caches = {
            f.kind: TokenFilterCache(derive_key(secret, project, f"field:{f.name}"),
                                     f.bits_per_token, bits)
            for f in self._fields.values() if f.bits_per_token and not schema.segments
        }
        # fields of the other kinds (any number, docs/schema.md): by field name
        self._extras = [f for f in schema.fields if f.kind not in CORE_KINDS]
        # fields of the other kinds that a blocking key takes as a part (their values as text)
        self._part_fields = sorted({p for b in schema.blocking for p in b.parts
                                    if p in {f.name for f in self._extras}})
        self._extra_caches = {
            f.name: TokenFilterCache(derive_key(secret, project, f"field:{f.name}"),
                                     f.bits_per_token, bits)
            for f in self._extras if f.bits_per_token and not schema.segments
        }
        self._extra_distinct = {f.name: DistinctValues(normaliser_for(f.kind))
                                for f in self._extras}
        # per segment: (segment, [(field spec, keyed positions)])
        self._segments = [
            (segment, [(schema.field_named(name), SaltedPositions(
                derive_key(secret, project, f"segment:{segment.name}:{name}"),
                schema.field_named(name).bits_per_token, segment.bits))
                for name in segment.fields])
            for segment in schema.segments]
        self._identity_token = KeyedTokens(derive_key(secret, project, "identity"))
        self._block_tokeners = [KeyedTokens(derive_key(secret, project, f"block:{b.name}"))
                                for b in schema.blocking]
        self._hardening_keys = {step: derive_key(secret, project, f"hardening:{step}")
                                for step in ("balance", "blip")}
        self._distinct = {"name": DistinctValues(normalise_name), "birthdate":
                          DistinctValues(normalise_birthdate), "sex": DistinctValues(normalise_sex)}
        self._value_filters: dict[tuple, np.ndarray] = {}
        self._block_tokens: list[dict[str, int]] = [{} for _ in schema.blocking]
        self._words = words_for(bits)
        self._nik_table = self._digit_table() if "nik" in self._caches else None
        self._zero = np.zeros(self._words, dtype=np.uint64)
        self._name_codes: dict[str, str] = {}
        self._name_tokens: dict[str, list[bytes]] = {}   # a segment's bigrams per name
        self._word_filters = RowTable(self._words)
        self._date_tables = RowTable(self._words)

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
            if len(self._value_filters) >= CACHE_LIMIT:
                self._value_filters.clear()
            found = self._caches[kind].tokens(make_tokens())
            self._value_filters[key] = found
        return found

    def _name_filters(self, names: list[str], salts: list[str]) -> np.ndarray:
        """Filters of many names at once: OR of cached per-word filters (words repeat far
        more than whole names), gathered and reduced with numpy."""
        spec = self._fields["name"]
        if spec.tokeniser.kind != "qgram":
            return np.stack([self._filter_of("name", (name, salt), lambda n=name, s=salt:
                                             [s + t for t in exact_tokens(n)])
                             for name, salt in zip(names, salts, strict=True)])
        q = spec.tokeniser.q
        cache, words = self._caches["name"], self._word_filters
        flat: list[int] = []
        offsets: list[int] = []
        known = words.rows.get
        for name, salt in zip(names, salts, strict=True):
            offsets.append(len(flat))
            for word in name.split():
                key = (word, salt) if salt else word  # no tuple for the common unsalted case
                row = known(key)
                if row is None:
                    row = words.row(key, lambda w=word, s=salt:
                                    cache.tokens([s + t for t in word_qgrams(w, q)]))
                flat.append(row)
        return np.bitwise_or.reduceat(words.filters[flat], offsets, axis=0)

    @staticmethod
    def _birthdate_tokens(spec: FieldSpec, value, placeholder: bool) -> list[str]:
        """Tokens of a birthdate on the per-value path (salted, or the exact tokeniser)."""
        if spec.tokeniser.kind == "date":
            return date_tokens(value, placeholder=placeholder)
        return exact_tokens(str(value))

    # -- the batch ------------------------------------------------------------------------

    def encode(self, columns: dict[str, Sequence[object]], rows: np.ndarray) -> EncodedBatch:
        """Encode one batch. Work is per distinct value; per record only numpy gathers."""
        n = len(rows)
        rows = np.asarray(rows, dtype=np.int64)
        quality = QualityReport(rows_read=n)
        by_kind = {f.kind: columns.get(f.name) for f in self._fields.values()}
        fields, salts = self._fields, {f.kind: f.salt_with for f in self._fields.values()}

        names = self._column("name", by_kind.get("name"), n, quality, rows)
        dates = self._column("birthdate", by_kind.get("birthdate"), n, quality, rows)
        sexes = self._column("sex", by_kind.get("sex"), n, quality, rows)
        nik = self._nik_column(by_kind.get("nik"), n, quality, rows)
        extras = {spec.name: self._extra_column(spec, columns.get(spec.name), n, quality, rows)
                  for spec in self._extras}
        identity = self.schema.identity_field
        if identity is not None and identity in extras:   # a number other than the NIK
            self._identity_of(extras[identity], nik)

        name_ok, date_ok, sex_ok = (c.usable[c.index] for c in (names, dates, sexes))
        # values per distinct entry, gathered per record only as small integers
        date_vals = [r.value if ok else None for r, ok in zip(dates.results, dates.usable,
                                                                   strict=True)]
        placeholder_d = np.array([bool(v is not None and r.placeholder) for r, v in
                                  zip(dates.results, date_vals, strict=True)], dtype=bool)
        placeholder = placeholder_d[dates.index] if n else np.zeros(0, bool)
        year_d = np.array([v.year if v else 0 for v in date_vals], dtype=np.int32)
        day_d = np.array([v.day if v else 0 for v in date_vals], dtype=np.int32)
        month_d = np.array([v.month if v else 0 for v in date_vals], dtype=np.int32)
        sex_female_d = np.array([r.value == "P" for r in sexes.results], dtype=bool)
        code_d = [self._name_code(r.value) if ok else None for r, ok in
                  zip(names.results, names.usable, strict=True)]

        flags = np.zeros(n, dtype=np.uint16)
        flags[nik.valid] |= FLAG_NIK_VALID
        flags[placeholder] |= FLAG_BIRTHDATE_PLACEHOLDER
        flags[~date_ok] |= FLAG_BIRTHDATE_MISSING
        known = nik.embedded & date_ok
        disagree = known & ((nik.day != day_d[dates.index]) | (nik.month != month_d[dates.index])
                            | (nik.yy != year_d[dates.index] % 100))
        flags[disagree] |= FLAG_NIK_BIRTHDATE_DISAGREE
        quality.nik_birthdate_disagree += int(disagree.sum())
        quality.nik_sex_disagree += int((nik.embedded & sex_ok & (
            nik.female != sex_female_d[sexes.index])).sum())
        quality.placeholder_birthdates += int(placeholder.sum())

        # blocking parts as per-record strings, built from distinct entries
        part_text = {
            # a placeholder date (1 Jul, 31 Dec, 1 Jan) is no evidence of the day: keys built
            # on the whole birthdate leave such records out instead of making giant blocks
            "birthdate": ([v.isoformat() if v and not ph else None for v, ph in
                           zip(date_vals, placeholder_d.tolist(), strict=True)], dates.index),
            "birthdate_any": ([v.isoformat() if v else None for v in date_vals], dates.index),
            "birth_year": ([str(v.year) if v else None for v in date_vals], dates.index),
            "sex": ([r.value if ok else None for r, ok in zip(sexes.results, sexes.usable,
                                                               strict=True)], sexes.index),
            "name_code": (code_d, names.index),
            "province": ([None, *(f"{p:02d}" for p in range(1, 100))], nik.province_index),
        }

        for name in self._part_fields:   # a field of the other kinds as a key part
            column = extras[name].column
            part_text[name] = ([r.value if ok else None for r, ok in zip(
                column.results, column.usable.tolist(), strict=True)], column.index)

        blocks = np.zeros((n, len(self.schema.blocking)), dtype=np.uint64)
        for b, spec in enumerate(self.schema.blocking):
            blocks[:, b] = self._block_column(b, [part_text[p] for p in spec.parts], n)

        filters = np.zeros((n, self._words), dtype=np.uint64)
        if self._segments:
            filters = self._segment_filters(names, dates, sexes, nik, blocks, placeholder_d,
                                            extras)
        if "name" in self._caches:
            filters |= self._salted_filters(
                names, part_text, salts.get("name"),
                lambda results, salt_list: self._name_filters([r.value for r in results],
                                                              salt_list))
        if ("birthdate" in self._caches and fields["birthdate"].tokeniser.kind == "date"
                and salts.get("birthdate") is None):
            filters |= self._date_filters(date_vals, placeholder_d)[dates.index]
        elif "birthdate" in self._caches:
            spec = fields["birthdate"]

            def date_filter(result, salt):
                key = (result.value, bool(result.placeholder), salt)
                return self._filter_of("birthdate", key, lambda: [
                    salt + t for t in self._birthdate_tokens(spec, result.value, key[1])])

            filters |= self._salted_filters(
                dates, part_text, salts.get("birthdate"),
                lambda results, salt_list: np.stack([date_filter(r, s) for r, s in
                                                     zip(results, salt_list, strict=True)]))
        if "sex" in self._caches:
            filters |= self._salted_filters(
                sexes, part_text, salts.get("sex"),
                lambda results, salt_list: np.stack([self._filter_of(
                    "sex", (r.value, s), lambda v=r.value, s=s: [s + t for t in exact_tokens(v)])
                    for r, s in zip(results, salt_list, strict=True)]))
        if self._nik_table is not None:
            filters |= self._nik_filters(nik)
        for spec in self._extras:
            if spec.name in self._extra_caches:
                filters |= self._extra_filters(spec, extras[spec.name], part_text)

        keep = name_ok | date_ok | nik.has_digits
        quality.rows_skipped += int((~keep).sum())
        keep_idx = np.flatnonzero(keep)
        hardened = self._harden(filters[keep_idx])
        records = new_records(len(keep_idx), hardened.shape[1], len(self.schema.blocking))
        records["filter"] = hardened
        records["identity"] = nik.identity[keep_idx]
        if self.schema.stratum == "province":   # a schema without a stratum publishes none
            records["stratum"] = nik.province[keep_idx]
        elif self.schema.stratum == "regency":
            records["stratum"] = nik.regency[keep_idx]
        records["flags"] = flags[keep_idx]
        records["blocks"] = blocks[keep_idx]
        quality.rows_encoded = len(keep_idx)
        return EncodedBatch(records=records, rows=rows[keep_idx], quality=quality)

    def _segment_filters(self, names: DistinctColumn, dates: DistinctColumn,
                         sexes: DistinctColumn, nik: NikFacts, blocks: np.ndarray,
                         placeholder_d: np.ndarray,
                         extras: dict[str, ExtraColumn]) -> np.ndarray:
        """The salted segments side by side: (n, words of all segments)."""
        n = len(nik.identity)
        key_column = {b.name: i for i, b in enumerate(self.schema.blocking)}
        tokens_of = {
            "name": (self._name_token_lists(names), names.index),
            "birthdate": ([[t.encode() for t in date_tokens(r.value, placeholder=bool(ph))]
                           if ok else [] for r, ok, ph in zip(dates.results, dates.usable,
                                                              placeholder_d.tolist(),
                                                              strict=True)], dates.index),
            "sex": ([[r.value.encode()] if ok else [] for r, ok in
                     zip(sexes.results, sexes.usable, strict=True)], sexes.index),
            "nik": nik_token_lists(nik.digits, nik.embedded & nik.has_digits, nik.partial),
        }
        # a veto needs whole NIKs: a truncated or Excel-damaged one lacks digits, and missing
        # digits must not read as disagreeing ones
        nik_lists, nik_index = tokens_of["nik"]
        tokens_of_whole = [*nik_lists, []]
        whole_nik = (tokens_of_whole, np.where(nik.valid, nik_index, len(nik_lists)))
        parts = []
        for segment, field_positions in self._segments:
            if segment.salt is None:    # unsalted: one constant salt for every record
                salts = np.ones(n, np.uint64)
            elif segment.salt == IDENTITY_SALT:
                salts = nik.identity
            else:
                salts = blocks[:, key_column[segment.salt]]
            fields = [FieldTokens(positions, *whole_nik)
                      if spec.kind == "nik" and segment.purpose == "veto"
                      else FieldTokens(positions, *tokens_of[spec.kind])
                      if spec.kind in CORE_KINDS
                      else FieldTokens(positions, extras[spec.name].token_lists,
                                       extras[spec.name].column.index)
                      for spec, positions in field_positions]
            parts.append(segment_filters(np.asarray(salts, np.uint64), fields, segment.bits,
                                         segment.record_bits))
        return np.concatenate(parts, axis=1) if parts else np.zeros((n, 0), np.uint64)

    def _name_token_lists(self, names: DistinctColumn) -> list[list[bytes]]:
        spec = self._fields["name"]
        if spec.tokeniser.kind != "qgram":
            return [[r.value.encode()] if ok else [] for r, ok in
                    zip(names.results, names.usable, strict=True)]
        q, cache = spec.tokeniser.q, self._name_tokens
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        out = []
        for result, ok in zip(names.results, names.usable.tolist(), strict=True):
            if not ok:
                out.append([])
                continue
            tokens = cache.get(result.value)
            if tokens is None:    # the order of a record's tokens sets no other bits
                tokens = cache[result.value] = [t.encode() for t in name_qgrams(result.value, q)]
            out.append(tokens)
        return out

    def _date_filters(self, values: list, placeholder: np.ndarray) -> np.ndarray:
        """Date filters per distinct date from per-token tables: the OR of the day, month, year
        and day-month-pair token filters (year only for a placeholder), as date_tokens says."""
        out = np.zeros((len(values), self._words), dtype=np.uint64)
        present = np.array([v is not None for v in values], dtype=bool)
        if not present.any():
            return out
        day = np.array([v.day if v else 0 for v in values], dtype=np.intp)
        month = np.array([v.month if v else 0 for v in values], dtype=np.intp)
        year = np.array([v.year if v else 0 for v in values], dtype=np.intp)
        tables = self._date_tables
        years = {y: tables.row(("y", y), lambda y=y: self._date_token(f"y{y:04d}"))
                 for y in np.unique(year[present]).tolist()}
        out[present] = tables.filters[[years[y] for y in year[present].tolist()]]
        full = present & ~placeholder
        if full.any():
            low, high = np.minimum(day, month), np.maximum(day, month)
            parts = [
                [tables.row(("d", d), lambda d=d: self._date_token(f"d{d:02d}")) for d in
                 day[full].tolist()],
                [tables.row(("m", m), lambda m=m: self._date_token(f"m{m:02d}")) for m in
                 month[full].tolist()],
                [tables.row(("p", lo, hi), lambda lo=lo, hi=hi: self._date_token(
                    f"p{lo:02d}{hi:02d}")) for lo, hi in zip(low[full].tolist(),
                                                             high[full].tolist(), strict=True)],
            ]
            for rows in parts:
                out[full] |= tables.filters[rows]
        return out

    def _date_token(self, token: str) -> np.ndarray:
        return self._caches["birthdate"].tokens([token])

    def _name_code(self, name: str) -> str:
        """name_code depends on the first word only: cached per first word within the run."""
        first = name.split(" ", 1)[0]
        code = self._name_codes.get(first)
        if code is None:
            if len(self._name_codes) >= CACHE_LIMIT:
                self._name_codes.clear()
            code = self._name_codes[first] = name_code(first)
        return code

    def _column(self, kind: str, values, n: int, quality: QualityReport,
                rows: np.ndarray) -> DistinctColumn:
        """Distinct values of one field in the batch, normalised once each (cached per run)."""
        spec = self._fields.get(kind)
        if spec is None or values is None:
            values = [None] * n
        index = {v: i for i, v in enumerate(dict.fromkeys(values))}
        positions = np.fromiter(map(index.__getitem__, values), dtype=np.intp, count=n)
        cache = self._distinct[kind]
        results = [cache.get(raw) for raw in index]
        usable = np.array([r.status in _USABLE for r in results], dtype=bool)
        if spec is not None:
            _count(spec, results, positions, usable, rows, quality)
        return DistinctColumn(results=results, index=positions, usable=usable)

    def _extra_column(self, spec: FieldSpec, values, n: int, quality: QualityReport,
                      rows: np.ndarray) -> ExtraColumn:
        """A field of the other kinds: distinct values normalised once, counted in the quality
        report (never printed), and their tokens. A value that is not usable has no tokens,
        except the digits a positional tokeniser can still compare (a KK that lost its 16th
        digit in Excel)."""
        if values is None:
            values = [None] * n
        index = {v: i for i, v in enumerate(dict.fromkeys(values))}
        positions = np.fromiter(map(index.__getitem__, values), dtype=np.intp, count=n)
        cache = self._extra_distinct[spec.name]
        results = [cache.get(raw) for raw in index]
        usable = np.array([r.status in _USABLE for r in results], dtype=bool)
        _count(spec, results, positions, usable, rows, quality)
        partial_ok = spec.tokeniser.kind == "positions"
        token_lists = [
            [t.encode() for t in field_tokens(spec.tokeniser, r)]
            if ok or (partial_ok and isinstance(r, FieldResult) and r.partial) else []
            for r, ok in zip(results, usable.tolist(), strict=True)]
        return ExtraColumn(DistinctColumn(results=results, index=positions, usable=usable),
                           token_lists)

    def _extra_filters(self, spec: FieldSpec, extra: ExtraColumn, part_text: dict
                       ) -> np.ndarray:
        """Record-level filters of one field of the other kinds, per distinct (value, salt)."""
        cache = self._extra_caches[spec.name]
        column = extra.column
        has_tokens = np.array([bool(t) for t in extra.token_lists], dtype=bool)
        lists = {id(r): t for r, t in zip(column.results, extra.token_lists, strict=True)}

        def make_many(results, salt_list):
            return np.stack([cache.tokens([s + t.decode() for t in lists[id(r)]])
                             for r, s in zip(results, salt_list, strict=True)])

        return self._salted_filters(
            DistinctColumn(results=column.results, index=column.index, usable=has_tokens),
            part_text, spec.salt_with, make_many)

    def _identity_of(self, extra: ExtraColumn, nik: NikFacts) -> None:
        """The identity token from a field of the other kinds (a card number): its usable
        normalised values, keyed like a NIK's."""
        column, token = extra.column, self._identity_token
        tokens = np.array([token(r.value) if ok and r.value else 0 for r, ok in
                           zip(column.results, column.usable.tolist(), strict=True)],
                          dtype=np.uint64)
        nik.identity[:] = tokens[column.index]

    def _nik_column(self, values, n: int, quality: QualityReport, rows: np.ndarray) -> NikFacts:
        spec = self._fields.get("nik")
        niks = NikFacts.empty(n)
        if spec is None or values is None:
            return niks
        scan = scan_nik_column(values)
        niks.valid[:] = scan.fast
        niks.embedded[:] = scan.fast
        niks.province[:] = np.where(scan.fast, scan.province, 0)
        regency = scan.digits[:, :4].astype(np.uint16) @ np.array([1000, 100, 10, 1], np.uint16)
        niks.regency[:] = np.where(scan.fast, regency, 0)
        niks.day[:], niks.month[:], niks.yy[:] = scan.day, scan.month, scan.yy
        niks.female[:] = scan.female
        niks.has_digits[:] = scan.fast
        niks.digits = scan.digits
        token = self._identity_token
        fast = np.flatnonzero(scan.fast)
        niks.identity[fast] = np.fromiter((token(values[i]) for i in fast.tolist()),
                                          dtype=np.uint64, count=len(fast))
        quality.count(spec.name, str(Status.VALID), "", int(scan.fast.sum()))
        for i in np.flatnonzero(~scan.fast).tolist():
            result = normalise_nik(values[i])
            quality.count(spec.name, str(result.status), result.note)
            if spec.required and result.status not in _USABLE:
                quality.add_bad_row(int(rows[i]), spec.name,
                                    f"{result.status}: {result.note or result.status}")
            if result.status in _USABLE and result.value:
                niks.valid[i] = True
                niks.identity[i] = token(result.value)
                niks.province[i] = result.province or 0
                niks.regency[i] = int(result.value[:4]) if result.province else 0
            if result.birth_day is not None:
                niks.embedded[i] = True
                niks.day[i], niks.month[i] = result.birth_day, result.birth_month
                niks.yy[i], niks.female[i] = result.birth_yy, result.sex == "P"
            if result.fuzzy_digits:
                niks.has_digits[i] = True
                niks.partial[i] = result.fuzzy_digits
        return niks

    def _salted_filters(self, column: DistinctColumn, part_text: dict, salt_with: str | None,
                        make_many) -> np.ndarray:
        """Filters per record for one field, computed once per distinct (value, salt) pair.

        make_many(results, salts) returns one filter row per (usable) result and salt.
        """
        n = len(column.index)
        if n == 0:
            return np.zeros((0, self._words), np.uint64)
        if salt_with is None:
            pairs = column.index
            value_pos = np.arange(len(column.results))
            salt_of = [""] * len(column.results)
        else:
            salt_values, salt_index = part_text[salt_with]
            radix = len(salt_values)
            unique, pairs = np.unique(column.index.astype(np.int64) * radix + salt_index,
                                      return_inverse=True)
            value_pos = unique // radix
            salt_of = [f"{salt_values[s] or ''}\x1f" for s in (unique % radix).tolist()]
        table = np.zeros((len(value_pos), self._words), dtype=np.uint64)
        usable = np.flatnonzero(column.usable[value_pos])
        if len(usable):
            table[usable] = make_many([column.results[value_pos[j]] for j in usable.tolist()],
                                      [salt_of[j] for j in usable.tolist()])
        return table[pairs.reshape(-1)]

    def _block_column(self, b: int, parts: list[tuple[list, np.ndarray]], n: int) -> np.ndarray:
        """Keyed token per record for one blocking key; 0 where any part is missing."""
        if n == 0:
            return np.zeros(0, dtype=np.uint64)
        code = np.zeros(n, dtype=np.int64)  # mixed-radix code of the parts' positions
        for texts, index in parts:
            code = code * len(texts) + index
        unique, inverse = np.unique(code, return_inverse=True)
        columns, rest = [], unique
        for texts, _ in reversed(parts):
            rest, position = np.divmod(rest, len(texts))
            columns.append([texts[i] for i in position.tolist()])
        columns.reverse()
        cache, token_of = self._block_tokens[b], self._block_tokeners[b]
        if len(cache) >= CACHE_LIMIT:
            cache.clear()

        def token(values: tuple) -> int:
            if not all(values):
                return 0
            key_text = "|".join(values)
            found = cache.get(key_text)
            if found is None:
                found = cache[key_text] = token_of(key_text)
            return found

        tokens = np.fromiter(map(token, zip(*columns, strict=True)), dtype=np.uint64,
                             count=len(unique))
        return tokens[inverse.reshape(-1)]

    def _nik_filters(self, niks: NikFacts) -> np.ndarray:
        """OR of the positional-digit token filters, vectorised over all clean NIKs."""
        n = len(niks.valid)
        out = np.zeros((n, self._words), dtype=np.uint64)
        fast = np.flatnonzero(niks.embedded & niks.has_digits & (niks.partial == None))  # noqa: E711
        if len(fast):
            digits = niks.digits[fast][:, list(NIK_FUZZY_POSITIONS)].astype(np.intp)
            gathered = self._nik_table[np.arange(len(NIK_FUZZY_POSITIONS)), digits]
            out[fast] = np.bitwise_or.reduce(gathered, axis=1)
        cache = self._caches["nik"]
        for i in np.flatnonzero(niks.partial != None).tolist():  # noqa: E711
            out[i] = cache.tokens(nik_digit_tokens(niks.partial[i]))
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


def _count(spec: FieldSpec, results: list, positions: np.ndarray, usable: np.ndarray,
           rows: np.ndarray, quality: QualityReport) -> None:
    """A field's statuses in the quality report (counts of distinct results times their rows),
    and each row of a required field without a usable value (status and note, never the
    value)."""
    counts = np.bincount(positions, minlength=len(results))
    for result, times in zip(results, counts.tolist(), strict=True):
        quality.count(spec.name, str(result.status), result.note, times)
    if spec.required and len(results) and not usable.all():
        for i in np.flatnonzero(~usable[positions]).tolist():
            result = results[positions[i]]
            quality.add_bad_row(int(rows[i]), spec.name,
                                f"{result.status}: {result.note or result.status}")
