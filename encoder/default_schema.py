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
schema_version = 1
# Names the project in key derivation (HKDF info): the same secret gives unrelated bits in
# another project. Letters, digits, '.', '_', '-'.
project_id = "{project_id}"
# Length of each record's Bloom filter in bits (64..8192).
filter_bits = 1024
# The field whose valid normalised value also becomes a keyed exact token (fast exact path).
identity_field = "nik"
# Coarse stratum carried in each record for breakdowns in the report: "province" or omit.
stratum = "province"

[[fields]]
name = "nik"
kind = "nik"
required = false
aliases = ["NIK", "No KTP", "NO_KTP", "NIK_PENERIMA", "NO_NIK", "NOMOR_NIK",
           "NOMOR INDUK KEPENDUDUKAN"]
# Positional digits of region and serial (not the date part): survives typos and Excel damage.
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
# Weighted heaviest: people with the same common name are told apart mostly by birthdate
# (docs/evaluation.md, "Retuning the field weights").
tokeniser = {{ kind = "date" }}
bits_per_token = 36

[[fields]]
name = "jenis_kelamin"
kind = "sex"
required = false
aliases = ["JENIS_KELAMIN", "jk", "L/P", "SEX", "JENIS KELAMIN", "KELAMIN", "GENDER"]
tokeniser = {{ kind = "exact" }}
bits_per_token = 8

# Keyed blocking keys written into each record; the linker compares records sharing a key.
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


def default_schema_text(project_id: str) -> str:
    text = DEFAULT_SCHEMA_TEMPLATE.format(project_id=project_id)
    parse_schema(text)  # the template must always be valid
    return text


def default_schema(project_id: str = "demo") -> LinkageSchema:
    return parse_schema(default_schema_text(project_id))
