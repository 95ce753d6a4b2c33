"""Salt-aware mining: the same attack inside each cohort the linker can form.

Salting a field's tokens with a per-record attribute (FieldSpec.salt_with, e.g. the birth year)
gives every cohort of that attribute its own positions: mined over the whole list, no pattern is
frequent. But within one cohort every record shares the salt, so the cohort is an unsalted list
of its own. A determined linker forms cohorts from what it sees:
- a blocking key's token (each column of records["blocks"]): records sharing it share the key's
  parts (a key on the birth year exposes exactly the year cohorts);
- the identity token (records["identity"]) and the stratum (records["stratum"], NIK province);
- a cohort key handed in by the caller (`partition`), e.g. the segment's salt attribute as the
  lead's segmented filters expose it.
It mines each cohort large enough to mine (smaller ones are skipped and counted as not
attackable) and keeps, among the ways of forming cohorts, the one that lets it re-identify the
most records with confidence: it needs no truth to choose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from padan.evaluation.attacks.knowledge import (
    AttackOutcome,
    AttackTarget,
    PublicNames,
    score_guesses,
)
from padan.evaluation.attacks.mining.attack import (
    Knowledge,
    filter_bits_of,
    mine_names,
    public_knowledge,
)
from padan.evaluation.attacks.mining.entry import THRESHOLD, mineable

MIN_COHORT = 100             # records a cohort needs to be mined at all


@dataclass(frozen=True, slots=True)
class CohortRun:
    """The attack's guesses under one way of forming cohorts."""

    source: str
    guesses: list[str | None]
    attackable: int          # records in cohorts large enough to mine


def cohort_sources(target: AttackTarget, partition: np.ndarray | None
                   ) -> list[tuple[str, np.ndarray]]:
    """(label, uint64 key per record, 0 = unknown) for every way of forming cohorts."""
    if partition is not None:
        partition = np.asarray(partition, np.uint64)
        if partition.shape != (len(target),):
            raise ValueError(f"partition needs one key per record ({len(target)}), "
                             f"not shape {partition.shape}")
        return [("partition", partition)]
    records = target.records
    sources = [(f"block:{name}", np.asarray(records["blocks"][:, i], np.uint64))
               for i, name in enumerate(target.blocking_keys)]
    sources.append(("identity", np.asarray(records["identity"], np.uint64)))
    sources.append(("stratum", np.asarray(records["stratum"], np.uint64)))
    return sources


def mine_cohorts(bits: np.ndarray, target: AttackTarget, key: np.ndarray, known: Knowledge, *,
                 threshold: float, min_cohort: int, rounds: int) -> tuple[list[str | None], int]:
    """Guesses per record from mining every large enough cohort of `key` separately."""
    guesses: list[str | None] = [None] * len(target)
    values, inverse, sizes = np.unique(key, return_inverse=True, return_counts=True)
    attackable = 0
    for v, (value, size) in enumerate(zip(values.tolist(), sizes.tolist(), strict=True)):
        if value == 0 or size < min_cohort:
            continue
        rows = np.flatnonzero(inverse == v)
        attackable += len(rows)
        result = mine_names(bits[rows], target.schema, known, rounds=rounds)
        for row, guess in zip(rows.tolist(), result.reidentification.guesses(threshold),
                              strict=True):
            guesses[row] = guess
    return guesses, attackable


def salt_aware_mining_attack(target: AttackTarget, public: PublicNames, *,
                             threshold: float = THRESHOLD,
                             bit_range: tuple[int, int] | None = None,
                             partition: np.ndarray | None = None,
                             min_cohort: int = MIN_COHORT, rounds: int = 2) -> AttackOutcome:
    """Mine inside cohorts; the outcome of the best way of forming them (most confident
    guesses), named 'salt-aware-mining:<source>', with the records it could attack."""
    if not mineable(target) or not public.names:
        return score_guesses("salt-aware-mining", target, [None] * len(target), public,
                             attackable=0)
    spec = target.schema.field_of_kind("name")
    known = public_knowledge(public, spec.tokeniser.q, cohorts=True)
    bits = filter_bits_of(target.records, target.schema, bit_range)
    runs = []
    for label, key in cohort_sources(target, partition):
        guesses, attackable = mine_cohorts(bits, target, key, known, threshold=threshold,
                                           min_cohort=min_cohort, rounds=rounds)
        runs.append(CohortRun(label, guesses, attackable))
    best = max(runs, key=lambda run: sum(g is not None for g in run.guesses))
    return score_guesses(f"salt-aware-mining:{best.source}", target, best.guesses, public,
                         attackable=best.attackable)
