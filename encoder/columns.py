"""Column mapping: which column of an agency's file holds which field of the linkage schema.

Column names are compared by a key that ignores case, spaces and the separators agencies mix up
('_', '-', '.', '/') and any note in parentheses, so "TGL_LAHIR", "tgl lahir" and
"Tgl. Lahir (dd-mm-yyyy)" are one name, and "L/P" is "LP". A field is tried under its own name,
the aliases of the schema, then DEFAULT_ALIASES for its kind. Column names are not personal data
and may appear in messages, except when the "header" looks like a record (a file without a header
row): then no name is echoed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from padan.encoder.errors import InputFileError
from padan.encoder.schema import FieldSpec
from padan.i18n import _

# By field kind. Deliberately absent, because they hold another person or another thing:
# NIK_KK / NIK_KEPALA_KELUARGA / NAMA_KK (the head of the family, not the person), NAMA_AYAH,
# NAMA_PANGGILAN (nickname), ALAMAT_DOMISILI next to ALAMAT_KTP (two addresses: map one with
# --map). TTL / TEMPAT_TGL_LAHIR holds place and date in one cell: see COMBINED_PLACE_DATE.
# Generic kinds (text, exact, date, digits, number) have no default aliases: the schema names
# their columns.
DEFAULT_ALIASES: dict[str, list[str]] = {
    "nik": [
        "NIK", "No KTP", "NIK_PENERIMA", "NO_NIK", "NOMOR_NIK", "NOMOR_INDUK_KEPENDUDUKAN",
        "NO_INDUK_KEPENDUDUKAN", "NO_KTP", "NOMOR_KTP", "NIK_KTP", "NIK_ANGGOTA", "NIK_ART",
        "NIK_PESERTA", "NIK_PENDUDUK", "NIK_PEMOHON", "NIK_SISWA", "NIK_PASIEN",
    ],
    "name": [
        "NAMA", "nama_lengkap", "Nama Penerima", "NAMA_PENERIMA", "NAMA_PESERTA", "NAMA_ANGGOTA",
        "NAMA_ART", "NAMA_PENDUDUK", "NAMA_PEMOHON", "NAMA_SISWA", "NAMA_PASIEN",
        "NAMA_SESUAI_KTP", "NAMA_KTP", "NAME", "FULL_NAME",
    ],
    "birthdate": [
        "TGL_LAHIR", "tanggal_lahir", "Tanggal Lahir", "TGL_LHR", "TANGGAL_LHR", "TGLLHR",
        "TGL_LAHIR_PENERIMA", "TANGGAL_LAHIR_PENERIMA", "BIRTHDATE", "BIRTH_DATE",
        "DATE_OF_BIRTH", "DOB",
    ],
    "sex": [
        "JENIS_KELAMIN", "jk", "L/P", "SEX", "KELAMIN", "JNS_KELAMIN", "JENIS_KEL", "JNS_KEL",
        "JENKEL", "GENDER",
    ],
    "birthplace": [
        "TEMPAT_LAHIR", "TMP_LAHIR", "TMPT_LAHIR", "TEMPAT_LHR", "TMP_LHR", "TPT_LAHIR",
        "KOTA_LAHIR", "BIRTHPLACE", "PLACE_OF_BIRTH", "BIRTH_PLACE",
    ],
    "address": [
        "ALAMAT", "ALAMAT_LENGKAP", "ALAMAT_KTP", "ALAMAT_RUMAH", "ALAMAT_TINGGAL", "ADDRESS",
        "ALAMAT_PESERTA", "ALAMAT_PENERIMA", "ALAMAT_SISWA", "ALAMAT_PASIEN", "ALAMAT_ANGGOTA",
    ],
    "village": [
        "DESA", "KELURAHAN", "DESA_KELURAHAN", "KELURAHAN_DESA", "DESA/KEL", "KEL/DESA",
        "DESA_KEL", "KEL_DESA", "NAMA_DESA", "NAMA_KELURAHAN", "NAMA_DESA_KELURAHAN",
    ],
    "district": ["KECAMATAN", "KEC", "NAMA_KECAMATAN", "NAMA_KEC"],
    "regency": [
        "KABUPATEN", "KAB_KOTA", "KABUPATEN_KOTA", "KAB/KOTA", "KOTA_KABUPATEN", "KOTA/KAB",
        "NAMA_KABUPATEN", "NAMA_KAB_KOTA", "KABKOTA",
    ],
    "mother_name": [
        "NAMA_IBU", "NAMA_IBU_KANDUNG", "IBU_KANDUNG", "NAMA_GADIS_IBU_KANDUNG", "NM_IBU",
        "NAMA_IBU_KDG", "MOTHER_NAME", "MOTHERS_NAME", "MOTHERS_MAIDEN_NAME",
    ],
    "kk": [
        "NO_KK", "NOMOR_KK", "NO_KARTU_KELUARGA", "NOMOR_KARTU_KELUARGA", "NKK", "NOKK",
        "KK", "NO_KK_PENERIMA",
    ],
}

# Columns that hold the place and the date of birth in one cell, as offices export them
# ("JAKARTA, 05-01-1980"): mapped to both the birthplace and the birthdate field when the file has
# no column of their own. Each normaliser keeps its half (the birthdate's drops the place, note
# `place-removed`; the birthplace's drops the date, note `date-removed`). Compared by column_key.
COMBINED_PLACE_DATE = frozenset({
    "ttl", "tempattanggallahir", "tempattgllahir", "tempatdantanggallahir", "tmptgllahir",
    "tempattgllhr", "tmptgllhr", "tempat,tanggallahir", "tempat,tgllahir", "tmplahirtgllahir",
    "tempatlahirtanggallahir", "tempatlahirtgllahir", "tempattanggallhr",
})  # fmt: skip
_COMBINED_KINDS = ("birthplace", "birthdate")

_SEPARATORS = re.compile(r"[\s_\-./\ufeff]+")
_NOTE = re.compile(r"\([^)]*\)")
_MAX_LISTED = 40


def column_key(name: str) -> str:
    """The key two column names are compared by: "Tgl. Lahir" and "TGL_LAHIR" give "tgllahir"."""
    return _SEPARATORS.sub("", _NOTE.sub("", name).casefold())


def aliases_for(field: FieldSpec) -> list[str]:
    """Names a field is looked for under, in order, without two of the same key."""
    seen: set[str] = set()
    names: list[str] = []
    for name in [field.name, *field.aliases, *DEFAULT_ALIASES.get(field.kind, [])]:
        if column_key(name) not in seen:
            seen.add(column_key(name))
            names.append(name)
    return names


def parse_map_options(options: list[str]) -> dict[str, str]:
    """Turn `--map field=column` options into {field: column}; the column may contain '='."""
    overrides: dict[str, str] = {}
    for option in options:
        field, sep, column = option.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise InputFileError(_("option '{option}' is not of the form field=column (e.g. "
                                   "--map nik=\"No KTP\")").format(option=option), path="--map")
        if field in overrides:
            raise InputFileError(_("field '{field}' is mapped twice").format(field=field),
                                 path="--map")
        overrides[field] = column
    return overrides


def map_columns(columns: list[str], fields: Sequence[FieldSpec],
                overrides: dict[str, str] | None = None, *, path: str) -> dict[str, str]:
    """Map each schema field to a column of the file: {field name: column name}.

    Overrides (from --map) win; other fields are found by alias. An optional field that is not
    found is left out. Every problem is collected and raised as one InputFileError.
    """
    overrides = dict(overrides or {})
    problems: list[str] = []
    mapping: dict[str, str] = {}
    known = {f.name for f in fields}
    for field_name, column in overrides.items():
        if field_name not in known:
            problems.append(_("--map names unknown field '{field}' (the schema's fields: "
                              "{fields})").format(field=field_name,
                                                  fields=_quoted(sorted(known))))
            continue
        found = _resolve_column(column, columns)
        if found is None:
            problems.append(_("--map {field}=… names a column the file does not have "
                              "({found})").format(field=field_name,
                                                  found=_columns_found(columns)))
        else:
            mapping[field_name] = found
    claimed = set(mapping.values())
    for field in fields:
        if field.name in overrides:
            continue
        keys = {column_key(a) for a in aliases_for(field)}
        matches = [c for c in columns if column_key(c) in keys and c not in claimed]
        if not matches and field.kind in _COMBINED_KINDS:
            matches = [c for c in columns if column_key(c) in COMBINED_PLACE_DATE]
        if len(matches) > 1:
            problems.append(_("field '{field}' matches several columns ({columns}); choose one "
                              "with --map {field}=COLUMN").format(field=field.name,
                                                                  columns=_quoted(matches)))
        elif matches:
            mapping[field.name] = matches[0]
        elif field.required:
            problems.append(_unmapped(field, columns))
    problems.extend(_shared_columns(mapping, fields))
    if problems:
        raise InputFileError("; ".join(problems), path=path)
    return {f.name: mapping[f.name] for f in fields if f.name in mapping}


def _resolve_column(column: str, columns: list[str]) -> str | None:
    if column in columns:
        return column
    near = [c for c in columns if column_key(c) == column_key(column)]
    return near[0] if len(near) == 1 else None


def _unmapped(field: FieldSpec, columns: list[str]) -> str:
    reason = _("required field '{field}' ({kind}) matches no column; {found}; aliases tried: "
               "{aliases}; map it with --map {field}=COLUMN").format(
                   field=field.name, kind=field.kind, found=_columns_found(columns),
                   aliases=_quoted(aliases_for(field)))
    if field.kind == "birthdate" and any(column_key(c) in COMBINED_PLACE_DATE for c in columns):
        reason += " " + _("(a TTL column holds place and date together and is not mapped "
                          "automatically: put the date in a column of its own)")
    return reason


def _shared_columns(mapping: dict[str, str], fields: Sequence[FieldSpec]) -> list[str]:
    """Two fields may read one column only when it is a place-and-date column read by a
    birthplace and a birthdate field."""
    kind_of = {f.name: f.kind for f in fields}
    by_column: dict[str, list[str]] = {}
    for field_name, column in mapping.items():
        by_column.setdefault(column, []).append(field_name)
    return [_("fields {fields} are all mapped to column '{column}'; each column may hold one "
              "field").format(fields=_quoted(names), column=column)
            for column, names in by_column.items()
            if len(names) > 1 and not _combined(column, [kind_of.get(n) for n in names])]


def _combined(column: str, kinds: list[str | None]) -> bool:
    return (column_key(column) in COMBINED_PLACE_DATE and len(kinds) == 2
            and sorted(kinds) == sorted(_COMBINED_KINDS))


def _columns_found(columns: list[str]) -> str:
    if looks_like_a_record(columns):
        return _("the first row looks like a record rather than column names (does the file "
                 "lack a header row?)")
    if not columns:
        return _("the file has no columns")
    more = (" " + _("and {count} more").format(count=len(columns) - _MAX_LISTED)
            if len(columns) > _MAX_LISTED else "")
    return _("columns found: {columns}").format(columns=_quoted(columns[:_MAX_LISTED])) + more


def looks_like_a_record(columns: list[str]) -> bool:
    """True when a header name holds five or more digits: a NIK or a date, not a column name."""
    return any(sum(ch.isdigit() for ch in c) >= 5 for c in columns)


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)
