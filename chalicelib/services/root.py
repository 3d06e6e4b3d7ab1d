"""The composition root: every service of this process, built once from settings.

``get_services()`` builds the organisations-and-people, activities, vocabulary and
key-figures services over one data table, one sign-in directory and one injected
clock; ``reset()`` forgets every cached service at once (tests change settings
between runs). Routes call ``get_services().<capability>.<use case>``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from chalicelib.averages_service import AveragesService
from chalicelib.services.activities import Activities
from chalicelib.services.identity import Identity
from chalicelib.services.key_figures import KeyFiguresService
from chalicelib.services.lookups import Lookups
from chalicelib.services.organisations import Organisations
from chalicelib.services.people import People
from chalicelib.services.vocabulary import Vocabularies
from chalicelib.settings import Settings, get_settings
from chalicelib.statistics_service import get_statistics_service
from chalicelib.store import clients
from chalicelib.store.accounts import CognitoAccounts, LocalAccounts, SignInAccounts
from chalicelib.store.activities import ActivityRepository
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.networks import NetworkRepository


class Services:
    """The services of organisations, their people and their activities, wired together.

    ``clock`` (monotonic seconds) is the one clock these services read: it ages what a
    warm instance keeps (the inputs of derived figures).
    """

    def __init__(
        self,
        directory: DirectoryRepository,
        activity_store: ActivityRepository,
        accounts: SignInAccounts | None = None,
        networks: NetworkRepository | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = directory
        self.activity_store = activity_store
        self.networks = networks
        self.accounts = accounts or LocalAccounts()
        self.lookups = Lookups(directory)
        self.identity = Identity(directory, networks)
        self.key_figures = KeyFiguresService(self.lookups, directory, clock)
        self.organisations = Organisations(
            self.lookups, directory, org_changed=self.key_figures.forget_derived_inputs
        )
        self.people = People(self.lookups, directory, self.accounts)
        self.vocabulary = Vocabularies(self.lookups, directory, activity_store)
        self.activities = Activities(self.lookups, directory, activity_store)

    @classmethod
    def from_table(
        cls,
        table: Any,
        accounts: SignInAccounts | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> Services:
        """Services over one data table (a boto3 Table resource)."""
        return cls(
            DirectoryRepository(table),
            ActivityRepository(table),
            accounts,
            NetworkRepository(table),
            clock,
        )


@lru_cache(maxsize=2)
def get_services(settings: Settings | None = None) -> Services:
    """The services of this process, over the configured data table and user pool."""
    settings = settings or get_settings()
    accounts: SignInAccounts = LocalAccounts()
    if settings.user_pool_id:
        accounts = CognitoAccounts(lambda: clients.cognito_client(settings), settings.user_pool_id)
    return Services.from_table(clients.data_table(settings), accounts)


@lru_cache(maxsize=1)
def get_averages_service() -> AveragesService:
    """Averages of peers and the annual report, on the configured tables (built once)."""
    # Imported here: the evaluation and survey services use this package's lookups.
    from chalicelib.evaluation_service import get_evaluation_service

    settings = get_settings()
    return AveragesService(
        get_statistics_service(),
        DirectoryRepository(clients.data_table(settings)),
        get_evaluation_service(settings).public_year,
    )


def reset() -> None:
    """Forget every cached service (the next call builds them from the settings again).

    The other services (surveys, evaluation, ideas, data, networks) are not cached:
    they are cheap to build over the cached boto3 clients.
    """
    get_services.cache_clear()
    get_statistics_service.cache_clear()
    get_averages_service.cache_clear()
