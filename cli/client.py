"""A typed client for the linker's HTTP API, used by the CLI and by tests.

The `httpx.Client` is injected, so tests run it in-process against the ASGI app (fastapi's
TestClient is an httpx.Client) and the CLI gives it a real connection. Transient failures are
retried: connection errors by httpx's transport, and for idempotent requests also timeouts and
502/503/504 answers, with exponential backoff. Uploads resume from the server's committed offset.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import ssl
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from padan.i18n import _
from padan.linker.service.api_models import (
    AuditEntryPublic,
    AuditKeyPublic,
    AuditLinkPublic,
    AuditStatusPublic,
    CheckpointPublic,
    ProjectCreate,
    ProjectCreated,
    ProjectPublic,
    ReportPublic,
    ResultsPublic,
    RunPublic,
    TokenPublic,
    UploadPublic,
    UploadSessionPublic,
)

M = TypeVar("M", bound=BaseModel)
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE", "HEAD"})
RETRY_STATUS = frozenset({502, 503, 504})
DEFAULT_CHUNK = 8 * 1024 * 1024


CONFIG_ENV = "PADAN_CONFIG"
DEFAULT_CONFIG = Path("~/.config/padan/client.toml")


def config_path() -> Path:
    """The client's config file: PADAN_CONFIG, else ~/.config/padan/client.toml."""
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG).expanduser()


class ClientSettings(BaseSettings):
    """Where the CLI finds the server and its token: options, then PADAN_* environment, then
    the config file (TOML, same names without the prefix). Never a secret as an argument."""

    model_config = SettingsConfigDict(env_prefix="PADAN_", extra="ignore", frozen=True)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                   init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = config_path()
        if not path.is_file():
            return init_settings, env_settings
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ApiError(0, "config", _("{path}: not a valid TOML config file ({reason})").format(
                path=path, reason=exc)) from None
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls, path)

    server_url: str = "http://127.0.0.1:8000"
    token: SecretStr | None = None
    token_file: Path | None = None
    ca_file: Path | None = None
    allow_insecure_http: bool = False
    checkpoint_file: Path | None = None
    timeout_seconds: float = 60.0
    retries: int = 4

    def resolved_token(self) -> str | None:
        if self.token is not None:
            return self.token.get_secret_value()
        if self.token_file is not None:
            try:
                return self.token_file.read_text().strip()
            except OSError as exc:
                raise ApiError(0, "token_file", _("cannot read the token file {path}: "
                                                  "{reason}").format(path=self.token_file,
                                                                     reason=exc.strerror)) from None
        return None


class ApiError(Exception):
    """The server refused a request, or could not be reached; carries the API's error code."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or {}

    def __str__(self) -> str:
        where = f"HTTP {self.status}, " if self.status else ""
        return f"{self.message} ({where}{self.code})"


def _raise_for_error(response: httpx.Response) -> None:
    if response.is_success:
        return
    try:
        error = response.json()["error"]
        raise ApiError(response.status_code, error["code"], error["message"],
                       error.get("details"))
    except (ValueError, KeyError, TypeError):
        raise ApiError(response.status_code, "http_error",
                       _("the server answered {status} {reason}").format(
                           status=response.status_code, reason=response.reason_phrase)
                       ) from None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_transport_security(server_url: str, allow_insecure_http: bool) -> None:
    """Refuse to send tokens in clear text across a network: http:// only to loopback."""
    url = httpx.URL(server_url)
    if url.scheme not in ("http", "https"):
        raise ApiError(0, "server_url", f"the server URL must start with https:// (or http:// "
                                        f"for this machine), not {url.scheme or 'nothing'}")
    if url.scheme == "http" and not is_loopback(url.host) and not allow_insecure_http:
        raise ApiError(0, "insecure", f"refusing to send a token over plain HTTP to {url.host}: "
                                      "use https://, or set PADAN_ALLOW_INSECURE_HTTP=true "
                                      "inside a network you trust")


