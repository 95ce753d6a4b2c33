"""Pattern-mining cryptanalysis of Bloom-filter encodings at published strength, after
Christen, Ranbaduge, Vatsalan and Schnell (PAKDD 2017; "Precise and fast cryptanalysis for Bloom
filter based privacy-preserving record linkage", TKDE 2019), and its salt-aware variant.

Modules, in the order the attack runs: public_model (what the public list says about q-grams
and words), patterns (mining), other_fields (setting aside other fields' patterns), alignment
(pattern -> q-gram), reidentify (per-record Bayesian guess with refusal), bootstrap (known
plaintext), attack (one set of filters end to end), entry (the AttackOutcome entry points),
cohorts (salt-aware mining).
"""
