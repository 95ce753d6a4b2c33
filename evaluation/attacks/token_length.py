"""The joint token frequency attack's last step when the filter's weight tells the name's length.

The blocking tokens say which name code a record's name probably has; on diverse names a code
holds many names, and its commonest one is rarely the record's. Records of one code differ in
their names' lengths, and an unsalted record-level filter shows the length: its weight is the
occupancy of the positions every token drew (hamming_weight). So each record is guessed the
public name that maximises

    P(code | tokens) * P(name | code) * P(weight | the name's q-grams)

(a name has one code, so nothing is summed). The weight's likelihood is the occupancy model of
hamming_weight, with the other fields' draws as the flags tell them, so no spread is tuned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from padan.encoder.tokens import name_qgrams
from padan.evaluation.attacks.hamming_weight import other_draws, weight_moments
from padan.evaluation.attacks.knowledge import AttackTarget

if TYPE_CHECKING:   # token_frequency imports this module
    from padan.evaluation.attacks.token_frequency import _PublicCells

_MAX_QGRAMS = 64
_BLOCK = 1024            # records scored at a time (memory: block x public names)


def weight_tells_length(target: AttackTarget) -> bool:
    """Whether the whole filter's weight follows the occupancy model: one record-level filter
    of q-grams at a fixed count per token, with no hardening that changes the weight."""
    schema = target.schema
    spec = schema.field_of_kind("name")
    hardening = schema.hardening
    return (spec is not None and spec.tokeniser.kind == "qgram" and spec.bits_per_token > 0
            and not schema.segments and not hardening.balance and not hardening.xor_fold
            and not hardening.rule90 and not hardening.blip_epsilon)


def length_loglik(target: AttackTarget) -> np.ndarray | None:
    """(records, _MAX_QGRAMS + 1) log-likelihood of each record's filter weight given a name
    of g q-grams (column g), or None where the weight does not tell the length."""
    if not weight_tells_length(target) or not len(target):
        return None
    spec = target.schema.field_of_kind("name")
    bins = target.schema.filter_bits
    weights = target.bits().sum(axis=1).astype(np.float64)
    draws = other_draws(target)[:, None] + spec.bits_per_token * np.arange(_MAX_QGRAMS + 1)
    mean, variance = weight_moments(draws, bins, bins)
    return -0.5 * ((weights[:, None] - mean) ** 2 / variance + np.log(variance))


def record_name_guesses(posterior: np.ndarray, cells: _PublicCells,
                        loglik: np.ndarray) -> list[str | None]:
    """The most probable public name of each record (module docstring). `posterior`:
    (records, codes) P(code | tokens); `loglik` (length_loglik) per record. A name's share
    within its code is the whole sample's: per stratum, a code's people are too few on
    diverse names (measured: 0.26 % of a realistic list re-identified with the stratum's
    shares where a code has 5 people there, 0.42 % with the whole sample's)."""
    names, code_of, size, share = [], [], [], []
    column = {code: j for j, code in enumerate(cells.codes)}
    for code, people in cells.names_by_code.items():
        total = sum(people.values())
        for name, count in people.items():
            names.append(name)
            code_of.append(column[code])
            size.append(min(len(name_qgrams(name)), _MAX_QGRAMS))
            share.append(count / total)
    guesses: list[str | None] = [None] * len(posterior)
    if not names:
        return guesses
    code_of, size, log_share = np.array(code_of), np.array(size), np.log(np.array(share))
    log_posterior = np.log(np.maximum(posterior, 1e-300))
    for start in range(0, len(posterior), _BLOCK):
        block = slice(start, start + _BLOCK)
        score = log_posterior[block][:, code_of] + log_share[None, :] + loglik[block][:, size]
        for row, best in enumerate(score.argmax(axis=1).tolist(), start=start):
            guesses[row] = names[best]
    return guesses