def _certificate_problem(exc: Exception) -> str | None:
    """The reason when a connection failed because the server's certificate is not trusted."""
    text = str(exc)
    return text if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify" in text else None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class PadanClient:
    """One method per API operation; answers are the API's pydantic models."""

    def __init__(self, http: httpx.Client, *, token: str | None = None, retries: int = 4,
                 backoff_seconds: float = 0.5):
        self.http, self.retries, self.backoff = http, retries, backoff_seconds
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    @classmethod
    def connect(cls, settings: ClientSettings) -> PadanClient:
        """A client with a real connection; connection errors retried by the transport.

        Certificates are verified against the system's trust store, or PADAN_CA_FILE; a token is
        sent over plain HTTP only to this machine, unless PADAN_ALLOW_INSECURE_HTTP says so.
        """
        check_transport_security(settings.server_url, settings.allow_insecure_http)
        try:
            verify = ssl.create_default_context(
                cafile=str(settings.ca_file) if settings.ca_file else None)
        except (OSError, ssl.SSLError) as exc:
            raise ApiError(0, "ca_file", f"cannot read the CA bundle {settings.ca_file}: "
                                         f"{getattr(exc, 'strerror', None) or exc}") from None
        transport = httpx.HTTPTransport(retries=settings.retries, verify=verify)
        http = httpx.Client(base_url=settings.server_url, transport=transport,
                            timeout=settings.timeout_seconds)
        return cls(http, token=settings.resolved_token(), retries=settings.retries)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PadanClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- plumbing -------------------------------------------------------------------------
    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self.http.request(method, url, headers=self._headers, **kwargs)
            except httpx.TransportError as exc:
                if (reason := _certificate_problem(exc)) is not None:
                    raise ApiError(0, "certificate", f"the certificate of {self.http.base_url} "
                                   f"is not trusted ({reason}); if the linker uses a private "
                                   "CA, give its bundle in PADAN_CA_FILE") from None
                safe = method in IDEMPOTENT or isinstance(exc, httpx.ConnectError)
                if not safe or attempt >= self.retries:
                    raise ApiError(0, "unreachable", _("cannot reach the linker at {url}: "
                                                       "{reason}").format(
                        url=self.http.base_url, reason=type(exc).__name__)) from None
            else:
                if response.status_code not in RETRY_STATUS or method not in IDEMPOTENT \
                        or attempt >= self.retries:
                    _raise_for_error(response)
                    return response
            time.sleep(self.backoff * 2**attempt)
            attempt += 1

    def _model(self, model: type[M], method: str, url: str, **kwargs: Any) -> M:
        return model.model_validate(self._send(method, url, **kwargs).json())

    def _models(self, model: type[M], method: str, url: str, **kwargs: Any) -> list[M]:
        return [model.model_validate(item) for item in self._send(method, url, **kwargs).json()]

    # -- service --------------------------------------------------------------------------
    def health(self) -> dict:
        return self._send("GET", "/health").json()

    def ready(self) -> dict:
        return self._send("GET", "/ready").json()

    # -- projects -------------------------------------------------------------------------
    def create_project(self, project: ProjectCreate) -> ProjectCreated:
        return self._model(ProjectCreated, "POST", "/projects",
                           json=project.model_dump(mode="json"))

    def projects(self) -> list[ProjectPublic]:
        return self._models(ProjectPublic, "GET", "/projects")

    def project(self, project_id: str) -> ProjectPublic:
        return self._model(ProjectPublic, "GET", f"/projects/{project_id}")

    def close_project(self, project_id: str) -> ProjectPublic:
        return self._model(ProjectPublic, "POST", f"/projects/{project_id}/close")

    def reissue_token(self, project_id: str, party: str) -> TokenPublic:
        return self._model(TokenPublic, "POST", f"/projects/{project_id}/parties/{party}/token")

    def revoke_token(self, project_id: str, party: str) -> None:
        self._send("DELETE", f"/projects/{project_id}/parties/{party}/token")

    def rotate_own_token(self) -> TokenPublic:
        """A new token for the caller; the one this client holds stops working (and is
        replaced here, so the client goes on working)."""
        issued = self._model(TokenPublic, "POST", "/token/rotate")
        self._headers = {"Authorization": f"Bearer {issued.token}"}
        return issued

    # -- uploads --------------------------------------------------------------------------
    def uploads(self, project_id: str) -> list[UploadPublic]:
        return self._models(UploadPublic, "GET", f"/projects/{project_id}/uploads")

    def upload_file(self, project_id: str, path: Path, *, chunk_bytes: int = DEFAULT_CHUNK,
                    progress: Callable[[int, int], None] | None = None,
                    removed: Path | None = None) -> UploadPublic:
        """Upload in chunks; an interrupted upload of the same file resumes where it stopped.
        With `removed` (X.removed.csv), the file is a delta (X.delta.padan) of a continuous
        project and the removed list goes with it."""
        path = Path(path)
        size = path.stat().st_size
        kind = "whole" if removed is None else "delta"
        pending = self._model(UploadSessionPublic, "POST", f"/projects/{project_id}/uploads",
                              json={"size": size, "sha256": file_sha256(path), "kind": kind})
        url = f"/projects/{project_id}/uploads/{pending.upload_id}"
        if removed is not None:
            self._model(UploadSessionPublic, "PUT", f"{url}/removed",
                        content=Path(removed).read_bytes())
        offset = pending.offset
        with open(path, "rb") as handle:
            while offset < size:
                if progress:
                    progress(offset, size)
                handle.seek(offset)
                data = handle.read(chunk_bytes)
                try:
                    offset = self._model(UploadSessionPublic, "PUT", url,
                                         params={"offset": offset}, content=data).offset
                except ApiError as exc:
                    if exc.code != "conflict" or "offset" not in exc.details:
                        raise
                    offset = int(exc.details["offset"])  # the server holds more or less: resume
        if progress:
            progress(size, size)
        return self._model(UploadPublic, "POST", f"{url}/finish")

    # -- runs -----------------------------------------------------------------------------
    def start_run(self, project_id: str) -> RunPublic:
        return self._model(RunPublic, "POST", f"/projects/{project_id}/runs")

    def runs(self, project_id: str) -> list[RunPublic]:
        return self._models(RunPublic, "GET", f"/projects/{project_id}/runs")

    def run(self, project_id: str, run_id: int | str = "latest") -> RunPublic:
        return self._model(RunPublic, "GET", f"/projects/{project_id}/runs/{run_id}")

    def wait_for_run(self, project_id: str, run_id: int, *, poll_seconds: float = 1.0,
                     timeout_seconds: float | None = None,
                     progress: Callable[[RunPublic], None] | None = None) -> RunPublic:
        """Poll until the run is done or failed (or the timeout passes: then ApiError)."""
        deadline = None if timeout_seconds is None else time.monotonic() + timeout_seconds
        while True:
            run = self.run(project_id, run_id)
            if progress:
                progress(run)
            if run.state in ("done", "failed"):
                return run
            if deadline is not None and time.monotonic() > deadline:
                raise ApiError(0, "timeout", _("run {run} is still {state} after {seconds} "
                                               "s").format(run=run_id, state=run.state,
                                                           seconds=timeout_seconds))
            time.sleep(poll_seconds)

    def results(self, project_id: str, run_id: int | str = "latest") -> ResultsPublic:
        return self._model(ResultsPublic, "GET", f"/projects/{project_id}/runs/{run_id}/results")

    def results_csv(self, project_id: str, run_id: int | str = "latest") -> bytes:
        return self._send("GET", f"/projects/{project_id}/runs/{run_id}/results",
                          params={"format": "csv"}).content

    def results_changes(self, project_id: str, run_id: int | str = "latest") -> bytes:
        """A continuous project's changes CSV: each link new, unchanged, changed or gone."""
        return self._send("GET", f"/projects/{project_id}/runs/{run_id}/results",
                          params={"format": "changes"}).content

    def erase(self, project_id: str, pseudo_ids: list[str] | None) -> RunPublic:
        """Withdraw the agency's records (pseudo-ids in text form), or (None) its whole list."""
        body = {"whole_list": True} if pseudo_ids is None else {"pseudo_ids": pseudo_ids}
        return self._model(RunPublic, "POST", f"/projects/{project_id}/erasures", json=body)

    def report(self, project_id: str, run_id: int | str = "latest") -> ReportPublic:
        return self._model(ReportPublic, "GET", f"/projects/{project_id}/runs/{run_id}/report")

    # -- audit ----------------------------------------------------------------------------
    def audit_entries(self, after: int = 0, limit: int | None = None) -> list[AuditEntryPublic]:
        params = {"after": after} | ({"limit": limit} if limit else {})
        return self._models(AuditEntryPublic, "GET", "/audit", params=params)

    def audit_verify(self) -> AuditStatusPublic:
        return self._model(AuditStatusPublic, "GET", "/audit/verify")

    def audit_chain(self, page: int = 1000) -> Iterator[AuditLinkPublic]:
        """Every link of the chain in order, page by page (entries the caller may not read
        come without their content)."""
        after = 0
        while True:
            links = self._models(AuditLinkPublic, "GET", "/audit/chain",
                                 params={"after": after, "limit": page})
            yield from links
            if not links:
                return
            after = links[-1].seq

    def audit_checkpoint(self) -> CheckpointPublic:
        return self._model(CheckpointPublic, "GET", "/audit/checkpoint")

    def audit_key(self) -> AuditKeyPublic:
        return self._model(AuditKeyPublic, "GET", "/audit/key")
