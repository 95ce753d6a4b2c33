"""Agency lists drawn from the population: who is on which list, and how each list is written.

Sampling (documented in docs/synthetic-data.md, "Who is on which list"):
1. Agency a with `size` rows has d_a = round(duplicate_rate * size) repeat rows and
   m_a = size - d_a distinct people, of whom k_a = round(overlap * m_a) come from a common pool
   and e_a = m_a - k_a are the agency's own.
2. The population is shuffled once. Its first P = max(k_a) people form the pool; the next
   e_1, e_2, ... people are the agencies' own people, in agency order, disjoint from everything.
3. Each agency draws its k_a pool people uniformly without replacement, so the largest pool share
   takes the whole pool and two agencies share k_a * k_b / P people on average.
4. The d_a repeats are drawn without replacement from the agency's m_a people; rows are shuffled.
Every random stream is derived from (seed, purpose), so one agency's size does not change what
another agency's rows look like beyond who is in the pool.
Registers (AgencySpec.register) are drawn apart, after the programmes, so they change nothing of
the programmes' lists: round(death_rate * population) people are dead (whom programmes still
list, as they list everyone); a "deaths" register draws its m_a distinct people from the dead,
a population or eligibility register from the living; then repeats as above.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from padan.i18n import _
from padan.synth import regions
from padan.synth.config import AgencySpec, SynthConfig, SynthConfigError
from padan.synth.corruption import CleanRecords, CorruptionKind, DirtyRecords, corrupt
from padan.synth.dates import VARIETY_FORMATS, format_dates
from padan.synth.field_columns import field_columns
from padan.synth.population import (
    Population,
    generate_population,
    name_composers,
    split_date,
)
from padan.synth.residence import Residence, generate_residence

FIRST_DATA_ROW = 2  # spreadsheet numbering: the header is row 1


def rng_for(seed: int, *purpose: str) -> np.random.Generator:
    """An independent random stream for one purpose ("population", "agency", "DTKS", ...)."""
    labels = [zlib.crc32(label.encode()) for label in purpose]
    return np.random.default_rng(np.random.SeedSequence([seed, *labels]))


@dataclass(frozen=True, slots=True)
class ListShape:
    """How many rows of each origin an agency's list has."""

    repeats: int   # d_a: rows that repeat a person already on the list
    shared: int    # k_a: distinct people from the common pool
    own: int       # e_a: distinct people on no other list


def list_shape(spec: AgencySpec, config: SynthConfig) -> ListShape:
    repeats = round(config.duplicate_rate * spec.size)
    distinct = spec.size - repeats
    shared = round(config.overlap * distinct)
    return ListShape(repeats=repeats, shared=shared, own=distinct - shared)


def people_needed(config: SynthConfig) -> int:
    """The smallest population that can fill the programmes' lists: pool + every programme's own
    people."""
    shapes = [list_shape(spec, config) for spec in config.agencies if spec.register is None]
    if not shapes:
        return 0
    return max(s.shared for s in shapes) + sum(s.own for s in shapes)


def dead_people(config: SynthConfig) -> np.ndarray:
    """person_id of everyone who has died (sorted)."""
    count = round(config.death_rate * config.population)
    return np.sort(rng_for(config.seed, "deaths").choice(config.population, size=count,
                                                         replace=False))


def _register_members(spec: AgencySpec, config: SynthConfig, dead: np.ndarray) -> np.ndarray:
    """A register's rows: distinct people from the dead (deaths) or the living, then repeats."""
    if spec.register == "deaths":
        source = dead
    else:
        source = np.setdiff1d(np.arange(config.population), dead, assume_unique=True)
    repeats = round(config.duplicate_rate * spec.size)
    distinct = spec.size - repeats
    if distinct > len(source):
        raise SynthConfigError(
            _("the register {agency} needs {needed} distinct people but there are only "
              "{available}; shrink it or raise the population or death_rate").format(
                  agency=spec.name, needed=distinct, available=len(source)),
            setting=f"agencies.{spec.name}.size")
    rng = rng_for(config.seed, "members", spec.name)
    people = rng.choice(source, size=distinct, replace=False)
    return rng.permutation(np.concatenate([people, rng.choice(people, size=repeats,
                                                              replace=False)]))


