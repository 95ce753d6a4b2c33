import pytest

from padan.encoder.default_schema import default_schema


@pytest.fixture
def schema():
    return default_schema("test")
