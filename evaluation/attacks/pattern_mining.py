"""Pattern-mining attack on Bloom filters: the implementation lives in the mining package
(evaluation/attacks/mining/, after Christen, Ranbaduge, Vatsalan and Schnell, PAKDD 2017 and
TKDE 2019); this module keeps the import path the evaluation and the CLI use."""

from padan.evaluation.attacks.mining.cohorts import salt_aware_mining_attack
from padan.evaluation.attacks.mining.entry import pattern_mining_attack

__all__ = ["pattern_mining_attack", "salt_aware_mining_attack"]
