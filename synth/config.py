"""What to generate: the population, the agencies' lists and how dirty they are."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from padan.i18n import _

FIELD_KINDS = ("nik", "name", "birthdate", "sex")
# Named date formats besides strftime patterns made of %d, %m, %Y/%y and literal separators.
NAMED_DATE_FORMATS = ("indonesian", "indonesian-short", "excel-serial")
NAME_CASES = ("upper", "title")
# registers an agency list may be instead of a programme (padan.linker.registers has the same)
REGISTERS = ("deaths", "population", "eligibility")
# Name models: "classic" (the first generator, names about ten times as concentrated as e-KTP's)
# and "realistic" (e-KTP-like diversity, NIK serials and placeholder birthdates at Dukcapil's
# scale); docs/synthetic-data.md, "Name frequencies". Realistic is the default since the attacks'
# controls were re-validated on it (docs/evaluation.md, "Privacy on realistic names"); classic
# stays for the harder case: ten times as many namesakes per birthdate.
NAME_MODELS = ("classic", "realistic")
DEFAULT_NAME_MODEL = "realistic"
_AGENCY_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")


class SynthConfigError(ValueError):
    """A synthetic-data setting is out of range or inconsistent; the message names the setting."""

    def __init__(self, reason: str, *, setting: str):
        super().__init__(reason)
        self.reason, self.setting = reason, setting

    def __str__(self) -> str:
        return _("setting '{setting}': {reason}").format(setting=self.setting,
                                                         reason=self.reason)


class DirtLevel(enum.StrEnum):
    """How dirty the lists are; the rates per kind are in corruption.DIRT_RATES."""

    NONE = "none"          # clean copies of the truth: the control
    MODERATE = "moderate"  # what a maintained register looks like
    HEAVY = "heavy"        # a list typed in by hand and passed through Excel


def check_date_format(date_format: str, *, setting: str = "date_format") -> str:
    """Accept a named format or a strftime pattern with exactly %d, %m and %Y (or %y)."""
    if date_format in NAMED_DATE_FORMATS:
        return date_format
    directives = re.findall(r"%.", date_format)
    if sorted(directives) not in (["%Y", "%d", "%m"], ["%d", "%m", "%y"]):
        raise SynthConfigError(
            f"unknown date format; use one of {', '.join(NAMED_DATE_FORMATS)} or a pattern with "
            "%d, %m and %Y once each, such as %d-%m-%Y", setting=setting)
    return date_format


@dataclass(frozen=True, slots=True)
class AgencySpec:
    """One agency's list: its size and how the agency writes its columns."""

    name: str
    size: int
    columns: dict[str, str] = field(hash=False, default_factory=lambda: {
        "nik": "NIK", "name": "NAMA", "birthdate": "TGL_LAHIR", "sex": "JK"})
    date_format: str = "%d-%m-%Y"
    stratum: str | None = None             # column name of the province of residence, if any
    sex_codes: tuple[str, str] = ("L", "P")  # how the agency writes (male, female)
    name_case: str = "upper"               # "upper" or "title"
    # None: a programme, drawn from the pool and the agency's own people (agencies.py); a
    # register (REGISTERS) is drawn apart: "deaths" from the dead, the others from the living
    register: str | None = None

    def __post_init__(self) -> None:
        where = f"agencies.{self.name}"
        if self.register is not None and self.register not in REGISTERS:
            raise SynthConfigError(f"register is one of {', '.join(REGISTERS)}",
                                   setting=f"{where}.register")
        if not isinstance(self.name, str) or not _AGENCY_NAME.fullmatch(self.name) \
                or self.name.lower() == "truth":
            raise SynthConfigError(_("agency names are 1-40 letters, digits, '_' or '-', start "
                                     "with a letter and are not 'truth'"), setting="agencies")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 1:
            raise SynthConfigError(_("size must be a whole number of records, at least 1"),
                                   setting=f"{where}.size")
        if set(self.columns) != set(FIELD_KINDS):
            raise SynthConfigError(f"columns must name exactly {', '.join(FIELD_KINDS)}",
                                   setting=f"{where}.columns")
        headers = [*self.columns.values(), *([self.stratum] if self.stratum else [])]
        if len(set(headers)) != len(headers) or not all(h and h.strip() for h in headers):
            raise SynthConfigError("column names must be distinct and not blank",
                                   setting=f"{where}.columns")
        check_date_format(self.date_format, setting=f"{where}.date_format")
        if len(self.sex_codes) != 2 or self.sex_codes[0] == self.sex_codes[1]:
            raise SynthConfigError("sex_codes are two different codes (male, female)",
                                   setting=f"{where}.sex_codes")
        if self.name_case not in NAME_CASES:
            raise SynthConfigError(f"name_case is one of {', '.join(NAME_CASES)}",
                                   setting=f"{where}.name_case")

    def headers(self) -> list[str]:
        """The file's column names in order."""
        names = [self.columns[kind] for kind in FIELD_KINDS]
        return [*names, self.stratum] if self.stratum else names


