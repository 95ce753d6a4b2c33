"""The service's one settings object. Nothing else in padan's service reads the environment.

Every field is documented in docs/operations.md (a test checks it). Values come from `PADAN_*`
environment variables; tests build a `Settings(...)` and override `get_settings`.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_PEPPER = "change-me-development-only"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PADAN_", extra="ignore", frozen=True)

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path("padan-data")
    database_url: str | None = None  # default: SQLite file padan.db in data_dir
    database_pool_size: Annotated[int, Field(ge=1)] = 10
    database_max_overflow: Annotated[int, Field(ge=0)] = 30
    store_url: str | None = None  # default: directory store/ in data_dir
    max_upload_bytes: Annotated[int, Field(gt=0)] = 8 * 1024**3
    max_request_bytes: Annotated[int, Field(gt=0)] = 1024**2
    max_parties_per_project: Annotated[int, Field(ge=2)] = 50
    max_runs_per_project: Annotated[int, Field(ge=1)] = 1000
    max_open_uploads_per_party: Annotated[int, Field(ge=1)] = 4
    small_cell_k: Annotated[int, Field(ge=1)] = 5
    dask_scheduler: str | None = None
    lease_seconds: Annotated[float, Field(gt=0)] = 60.0
    worker_poll_seconds: Annotated[float, Field(gt=0)] = 1.0
    embedded_worker: bool = False
    token_pepper: SecretStr = SecretStr(PLACEHOLDER_PEPPER)
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8000
    tls_certfile: Path | None = None
    tls_keyfile: Path | None = None
    audit_page_size: Annotated[int, Field(ge=1, le=10_000)] = 1000
    auth_throttle: str = "10/minute"
    auth_throttle_per_token: str = "10/minute"
    auth_lockout_after: str = "30/hour"
    auth_lockout_seconds: Annotated[int, Field(ge=1)] = 900
    rate_limit_storage: str = "memory://"
    forwarded_allow_ips: str = "127.0.0.1"
    token_lifetime_days: Annotated[float, Field(gt=0)] = 180.0
    audit_key_file: Path | None = None  # default: audit-signing-key.pem in data_dir

    @field_validator("auth_throttle", "auth_throttle_per_token", "auth_lockout_after")
    @classmethod
    def _is_a_rate(cls, value: str, info) -> str:
        from padan.linker.service.throttle import parse_rate

        parse_rate(value, f"PADAN_{info.field_name.upper()}")
        return value

    @model_validator(mode="after")
    def _safe_in_production(self) -> Settings:
        if self.env == "production":
            pepper = self.token_pepper.get_secret_value()
            if pepper == PLACEHOLDER_PEPPER or len(pepper) < 32:
                raise ValueError("PADAN_TOKEN_PEPPER must be set to a random secret of at least "
                                 "32 characters in production (e.g. python -c 'import secrets; "
                                 "print(secrets.token_urlsafe(32))')")
        if (self.tls_certfile is None) != (self.tls_keyfile is None):
            raise ValueError("PADAN_TLS_CERTFILE and PADAN_TLS_KEYFILE must be given together")
        return self

    @property
    def token_lifetime(self) -> timedelta:
        return timedelta(days=self.token_lifetime_days)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'padan.db').resolve()}"

    @field_validator("store_url")
    @classmethod
    def _known_store(cls, value: str | None) -> str | None:
        if value and "://" in value and not value.startswith("file://"):
            import fsspec

            protocol = value.split("://")[0]
            try:
                fsspec.get_filesystem_class(protocol)
            except (ImportError, ValueError) as exc:
                extra = " (pip install 'padan[s3]')" if protocol in ("s3", "s3a") else ""
                raise ValueError(f"PADAN_STORE_URL: no file system for {protocol}:// is "
                                 f"installed{extra}") from exc
        return value

    @property
    def store_location(self) -> Path | str:
        """The store: a local directory, or an fsspec URL (s3://bucket/prefix)."""
        if self.store_url is None:
            return (self.data_dir / "store").resolve()
        if self.store_url.startswith("file://"):
            return Path(self.store_url.removeprefix("file://"))
        if "://" in self.store_url:
            return self.store_url.rstrip("/")
        return Path(self.store_url).resolve()

    @property
    def fetch_directory(self) -> Path:
        """Local copies of a remote store's encodings that this host's workers map."""
        return (self.data_dir / "fetched").resolve()

    @property
    def audit_key_path(self) -> Path:
        return self.audit_key_file or (self.data_dir / "audit-signing-key.pem").resolve()

    @property
    def upload_directory(self) -> Path:
        """Partial (not yet validated) uploads, kept apart from the content-addressed store."""
        return (self.data_dir / "uploads").resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
