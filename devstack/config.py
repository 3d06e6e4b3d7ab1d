"""Where the local stack lives and listens: ports, the local dir, the seed size.

Everything is overridable from the environment so tests can run a whole stack on
free ports in a temporary directory next to a developer's ``make dev``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tools.site_build import BUILT_SITE, SITE_SOURCE

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

SeedMode = Literal["full", "small", "none"]
SEED_MODES: tuple[SeedMode, ...] = ("full", "small", "none")

# Fake credentials: nothing local may ever sign a request AWS would accept.
FAKE_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "AWS_EC2_METADATA_DISABLED": "true",
}
# Variables that would point the SDK at a real account or profile.
_AWS_VARIABLES_TO_DROP = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL")


class ConfigError(ValueError):
    """An environment variable of the local stack has an unusable value."""


def _port(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a port number, not {raw!r}") from None
    if not 0 < port < 65536:
        raise ConfigError(f"{name} must be between 1 and 65535, not {port}")
    return port


@dataclass(frozen=True)
class DevstackConfig:
    """The local stack's addresses and on-disk layout."""

    local_dir: Path
    api_port: int = 8000
    site_port: int = 8080
    ddb_port: int = 8001
    seed: SeedMode = "full"
    region: str = "eu-north-1"
    repo_root: Path = REPO_ROOT
    # What the site server serves: the built site (static_site/ minified, as deployed),
    # built from site_source at start when build_site is true (docs/architecture.md).
    site_dir: Path = BUILT_SITE
    site_source: Path = SITE_SOURCE
    build_site: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DevstackConfig:
        """Read ``LOGBOOK_*`` overrides (ports, local dir, seed size) from the environment."""
        env = os.environ if environ is None else environ
        seed = env.get("LOGBOOK_SEED", "full").strip().lower() or "full"
        if seed not in SEED_MODES:
            raise ConfigError(f"LOGBOOK_SEED must be one of {', '.join(SEED_MODES)}, not {seed!r}")
        local_dir = Path(env.get("LOGBOOK_LOCAL_DIR", "").strip() or ".local")
        site_override = env.get("LOGBOOK_SITE_DIR", "").strip()
        api_port = _port(env, "LOGBOOK_API_PORT", 8000)
        site_port = _port(env, "LOGBOOK_SITE_PORT", 8080)
        ddb_port = _port(env, "LOGBOOK_DDB_PORT", 8001)
        if len({api_port, site_port, ddb_port}) != 3:
            raise ConfigError(
                f"the API, site and DynamoDB ports must differ: {api_port}, {site_port}, {ddb_port}"
            )
        return cls(
            local_dir=local_dir.resolve(),
            api_port=api_port,
            site_port=site_port,
            ddb_port=ddb_port,
            seed=seed,
            region=env.get("LOGBOOK_REGION", "").strip() or "eu-north-1",
            # LOGBOOK_SITE_DIR serves a directory as it is (a test's own site, or the
            # sources unminified); otherwise static_site/ is built into build/site/.
            site_dir=Path(site_override or BUILT_SITE).resolve(),
            build_site=not site_override,
        )

    @property
    def ddb_endpoint(self) -> str:
        """DynamoDB Local's URL."""
        return f"http://{HOST}:{self.ddb_port}"

    @property
    def api_url(self) -> str:
        """The Chalice local server's URL."""
        return f"http://{HOST}:{self.api_port}"

    @property
    def site_url(self) -> str:
        """The static site server's URL."""
        return f"http://{HOST}:{self.site_port}"

    @property
    def key_dir(self) -> Path:
        """The local token issuer's key pair."""
        return self.local_dir / "keys"

    @property
    def db_path(self) -> Path:
        """DynamoDB Local's data files."""
        return self.local_dir / "ddb"

    @property
    def pids_dir(self) -> Path:
        """Recorded child PIDs, for clean-up after a crash."""
        return self.local_dir / "pids"

    @property
    def pump_dir(self) -> Path:
        """The stream pump's checkpoints."""
        return self.local_dir / "pump"

    @property
    def log_dir(self) -> Path:
        """Logs of children too chatty for the terminal (DynamoDB Local)."""
        return self.local_dir / "logs"

    @property
    def seed_marker(self) -> Path:
        """Written only after the demo data is completely loaded."""
        return self.local_dir / "seeded.json"

    def app_environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment of every process that runs Logbook code (API, pump, seed).

        The same variables the Lambda functions get in AWS, pointed at the local stack,
        with fake credentials so nothing can reach AWS.
        """
        env = dict(os.environ if base is None else base)
        for name in _AWS_VARIABLES_TO_DROP:
            env.pop(name, None)
        env.update(FAKE_AWS_ENVIRONMENT)
        env.update(
            {
                "AWS_DEFAULT_REGION": self.region,
                "AWS_REGION": self.region,
                "LOGBOOK_STAGE": "local",
                "LOGBOOK_REGION": self.region,
                "LOGBOOK_DYNAMODB_ENDPOINT": self.ddb_endpoint,
                "LOGBOOK_LOCAL_KEY_DIR": str(self.key_dir),
                "LOGBOOK_SITE_URL": self.site_url,
                "LOGBOOK_LOCAL_DIR": str(self.local_dir),
                "LOGBOOK_API_PORT": str(self.api_port),
                "LOGBOOK_SITE_PORT": str(self.site_port),
                "LOGBOOK_DDB_PORT": str(self.ddb_port),
                "PYTHONUNBUFFERED": "1",
                # Powertools' development mode: readable logs, metrics not printed.
                "POWERTOOLS_DEV": "true",
            }
        )
        # Children import app.py and chalicelib from the repository, wherever we run.
        paths = [str(self.repo_root), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
        return env
