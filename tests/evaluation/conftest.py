import pytest

from padan.encoder.default_schema import default_schema
from padan.evaluation.datasets import generate_synthetic, synthetic_parties
from padan.synth import SynthConfig, parse_agencies

SECRET = b"evaluation-test-secret-32-bytes!"


@pytest.fixture(scope="session")
def schema():
    return default_schema("evaluation-test")


@pytest.fixture(scope="session")
def small_lists():
    return generate_synthetic(SynthConfig(seed=11, population=4000,
                                          agencies=parse_agencies("A:800,B:800"),
                                          dirt="moderate"))


@pytest.fixture(scope="session")
def small_parties(small_lists, schema):
    return synthetic_parties(small_lists, schema, SECRET)
