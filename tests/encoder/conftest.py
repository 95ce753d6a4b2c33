import functools

import pytest

from padan.encoder.default_schema import default_schema


@pytest.fixture
def schema():
    return default_schema("test")


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_reader(request, monkeypatch):
    """Run an XLSX test once per reader: the test module's iter_batches, read_columns and
    describe_source get xlsx_reader= (python-calamine, and openpyxl, the fallback)."""
    from padan.encoder import readers

    for name in ("iter_batches", "read_columns", "describe_source"):
        if hasattr(request.module, name):
            monkeypatch.setattr(request.module, name,
                                functools.partial(getattr(readers, name),
                                                  xlsx_reader=request.param))
    return request.param
