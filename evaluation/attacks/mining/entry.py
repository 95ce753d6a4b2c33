"""The pattern-mining attack as padan's evaluation runs it: one AttackTarget, one outcome."""

from __future__ import annotations

from padan.evaluation.attacks.knowledge import (
    AttackOutcome,
    AttackTarget,
    PublicNames,
    score_guesses,
)
from padan.evaluation.attacks.mining.attack import filter_bits_of, mine_names, public_knowledge

THRESHOLD = 0.95             # posterior below which the attacker refuses to guess


def mineable(target: AttackTarget) -> bool:
    """Whether the name field sets q-gram bits in the filter at all."""
    spec = target.schema.field_of_kind("name")
    return (spec is not None and spec.tokeniser.kind == "qgram" and spec.bits_per_token > 0
            and len(target) > 0)


def pattern_mining_attack(target: AttackTarget, public: PublicNames, *,
                          threshold: float = THRESHOLD, bit_range: tuple[int, int] | None = None,
                          rounds: int = 3) -> AttackOutcome:
    """Mine the whole list at once (one key for every record), re-identify, refuse when unsure.

    `bit_range`: attack only filter bits [start, stop), e.g. one segment of a concatenated
    filter. A name field salted per record leaves nothing to mine globally: see
    salt_aware_mining_attack.
    """
    guesses: list[str | None] = [None] * len(target)
    if mineable(target) and public.names:
        spec = target.schema.field_of_kind("name")
        bits = filter_bits_of(target.records, target.schema, bit_range)
        result = mine_names(bits, target.schema, public_knowledge(public, spec.tokeniser.q),
                            rounds=rounds)
        guesses = result.reidentification.guesses(threshold)
    return score_guesses("pattern-mining", target, guesses, public)
