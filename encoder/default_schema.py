"""The documented default linkage schema written by `padan schema init`.

Its settings are the ones chosen by measurement (docs/evaluation.md); every setting is explained
in docs/schema.md.
"""

from __future__ import annotations

from padan.encoder.schema import LinkageSchema, parse_schema

DEFAULT_SCHEMA_TEMPLATE = """\
# padan linkage schema. Every agency of a project encodes with this same file: the linker refuses
# encodings whose schema fingerprint differs. Column aliases do not enter the fingerprint, so an
# agency may add its own column names. Reference: docs/schema.md.
schema_version = 2
# Names the project in key derivation (HKDF info): the same secret gives unrelated bits in
# another project. Letters, digits, '.', '_', '-'.
project_id = "{project_id}"
# The field whose valid normalised value also becomes a keyed exact token (fast exact path).
identity_field = "nik"
# Coarse stratum carried in each record for breakdowns in the report: "province" (the NIK's
# first 2 digits), "regency" (its first 4: finer, docs/threat-model.md) or omit.
stratum = "province"

[[fields]]
name = "nik"
kind = "nik"
required = false
aliases = ["NIK", "No KTP", "NO_KTP", "NIK_PENERIMA", "NO_NIK", "NOMOR_NIK",
           "NOMOR INDUK KEPENDUDUKAN"]
tokeniser = {{ kind = "nik_digits" }}
bits_per_token = 10

[[fields]]
name = "nama"
kind = "name"
aliases = ["NAMA", "nama_lengkap", "Nama Penerima", "NAMA_PENERIMA", "NAMA LENGKAP", "NAME"]
tokeniser = {{ kind = "qgram", q = 2 }}
bits_per_token = 10

[[fields]]
name = "tanggal_lahir"
kind = "birthdate"
aliases = ["TGL_LAHIR", "tanggal_lahir", "Tanggal Lahir", "TGL_LHR", "TGL LAHIR", "TANGGAL LAHIR"]
tokeniser = {{ kind = "date" }}
bits_per_token = 10

[[fields]]
name = "jenis_kelamin"
kind = "sex"
required = false
aliases = ["JENIS_KELAMIN", "jk", "L/P", "SEX", "JENIS KELAMIN", "KELAMIN", "GENDER"]
tokeniser = {{ kind = "exact" }}
bits_per_token = 10

# Keyed blocking key: records with the same birthdate (placeholder dates included). It salts the
# first two segments below and is compared only there. Not the sex too: a list without a usable
# sex column would lose the segment (docs/evaluation.md).
[[blocking]]
name = "lahir"
parts = ["birthdate_any"]

# The filter is salted segments (docs/threat-model.md: why; docs/evaluation.md: measured): three
# for the name and the NIK here, two for the other fields below.
# The name's bigrams, salted with the birthdate: compared between records born the same day.
[[segments]]
name = "nama_lahir"
fields = ["nama"]
salt = "lahir"
bits = 1024
# The name's bigrams share 256 bits between them, whatever their number: the segment's weight
# does not tell how long the name is (the Hamming-weight attack, docs/threat-model.md).
record_bits = 256

# The NIK's region and serial digits, salted with the birthdate: never compared alone, it refuses
# a pair found by the segment above when both carry a NIK and the digits disagree (two people of
# one birthdate with alike names, from different districts).
[[segments]]
name = "nik_lahir"
fields = ["nik"]
salt = "lahir"
bits = 512
purpose = "veto"

# The name's bigrams again, salted with the NIK: compared between records with the same valid
# NIK, so a wrong birthdate does not hide a person with a clean NIK, and a shared NIK alone
# makes no match without the name.
[[segments]]
name = "nama_nik"
fields = ["nama"]
salt = "identity"
bits = 1024
record_bits = 256
"""

