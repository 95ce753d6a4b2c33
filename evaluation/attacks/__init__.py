"""Attack simulations against encodings, as an honest-but-curious linker would run them.

The attacker sees what the linker sees (filters, identity and blocking tokens, flags, strata),
knows the schema but not the secret, and holds a public sample of the population (names with
birthdate, sex and NIK province) drawn independently of the encoded list. Each attack returns an
AttackOutcome: the share of records whose name (and first name) it re-identifies, and the share
of distinct names it recovers. docs/threat-model.md explains the model and the numbers.
"""

from padan.evaluation.attacks.frequency import filter_frequency_attack, token_frequency_attack
from padan.evaluation.attacks.graph_matching import graph_matching_attack
from padan.evaluation.attacks.hamming_weight import hamming_weight_attack
from padan.evaluation.attacks.knowledge import (
    AttackOutcome,
    AttackTarget,
    PublicNames,
    attack_target,
    public_names,
    score_guesses,
)
from padan.evaluation.attacks.pattern_mining import (
    pattern_mining_attack,
    salt_aware_mining_attack,
)
from padan.evaluation.attacks.qgram_graph import qgram_graph_matching_attack
from padan.evaluation.attacks.token_frequency import joint_token_frequency_attack

__all__ = [
    "AttackOutcome",
    "AttackTarget",
    "PublicNames",
    "attack_target",
    "filter_frequency_attack",
    "graph_matching_attack",
    "hamming_weight_attack",
    "joint_token_frequency_attack",
    "pattern_mining_attack",
    "public_names",
    "qgram_graph_matching_attack",
    "salt_aware_mining_attack",
    "score_guesses",
    "token_frequency_attack",
]