# Three agencies that write the same facts differently (column names, dates, sex codes, case).
DTKS = AgencySpec(
    name="DTKS", size=20_000,
    columns={"nik": "NIK", "name": "NAMA", "birthdate": "TGL_LAHIR", "sex": "JENIS_KELAMIN"},
    date_format="%d-%m-%Y", stratum="PROVINSI", sex_codes=("LAKI-LAKI", "PEREMPUAN"),
    name_case="upper")
KJP = AgencySpec(
    name="KJP", size=5_000,
    columns={"nik": "NIK_SISWA", "name": "Nama Siswa", "birthdate": "Tanggal Lahir", "sex": "JK"},
    date_format="indonesian", sex_codes=("L", "P"), name_case="title")
KIS = AgencySpec(
    name="KIS", size=15_000,
    columns={"nik": "NoKTP", "name": "NAMA_PESERTA", "birthdate": "TGL_LHR", "sex": "KD_JK"},
    date_format="%d/%m/%Y", sex_codes=("1", "2"), name_case="upper")
DEFAULT_AGENCIES = (DTKS, KJP, KIS)


@dataclass(frozen=True, slots=True)
class SynthConfig:
    """Everything `generate` needs; the same config always gives the same lists."""

    seed: int = 7
    population: int = 100_000
    agencies: tuple[AgencySpec, ...] = DEFAULT_AGENCIES
    overlap: float = 0.3
    dirt: DirtLevel = DirtLevel.MODERATE
    duplicate_rate: float = 0.01
    # share of the population that has died: programmes still list them (nobody took them
    # off), and a "deaths" register lists some of them
    death_rate: float = 0.0
    names: str = DEFAULT_NAME_MODEL

    def __post_init__(self) -> None:
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise SynthConfigError(_("seed must be a whole number, 0 or more"), setting="seed")
        if isinstance(self.population, bool) or not isinstance(self.population, int) \
                or self.population < 1:
            raise SynthConfigError(_("population must be a whole number, at least 1"),
                                   setting="population")
        if not self.agencies:
            raise SynthConfigError(_("give at least one agency"), setting="agencies")
        names = [a.name.lower() for a in self.agencies]
        if len(set(names)) != len(names):
            raise SynthConfigError(_("agency names must differ (ignoring case)"),
                                   setting="agencies")
        if not 0.0 <= self.overlap <= 1.0:
            raise SynthConfigError(_("overlap is a share between 0 and 1"), setting="overlap")
        if not 0.0 <= self.duplicate_rate < 0.5:
            raise SynthConfigError(_("duplicate_rate is a share from 0 to below 0.5"),
                                   setting="duplicate_rate")
        if not 0.0 <= self.death_rate < 0.5:
            raise SynthConfigError(_("death_rate is a share from 0 to below 0.5"),
                                   setting="death_rate")
        if any(a.register == "deaths" for a in self.agencies) and self.death_rate == 0:
            raise SynthConfigError(_("a deaths register needs a death_rate above 0"),
                                   setting="death_rate")
        if self.names not in NAME_MODELS:
            raise SynthConfigError(_("names is one of classic, realistic"), setting="names")
        try:
            object.__setattr__(self, "dirt", DirtLevel(self.dirt))
        except ValueError:
            raise SynthConfigError(_("dirt is one of none, moderate, heavy"),
                                   setting="dirt") from None


def parse_agencies(text: str) -> tuple[AgencySpec, ...]:
    """Agencies from "DTKS:20000,KJP:5000,KIS:15000": known names keep their default columns and
    formats with the new size; other names get generic columns and a rotating date format."""
    known = {spec.name.lower(): spec for spec in DEFAULT_AGENCIES}
    rotating = ("%d-%m-%Y", "indonesian", "%d/%m/%Y", "%Y-%m-%d", "excel-serial")
    specs = []
    for index, item in enumerate(part.strip() for part in text.split(",")):
        name, sep, size_text = item.partition(":")
        name, size_text = name.strip(), size_text.strip()
        if not sep or not name or not size_text.isdigit():
            raise SynthConfigError(
                _("item {index} is not NAME:SIZE with a whole number, e.g. DTKS:20000").format(
                    index=index + 1),
                setting="agencies")
        size = int(size_text)
        if name.lower() in known:
            base = known[name.lower()]
            specs.append(AgencySpec(name=name, size=size, columns=dict(base.columns),
                                    date_format=base.date_format, stratum=base.stratum,
                                    sex_codes=base.sex_codes, name_case=base.name_case))
        else:
            specs.append(AgencySpec(name=name, size=size,
                                    date_format=rotating[index % len(rotating)]))
    return tuple(specs)