# The other identifying fields, appended to the core above to make the default (before
# 2026-11-29 the default was the core alone: four fields, three segments).
OTHER_FIELDS_TEMPLATE = """\
# -- the other identifying fields agencies hold (docs/schema.md, "More fields"). Each is optional:
# a list without the column leaves its segment empty and links by the name as above. Their own
# values were attacked like names before they entered the default (docs/threat-model.md).
[[fields]]
name = "tempat_lahir"
kind = "birthplace"
required = false
tokeniser = {{ kind = "qgram", q = 2 }}

[[fields]]
name = "alamat"
kind = "address"
required = false
tokeniser = {{ kind = "address", q = 2 }}

[[fields]]
name = "nama_ibu"
kind = "mother_name"
required = false
tokeniser = {{ kind = "qgram", q = 2 }}

# Read and checked (bad values counted in the quality report), in no segment: no attack models
# its digits yet, and a family card changes at marriage (docs/synthetic-data.md).
[[fields]]
name = "no_kk"
kind = "kk"
required = false
tokeniser = {{ kind = "positions" }}

# The address, salted with the birthdate like the name: compared between records born the same
# day. RT, RW and house number are tokens of their own. Never a match without the name: the
# match model asks the name to agree, and within one list only segments holding the name make
# duplicates.
[[segments]]
name = "alamat_lahir"
fields = ["alamat"]
salt = "lahir"
bits = 1024
record_bits = 256

# Birthplace and mother's name, salted with the birthdate.
[[segments]]
name = "asal_lahir"
fields = ["tempat_lahir", "nama_ibu"]
salt = "lahir"
bits = 1024
record_bits = 256

# Keyed token of the family card number (a valid No KK): the household.
[[blocking]]
name = "kk"
parts = ["no_kk"]

# The name's bigrams a third time, salted with the family card: compared between members of one
# household, so a person whose birthdate was mistyped and whose NIK is missing or damaged is
# still found. A household is a handful of records: the smallest cohort an attack could work in.
[[segments]]
name = "nama_kk"
fields = ["nama"]
salt = "kk"
bits = 1024
record_bits = 256
"""


# The first default (schema version 1, re-expressed in version 2): one record-level filter of
# every field, unsalted. Pattern mining re-identifies names behind it (docs/threat-model.md); it
# stays as the reference the evaluation and the attack controls compare against, and for
# hardening experiments, never as a default.
RECORD_LEVEL_SCHEMA_TEMPLATE = """\
schema_version = 2
project_id = "{project_id}"
filter_bits = 1024
identity_field = "nik"
stratum = "province"

[[fields]]
name = "nik"
kind = "nik"
required = false
aliases = ["NIK", "No KTP", "NO_KTP", "NIK_PENERIMA", "NO_NIK", "NOMOR_NIK",
           "NOMOR INDUK KEPENDUDUKAN"]
tokeniser = {{ kind = "nik_digits" }}
bits_per_token = 10

[[fields]]
name = "nama"
kind = "name"
aliases = ["NAMA", "nama_lengkap", "Nama Penerima", "NAMA_PENERIMA", "NAMA LENGKAP", "NAME"]
tokeniser = {{ kind = "qgram", q = 2 }}
bits_per_token = 10

[[fields]]
name = "tanggal_lahir"
kind = "birthdate"
aliases = ["TGL_LAHIR", "tanggal_lahir", "Tanggal Lahir", "TGL_LHR", "TGL LAHIR", "TANGGAL LAHIR"]
tokeniser = {{ kind = "date" }}
bits_per_token = 36

[[fields]]
name = "jenis_kelamin"
kind = "sex"
required = false
aliases = ["JENIS_KELAMIN", "jk", "L/P", "SEX", "JENIS KELAMIN", "KELAMIN", "GENDER"]
tokeniser = {{ kind = "exact" }}
bits_per_token = 8

[[blocking]]
name = "dob_sex"
parts = ["birthdate", "sex"]

[[blocking]]
name = "year_name"
parts = ["birth_year", "name_code"]

[hardening]
balance = false
xor_fold = false
rule90 = false
blip_epsilon = 0.0
"""


def record_level_schema_text(project_id: str) -> str:
    text = RECORD_LEVEL_SCHEMA_TEMPLATE.format(project_id=project_id)
    parse_schema(text)
    return text


def record_level_schema(project_id: str = "demo") -> LinkageSchema:
    return parse_schema(record_level_schema_text(project_id))


def default_schema_text(project_id: str, *, other_fields: bool = True) -> str:
    """The default schema; `other_fields=False`: its core of four fields and three segments
    (the default before the other fields entered it), for callers that add fields of their
    own."""
    template = DEFAULT_SCHEMA_TEMPLATE + ("\n" + OTHER_FIELDS_TEMPLATE if other_fields else "")
    text = template.format(project_id=project_id)
    parse_schema(text)  # the template must always be valid
    return text


def default_schema(project_id: str = "demo", *, other_fields: bool = True) -> LinkageSchema:
    return parse_schema(default_schema_text(project_id, other_fields=other_fields))
