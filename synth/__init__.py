"""padan.synth: a synthetic Indonesian population and dirty agency lists with ground truth.

    from padan.synth import SynthConfig, generate, write_lists
    lists = generate(SynthConfig(seed=7))
    write_lists(lists, Path("data"))   # DTKS.csv, KJP.csv, KIS.csv, truth.csv

Synthetic data only: every person is made up. See docs/synthetic-data.md.
"""

from padan.synth.agencies import SynthLists, generate
from padan.synth.config import (
    DEFAULT_AGENCIES,
    AgencySpec,
    DirtLevel,
    SynthConfig,
    SynthConfigError,
    parse_agencies,
)
from padan.synth.corruption import RATES, CorruptionKind
from padan.synth.writers import FORMATS, write_generated, write_lists

__all__ = [
    "DEFAULT_AGENCIES",
    "FORMATS",
    "RATES",
    "AgencySpec",
    "CorruptionKind",
    "DirtLevel",
    "SynthConfig",
    "SynthConfigError",
    "SynthLists",
    "generate",
    "parse_agencies",
    "write_generated",
    "write_lists",
]
