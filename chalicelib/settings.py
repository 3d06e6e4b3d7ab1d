"""Typed settings, read once from the environment (prefix ``LOGBOOK_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

Stage = Literal["local", "test", "dev", "prod"]


class Settings(BaseSettings):
    """Deployment settings. Every stage sets them through environment variables."""

    model_config = SettingsConfigDict(env_prefix="LOGBOOK_", extra="ignore", frozen=True)

    stage: Stage = "local"
    region: str = "eu-north-1"
    data_table: str = "logbook-data"
    stats_table: str = "logbook-stats"
    # Only set for DynamoDB Local; in AWS the SDK finds the endpoint itself.
    dynamodb_endpoint: str | None = None

    # Identity: the same verification in every stage, only the key source differs.
    jwt_issuer: str = "logbook-local"
    jwt_audience: str = "logbook"
    # AWS stages: Cognito's JWKS document. Local stage: a PEM public key on disk.
    jwks_url: str | None = None
    local_key_dir: str = ".local/keys"
    token_lifetime_seconds: int = 8 * 3600

    # Where the static site lives (survey links and QR codes point there).
    site_url: str = "http://127.0.0.1:8080"
    # Privacy: a survey figure is published only with at least this many respondents.
    suppression_threshold: int = 15
    # Largest request body the API accepts, in bytes.
    max_body_bytes: int = 64 * 1024

    @property
    def is_local(self) -> bool:
        """True for the embedded local stack and tests, where the local issuer exists."""
        return self.stage in ("local", "test")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return Settings()
