"""Deploy settings of a stage, read from CDK context (``-c key=value`` or ``context=``).

Defaults suit a small network (a country's youth centres); every figure that a bigger
deployment may need to raise is a context key rather than a code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from chalicelib import observability

STAGES: Final = ("dev", "prod")
APP_NAME: Final = "logbook"
# Chalice's API Gateway stage (".chalice/config.json" "api_gateway_stage").
API_STAGE: Final = "api"
# What chalicelib.observability logs and publishes under (also set as Powertools' env).
SERVICE_NAME: Final = observability.SERVICE_NAME
METRICS_NAMESPACE: Final = observability.METRICS_NAMESPACE


def _flag(value: Any) -> bool:
    """Context values arrive as strings from the CLI and as bools from Python."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class StageSettings:
    """What differs between deployments, with the defaults a small network needs."""

    stage: str
    # A web ACL costs about $5 + $1 per rule a month, more than the rest of a small
    # network's bill, so the WAF rate limit is opt-in; API Gateway throttling is always on.
    waf: bool = False
    waf_rate_limit: int = 300  # requests per IP per 5 minutes on POST /public/*
    # Every anonymous POST (/public/responses, /public/checkins, and whatever /public/*
    # POST the app adds): a class of 30 answering at once is the realistic burst.
    public_responses_rate: float = 10.0
    public_responses_burst: int = 50
    # Every anonymous GET at the API (CloudFront serves most of them from its cache; a
    # cache-busting query string reaches the API and meets this limit).
    public_reads_rate: float = 10.0
    public_reads_burst: int = 40
    # Every other method of the stage (each method has its own bucket of this size).
    api_rate: float = 50.0
    api_burst: int = 100
    # Reserved concurrency: the most instances each function may run at once, which also
    # bounds what a flood can cost. 0 reserves none (an account whose concurrency quota
    # is below 100 + the sum cannot reserve any).
    api_concurrency: int = 20
    authorizer_concurrency: int = 10
    # One instance per stream shard is all the aggregate ever runs (parallelization 1).
    aggregate_concurrency: int = 5
    log_retention_days: int = 90
    # API Gateway writes access logs with one role per account and region. The stack
    # sets it; turn off where the account already has one (another app's, say).
    api_gateway_logs_role: bool = True
    # How long CloudFront keeps a /public/* answer when the API sends no Cache-Control.
    public_cache_seconds: int = 60
    alarm_email: str | None = None
    # Requests in 5 minutes that raise the flood alarm: 50 a second for 5 minutes, about
    # fifty times what even an EU-wide network sends on average.
    flood_alarm_requests: int = 15_000
    # Cognito hosted UI prefix: globally unique per region; defaults to one with the
    # account id in it.
    cognito_domain_prefix: str | None = None
    # Disclosure control (docs/privacy.md): k respondents, c participation count.
    suppression_threshold: int = 15
    participation_threshold: int = 3
    # The site's own domain name and its ACM certificate (us-east-1), both or neither:
    # with them CloudFront answers on that name with TLS 1.2 at least.
    domain_name: str | None = None
    certificate_arn: str | None = None

    def __post_init__(self) -> None:
        if bool(self.domain_name) != bool(self.certificate_arn):
            raise ValueError("domain_name and certificate_arn go together: set both or neither")
        for name in ("api_concurrency", "authorizer_concurrency", "aggregate_concurrency"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 (none reserved) or more")

    @property
    def prefix(self) -> str:
        """Name prefix of every named resource of the stage, e.g. ``logbook-prod``."""
        return f"{APP_NAME}-{self.stage}"

    @classmethod
    def from_context(cls, stage: str, context: dict[str, Any]) -> StageSettings:
        """Settings for ``stage`` from CDK context values (strings or native types)."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}; expected one of {STAGES}")
        defaults = cls(stage=stage)
        email = context.get("alarm_email") or None
        domain = context.get("cognito_domain_prefix") or None
        return cls(
            stage=stage,
            waf=_flag(context.get("waf", defaults.waf)),
            waf_rate_limit=int(context.get("waf_rate_limit", defaults.waf_rate_limit)),
            public_responses_rate=float(
                context.get("public_responses_rate", defaults.public_responses_rate)
            ),
            public_responses_burst=int(
                context.get("public_responses_burst", defaults.public_responses_burst)
            ),
            public_reads_rate=float(context.get("public_reads_rate", defaults.public_reads_rate)),
            public_reads_burst=int(context.get("public_reads_burst", defaults.public_reads_burst)),
            api_concurrency=int(context.get("api_concurrency", defaults.api_concurrency)),
            authorizer_concurrency=int(
                context.get("authorizer_concurrency", defaults.authorizer_concurrency)
            ),
            aggregate_concurrency=int(
                context.get("aggregate_concurrency", defaults.aggregate_concurrency)
            ),
            api_rate=float(context.get("api_rate", defaults.api_rate)),
            api_burst=int(context.get("api_burst", defaults.api_burst)),
            api_gateway_logs_role=_flag(
                context.get("api_gateway_logs_role", defaults.api_gateway_logs_role)
            ),
            log_retention_days=int(context.get("log_retention_days", defaults.log_retention_days)),
            suppression_threshold=int(
                context.get("suppression_threshold", defaults.suppression_threshold)
            ),
            participation_threshold=int(
                context.get("participation_threshold", defaults.participation_threshold)
            ),
            public_cache_seconds=int(
                context.get("public_cache_seconds", defaults.public_cache_seconds)
            ),
            flood_alarm_requests=int(
                context.get("flood_alarm_requests", defaults.flood_alarm_requests)
            ),
            alarm_email=str(email) if email else None,
            cognito_domain_prefix=str(domain) if domain else None,
            domain_name=str(context.get("domain_name") or "") or None,
            certificate_arn=str(context.get("certificate_arn") or "") or None,
        )
