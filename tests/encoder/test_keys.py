import hashlib
import hmac
import os
import stat

import pytest

from padan.encoder.errors import KeyFileError
from padan.encoder.keys import (
    SECRET_ENV,
    derive_key,
    generate_secret_file,
    key_check_value,
    load_secret,
)

SECRET = bytes(range(32))


def rfc5869_hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    """HKDF written out from RFC 5869, to check that derive_key is exactly HKDF-SHA256."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def test_derive_key_is_hkdf_sha256_with_project_and_purpose_in_info():
    expected = rfc5869_hkdf_sha256(SECRET, b"padan/hkdf/v1", b"padan/v1/kat/field:nama", 32)
    assert derive_key(SECRET, "kat", "field:nama") == expected


def test_known_answer_key_and_key_check_value():
    assert derive_key(SECRET, "kat", "field:nama").hex() == (
        "5a3571e9ebe250a19491974ab32786e43da7a50b0445c974798571b7312d960d")
    assert key_check_value(SECRET, "kat") == "849d31444284832c87d174ffac0f504d"


def test_keys_differ_by_project_purpose_and_secret():
    keys = {
        derive_key(SECRET, "kat", "field:nama"),
        derive_key(SECRET, "other", "field:nama"),
        derive_key(SECRET, "kat", "field:tanggal_lahir"),
        derive_key(bytes(32), "kat", "field:nama"),
    }
    assert len(keys) == 4
    assert key_check_value(SECRET, "kat") != key_check_value(bytes(32), "kat")


def test_keygen_writes_owner_only_hex_secret(tmp_path):
    path = tmp_path / "project.key"
    generate_secret_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(load_secret(path)) == 32
    with pytest.raises(KeyFileError, match="refusing to overwrite"):
        generate_secret_file(path)
    before = path.read_text()
    generate_secret_file(path, overwrite=True)
    assert path.read_text() != before


def test_load_secret_refuses_group_readable_file(tmp_path):
    path = tmp_path / "k"
    generate_secret_file(path)
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_secret(path)


@pytest.mark.parametrize("content", ["", "zz" * 32, "ab" * 31, "ab" * 33])
def test_load_secret_refuses_malformed_secret_without_echoing_it(tmp_path, content):
    path = tmp_path / "k"
    path.write_text(content)
    os.chmod(path, 0o600)
    with pytest.raises(KeyFileError, match="64 hex digits") as info:
        load_secret(path)
    if content:
        assert content not in str(info.value)


def test_load_secret_missing_file_and_environment(tmp_path):
    with pytest.raises(KeyFileError, match="not found"):
        load_secret(tmp_path / "absent")
    with pytest.raises(KeyFileError, match=SECRET_ENV):
        load_secret(None, environ={})
    assert load_secret(None, environ={SECRET_ENV: SECRET.hex()}) == SECRET


def test_the_default_key_file_is_read_last_and_named_when_absent(tmp_path):
    default = tmp_path / "padan.key"
    with pytest.raises(KeyFileError, match=r"looked for .*padan\.key"):
        load_secret(None, environ={}, default=default)
    generate_secret_file(default)
    from_file = load_secret(None, environ={}, default=default)
    assert len(from_file) == 32
    assert load_secret(None, environ={SECRET_ENV: SECRET.hex()}, default=default) == SECRET
