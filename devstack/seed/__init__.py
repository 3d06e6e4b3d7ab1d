"""Demo data for the local stack: deterministic, loaded through the services."""

from devstack.seed.load import demo_accounts, ensure_platform_admin, seed_demo_data

__all__ = ["demo_accounts", "ensure_platform_admin", "seed_demo_data"]
