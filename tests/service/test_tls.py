"""TLS: `padan serve` speaks HTTPS with a certificate and key; the client verifies certificates,
takes a CA bundle, and will not send a token over plain HTTP to another machine."""

from __future__ import annotations

import datetime
import ipaddress
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from padan.cli.client import ApiError, ClientSettings, PadanClient

from .test_end_to_end import free_port

BIN = Path(sys.executable).parent


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, signed by its own key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "padan test linker")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "linker.crt", folder / "linker.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    cert, key = self_signed(folder)
    port = free_port()
    env = {**os.environ, "PADAN_DATA_DIR": str(folder / "data"), "PADAN_HOST": "127.0.0.1",
           "PADAN_PORT": str(port), "PADAN_TLS_CERTFILE": str(cert),
           "PADAN_TLS_KEYFILE": str(key)}
    log = open(folder / "serve.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen([str(BIN / "padan"), "serve"], env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"https://127.0.0.1:{port}"
    trusted = ClientSettings(server_url=url, ca_file=cert, retries=0)
    deadline = time.monotonic() + 60
    while True:
        try:
            with PadanClient.connect(trusted) as client:
                client.health()
            break
        except ApiError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((folder / "serve.log").read_text()) from None
            time.sleep(0.2)
    yield url, cert
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_padan_serve_speaks_https_to_a_client_given_the_ca(https_server):
    url, cert = https_server
    with PadanClient.connect(ClientSettings(server_url=url, ca_file=cert)) as client:
        assert client.health() == {"status": "ok"}
        assert client.ready() == {"status": "ready"}


def test_an_untrusted_certificate_is_refused_with_a_clear_error(https_server):
    url, _cert = https_server
    with PadanClient.connect(ClientSettings(server_url=url, retries=0)) as client, \
            pytest.raises(ApiError) as refused:
        client.health()
    assert refused.value.code == "certificate" and "PADAN_CA_FILE" in str(refused.value)


@pytest.mark.parametrize("url", ["http://linker.example.go.id", "http://10.20.30.40:8000"])
def test_plain_http_to_another_machine_is_refused_unless_allowed(url):
    with pytest.raises(ApiError, match="plain HTTP") as refused:
        PadanClient.connect(ClientSettings(server_url=url))
    assert refused.value.code == "insecure"
    PadanClient.connect(ClientSettings(server_url=url, allow_insecure_http=True)).close()


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:8000",
                                 "http://[::1]:8000", "https://linker.example.go.id"])
def test_loopback_http_and_any_https_are_accepted(url):
    PadanClient.connect(ClientSettings(server_url=url)).close()


def test_a_missing_ca_bundle_names_the_file(tmp_path):
    with pytest.raises(ApiError, match=r"missing\.pem"):
        PadanClient.connect(ClientSettings(server_url="https://linker.example.go.id",
                                           ca_file=tmp_path / "missing.pem"))