def draw_members(config: SynthConfig) -> dict[str, np.ndarray]:
    """person_id of every row of every agency's list, in row order."""
    needed = people_needed(config)
    if needed > config.population:
        raise SynthConfigError(
            _("the lists need at least {needed} distinct people but the population has "
              "{population}; raise the population or shrink the lists").format(
                  needed=needed, population=config.population),
            setting="population")
    programmes = [spec for spec in config.agencies if spec.register is None]
    shapes = {spec.name: list_shape(spec, config) for spec in programmes}
    order = rng_for(config.seed, "membership").permutation(config.population)
    pool_size = max((s.shared for s in shapes.values()), default=0)
    pool, next_own = order[:pool_size], pool_size
    members = {}
    dead = dead_people(config)
    for spec in config.agencies:
        if spec.register is not None:
            members[spec.name] = _register_members(spec, config, dead)
            continue
        shape, rng = shapes[spec.name], rng_for(config.seed, "members", spec.name)
        shared = rng.choice(pool, size=shape.shared, replace=False)
        own = order[next_own:next_own + shape.own]
        next_own += shape.own
        distinct = np.concatenate([shared, own])
        repeats = rng.choice(distinct, size=shape.repeats, replace=False)
        members[spec.name] = rng.permutation(np.concatenate([distinct, repeats]))
    return members


def repeat_rows(person_ids: np.ndarray) -> np.ndarray:
    """True for every row whose person appeared on an earlier row of the same list."""
    _, first = np.unique(person_ids, return_index=True)
    repeat = np.ones(len(person_ids), dtype=bool)
    repeat[first] = False
    return repeat


_PROVINCE_NAME_BY_CODE = np.array([regions.PROVINCE_NAMES.get(code) for code in range(100)],
                                  dtype=object)


def _birthdate_column(dirty: DirtyRecords, date_format: str) -> pa.Array:
    values = format_dates(dirty.birthdate, date_format).to_numpy(zero_copy_only=False)
    values = values.astype(object)
    for index, variety in enumerate(VARIETY_FORMATS):
        rows = np.flatnonzero(dirty.date_variant == index)
        if len(rows):
            values[rows] = format_dates(dirty.birthdate[rows], variety).to_numpy(
                zero_copy_only=False)
    values[dirty.date_missing] = None
    return pa.array(values, type=pa.string())


def agency_table(spec: AgencySpec, dirty: DirtyRecords, province: np.ndarray) -> pa.Table:
    """The list as the agency exports it: its own headers, date format, sex codes and case."""
    name = pa.array(dirty.name, type=pa.string())
    if spec.name_case == "upper":
        name = pc.utf8_upper(name)
    sex = np.where(dirty.female, spec.sex_codes[1], spec.sex_codes[0]).astype(object)
    sex[dirty.sex_missing] = None
    columns = {
        spec.columns["nik"]: pa.array(dirty.nik, type=pa.string()),
        spec.columns["name"]: name,
        spec.columns["birthdate"]: _birthdate_column(dirty, spec.date_format),
        spec.columns["sex"]: pa.array(sex, type=pa.string()),
    }
    if spec.stratum:
        columns[spec.stratum] = pa.array(_PROVINCE_NAME_BY_CODE[province], type=pa.string())
    return pa.table(columns)


