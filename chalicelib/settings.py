"""Typed settings, read once from the environment (prefix ``LOGBOOK_``).

A plain pydantic model filled from ``os.environ``: pydantic-settings would do the
same and cost every Lambda cold start a fifth of a second more to import.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

# "local" is the embedded local stack and the tests; dev and prod are AWS stages.
Stage = Literal["local", "dev", "prod"]


ENV_PREFIX = "LOGBOOK_"


class Settings(BaseModel):
    """Deployment settings. Every stage sets them through environment variables."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    # No default: a process without LOGBOOK_STAGE is no local stage (no local sign-in).
    stage: Stage | None = None
    region: str = "eu-north-1"
    data_table: str = "logbook-data"
    stats_table: str = "logbook-stats"
    # Answers of creating POSTs by Idempotency-Key; empty means "<data_table>-idempotency".
    idempotency_table: str = ""
    # Only set for DynamoDB Local; in AWS the SDK finds the endpoint itself.
    dynamodb_endpoint: str | None = None

    # Identity: the same verification in every stage, only the key source differs.
    jwt_issuer: str = "logbook-local"
    jwt_audience: str = "logbook"
    # AWS stages: Cognito's JWKS document. Local stage: a PEM public key on disk.
    jwks_url: str | None = None
    local_key_dir: str = ".local/keys"
    # AWS stages: the Cognito user pool where added members get their sign-in.
    user_pool_id: str | None = None
    # As long as a sign-in in AWS (infra/stack.py SESSION_HOURS): a working evening.
    token_lifetime_seconds: int = 12 * 3600

    # Where the static site lives (survey links and QR codes point there).
    site_url: str = "http://127.0.0.1:8080"
    # Privacy (docs/privacy.md): a survey figure is published only with at least this
    # many respondents (k), and a participation count by gender or age band in a
    # unit's cell only when 0 or at least this much (c).
    suppression_threshold: int = Field(default=15, ge=3)
    participation_threshold: int = Field(default=3, ge=3)
    # Records per stream batch (infra/stack.py's event source mapping, the local pump's
    # --batch-size): a full batch means a backlog, and the publish step waits for it.
    stream_batch_size: int = Field(default=100, ge=1, le=1000)
    # Largest request body the API accepts, in bytes.
    max_body_bytes: int = 64 * 1024
    # AWS stages: the private bucket where organisation packages too large for a Lambda
    # answer wait (expiring) behind a signed URL (docs/data.md); unset locally.
    export_bucket: str | None = None
    # Anonymous submissions accepted from one sender into one collection, per 10 minutes
    # and per day (docs/surveys.md, "Limits per sender").
    sender_limit_per_window: int = Field(default=60, ge=1)
    sender_limit_per_day: int = Field(default=300, ge=1)

    @property
    def idempotency_table_name(self) -> str:
        """The idempotency table: as set, else named after the data table."""
        return self.idempotency_table or f"{self.data_table}-idempotency"

    @property
    def is_local(self) -> bool:
        """True only when the stage is set to ``local``: then the local issuer exists."""
        return self.stage == "local"

    @property
    def site_origins(self) -> frozenset[str]:
        """The site's origin (``scheme://host[:port]``), as browsers send it in ``Origin``.

        Locally ``127.0.0.1`` and ``localhost`` name the same site: both are accepted.
        """
        parts = urlsplit(self.site_url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        host = (parts.hostname or "").lower()
        aliases = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}
        if host in aliases:
            return frozenset({origin, origin.replace(host, aliases[host], 1)})
        return frozenset({origin})

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``LOGBOOK_*`` variables (``LOGBOOK_DATA_TABLE`` → ``data_table``)."""
        environ = os.environ if environ is None else environ
        return cls.model_validate(
            {
                name[len(ENV_PREFIX) :].lower(): value
                for name, value in environ.items()
                if name.startswith(ENV_PREFIX)
            }
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once."""
    return Settings.from_environment()
