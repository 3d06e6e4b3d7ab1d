"""The composition root: every service of this process, built from settings with one clock.

``get_services()`` is the one ``Services`` of the process: over one data table, the stats
table, one sign-in directory and one ``Clock`` (``services/clock.py``). Each capability
is built on first use, so a cold start builds only what its request needs. ``reset()``
forgets it all at once (tests change settings and the clock between runs). Routes call
``get_services().<capability>.<use case>``.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import Any

from chalicelib.domain.sender_limits import SenderLimits
from chalicelib.services.activities import Activities
from chalicelib.services.averages import AveragesService, known_network
from chalicelib.services.campaigns import CampaignService
from chalicelib.services.clock import Clock, SystemClock
from chalicelib.services.data import ActivityImportService, DataService
from chalicelib.services.ideas import IdeasService
from chalicelib.services.identity import Identity
from chalicelib.services.key_figures import KeyFiguresService
from chalicelib.services.lookups import Lookups
from chalicelib.services.networks import NetworkService
from chalicelib.services.organisations import Organisations
from chalicelib.services.people import People
from chalicelib.services.sender_limits import SenderLimiter
from chalicelib.services.statistics import StatisticsService
from chalicelib.services.survey_answers import SurveyAnswers
from chalicelib.services.survey_points import SurveyPoints
from chalicelib.services.surveys import SurveyService
from chalicelib.services.targets import TargetService
from chalicelib.services.vocabulary import Vocabularies
from chalicelib.settings import Settings, get_settings
from chalicelib.store import clients
from chalicelib.store.accounts import CognitoAccounts, LocalAccounts, SignInAccounts
from chalicelib.store.activities import ActivityRepository
from chalicelib.store.campaigns import CampaignRepository
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.ideas import IdeaRepository
from chalicelib.store.networks import NetworkRepository
from chalicelib.store.publication import PublicationStore
from chalicelib.store.sender_limits import SenderLimitStore
from chalicelib.store.stats import stats_client
from chalicelib.store.surveys import SurveyRepository


class Services:
    """Every use case of Logbook, wired together over one data table and one clock.

    ``clock`` is the one clock the services read: the time records are stamped with,
    whether a QR point is open, the rate limits' windows, today's date for the public
    figures, and (monotonic) how long a warm instance keeps what it read.
    """

    def __init__(
        self,
        table: Any,
        settings: Settings | None = None,
        accounts: SignInAccounts | None = None,
        clock: Clock | None = None,
        stats_client: Any = None,
    ) -> None:
        self.table = table
        self.settings = settings or get_settings()
        self.accounts = accounts or LocalAccounts()
        self.clock = clock or SystemClock()
        self._stats_client = stats_client
        self.directory = DirectoryRepository(table)
        self.activity_store = ActivityRepository(table)
        self.network_store = NetworkRepository(table)
        self.lookups = Lookups(self.directory)

    @classmethod
    def from_table(
        cls,
        table: Any,
        accounts: SignInAccounts | None = None,
        clock: Clock | None = None,
        settings: Settings | None = None,
    ) -> Services:
        """Services over one data table (a boto3 Table resource)."""
        return cls(table, settings, accounts, clock)

    # ------------------------------------------------------------ organisations, people, activities
    @cached_property
    def identity(self) -> Identity:
        return Identity(self.directory, self.clock, self.network_store)

    @cached_property
    def key_figures(self) -> KeyFiguresService:
        return KeyFiguresService(self.lookups, self.directory, self.clock)

    @cached_property
    def organisations(self) -> Organisations:
        return Organisations(
            self.lookups,
            self.directory,
            self.clock,
            org_changed=self.key_figures.forget_derived_inputs,
        )

    @cached_property
    def people(self) -> People:
        return People(self.lookups, self.directory, self.accounts, self.clock)

    @cached_property
    def vocabulary(self) -> Vocabularies:
        return Vocabularies(self.lookups, self.directory, self.activity_store, self.clock)

    @cached_property
    def activities(self) -> Activities:
        return Activities(self.lookups, self.directory, self.activity_store, self.clock)

    @cached_property
    def networks(self) -> NetworkService:
        return NetworkService(self.directory, self.network_store, self.accounts, self.clock)

    # ------------------------------------------------------------ surveys and the evaluation cycle
    @cached_property
    def survey_store(self) -> SurveyRepository:
        return SurveyRepository(self.table)

    @cached_property
    def idea_store(self) -> IdeaRepository:
        return IdeaRepository(self.table)

    @cached_property
    def survey_points(self) -> SurveyPoints:
        return SurveyPoints(
            self.survey_store, self.idea_store, self.directory, self.settings, self.clock
        )

    @cached_property
    def surveys(self) -> SurveyService:
        return SurveyService(
            self.lookups,
            self.survey_points,
            self.survey_store,
            self.idea_store,
            self.directory,
            self.activity_store,
            self.clock,
        )

    @cached_property
    def sender_limits(self) -> SenderLimiter:
        limits = SenderLimits(
            per_window=self.settings.sender_limit_per_window,
            per_day=self.settings.sender_limit_per_day,
        )
        return SenderLimiter(SenderLimitStore(self.table), self.clock, limits)

    @cached_property
    def survey_answers(self) -> SurveyAnswers:
        return SurveyAnswers(
            self.survey_points,
            self.survey_store,
            self.directory,
            self.sender_limits,
            self.clock,
        )

    @cached_property
    def ideas(self) -> IdeasService:
        return IdeasService(
            self.lookups,
            self.survey_points,
            self.survey_answers,
            self.survey_store,
            self.idea_store,
            self.clock,
        )

    @cached_property
    def campaign_store(self) -> CampaignRepository:
        return CampaignRepository(self.table)

    @cached_property
    def campaigns(self) -> CampaignService:
        return CampaignService(
            self.lookups,
            self.campaign_store,
            self.survey_points,
            self.directory,
            self.settings,
            self.clock,
        )

    @cached_property
    def targets(self) -> TargetService:
        return TargetService(
            self.lookups, self.campaign_store, self.survey_store, self.directory, self.clock
        )

    # ------------------------------------------------------------ public figures, data in and out
    @cached_property
    def statistics(self) -> StatisticsService:
        client = self._stats_client or stats_client(self.settings)
        return StatisticsService(
            PublicationStore(client, self.settings.stats_table),
            self.directory.unknown_scopes,
            self.clock,
        )

    @cached_property
    def averages(self) -> AveragesService:
        return AveragesService(
            self.statistics,
            self.directory,
            self.targets.public_year,
            known_network(self.networks.network_members),
            self.clock,
        )

    @cached_property
    def org_packages(self) -> DataService:
        return DataService(self.table, self.accounts, self.clock)

    @cached_property
    def activity_import(self) -> ActivityImportService:
        return ActivityImportService(self.table, self.clock)


_clock: list[Clock] = [SystemClock()]


def get_services(settings: Settings | None = None) -> Services:
    """The services of this process, over the configured tables and user pool.

    Built once per settings: settings read anew (tests change them) get services that
    follow them, with the same clock.
    """
    return _services_for(settings or get_settings(), _clock[0])


@lru_cache(maxsize=4)
def _services_for(settings: Settings, clock: Clock) -> Services:
    accounts: SignInAccounts = LocalAccounts()
    if settings.user_pool_id:
        accounts = CognitoAccounts(lambda: clients.cognito_client(settings), settings.user_pool_id)
    return Services(clients.data_table(settings), settings, accounts, clock)


def reset(clock: Clock | None = None) -> None:
    """Forget every service: the next ``get_services()`` builds them from the settings
    again, with ``clock`` (tests) or the system clock."""
    _services_for.cache_clear()
    _clock[0] = clock or SystemClock()