@dataclass(frozen=True, slots=True)
class SynthLists:
    """The generated lists, the truth behind them and the clean population.

    tables: agency -> its raw list (all columns strings, empty cells null)
    truth: agency -> int64 person_id of each row; row r of the file is truth[agency][r - 2]
    kinds: agency -> uint32 CorruptionKind bit mask of each row
    population: person_id, nik, name, birthdate, sex, province, tradition (clean values)
    field_dirt: agency -> uint16 field_columns.FieldDirt bit mask of each row (the other
    columns: tempat lahir, alamat, desa, kecamatan, kabupaten/kota, nama ibu, No KK)
    """

    config: SynthConfig
    tables: dict[str, pa.Table]
    truth: dict[str, np.ndarray]
    kinds: dict[str, np.ndarray]
    population: pa.Table
    field_dirt: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def agencies(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.config.agencies)

    def spec(self, agency: str) -> AgencySpec:
        return next(s for s in self.config.agencies if s.name == agency)

    def truth_table(self) -> pa.Table:
        """agency, row (spreadsheet numbering: first record = 2), person_id."""
        parts = [pa.table({
            "agency": pa.array([agency] * len(ids), type=pa.string()),
            "row": pa.array(np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(ids), dtype=np.int64)),
            "person_id": pa.array(ids, type=pa.int64()),
        }) for agency, ids in self.truth.items()]
        return pa.concat_tables(parts)


def clean_records(population: Population, person_ids: np.ndarray) -> CleanRecords:
    birthdate = population.birthdate[person_ids]
    return CleanRecords(
        nik=population.nik[person_ids],
        name=population.name.take(pa.array(person_ids)).to_numpy(zero_copy_only=False)
        .astype(object),
        birthdate=birthdate, female=population.female[person_ids],
        age=2025 - split_date(birthdate)[0])


BATCH_ROWS = 1_000_000  # rows generated at a time; a list up to this size is one batch


@dataclass(frozen=True, slots=True)
class ListBatch:
    """Consecutive rows of one agency's list: the table, CorruptionKind and FieldDirt masks."""

    table: pa.Table
    kinds: np.ndarray
    field_dirt: np.ndarray


@dataclass(frozen=True, slots=True)
class World:
    """What every list is drawn from: who is on which list, the people and their homes."""

    members: dict[str, np.ndarray]
    population: Population
    residence: Residence


def build_world(config: SynthConfig) -> World:
    members = draw_members(config)  # checks the population is large enough, before the work
    population = generate_population(rng_for(config.seed, "population"), config.population,
                                     config.names)
    residence = generate_residence(rng_for(config.seed, "residence"), population,
                                   name_composers(config.names))
    return World(members=members, population=population, residence=residence)


def list_batches(config: SynthConfig, world: World, index: int,
                 batch_rows: int = BATCH_ROWS) -> Iterator[ListBatch]:
    """Agency `index`'s list, `batch_rows` rows at a time. Batch k draws its dirt from its own
    streams (seed, purpose, agency, k), batch 0 from (seed, purpose, agency), so a list of up to
    BATCH_ROWS rows is the same whatever the batch size above it."""
    spec = config.agencies[index]
    person_ids = world.members[spec.name]
    repeats = repeat_rows(person_ids)
    for batch, start in enumerate(range(0, len(person_ids), batch_rows)):
        ids = person_ids[start:start + batch_rows]
        part = (str(batch),) if batch else ()
        dirty = corrupt(rng_for(config.seed, "dirt", spec.name, *part),
                        clean_records(world.population, ids), config.dirt, spec.date_format)
        dirty.kinds[repeats[start:start + len(ids)]] |= np.uint32(CorruptionKind.DUPLICATE)
        table = agency_table(spec, dirty, world.population.province[ids])
        others = field_columns(rng_for(config.seed, "fields", spec.name, *part), spec, index,
                               world.residence, ids, config.dirt)
        for header, values in others.columns.items():
            table = table.append_column(header, values)
        yield ListBatch(table=table, kinds=dirty.kinds, field_dirt=others.dirt)


def generate(config: SynthConfig) -> SynthLists:
    """The population and every agency's list, identical for identical configs (in memory;
    writers.write_generated streams large lists to files instead)."""
    world = build_world(config)
    tables, kinds, field_dirt = {}, {}, {}
    for index, spec in enumerate(config.agencies):
        batches = list(list_batches(config, world, index))
        tables[spec.name] = pa.concat_tables([b.table for b in batches])
        kinds[spec.name] = np.concatenate([b.kinds for b in batches])
        field_dirt[spec.name] = np.concatenate([b.field_dirt for b in batches])
    return SynthLists(config=config, tables=tables, truth=world.members, kinds=kinds,
                      population=world.population.to_table(), field_dirt=field_dirt)
