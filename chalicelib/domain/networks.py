"""Networks of organisations and the public documents of networks and countries.

Pure Python (no boto3, no chalice). A network is a named set of organisations, possibly
in several countries, with coordinators (people invited by e-mail, docs/identity.md).
Its public figures, and a country's, are made here from the organisations' PUBLISHED
documents (``chalicelib.domain.publication``) — never from the exact aggregates:

* every count is the sum of the members' published counts, and is suppressed (null,
  named in ``participation.suppressed``) when any member's count is;
* every survey indicator is recombined exactly from the members' released survey sums
  (n, sum, sum of squares, agreeing, distribution: the same figures the members'
  published indicators are computed from), and is ``protects_another_cell`` when any
  member's indicator with released answers is suppressed;
* ``unique_visitors`` is the sum of the members' (a young person who visits two
  organisations of a network counts twice: docs/networks.md).

So a group's figure is a function of published figures only, and reveals nothing the
members' documents do not (the proof is in docs/privacy.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

from pydantic import Field

from chalicelib.domain.models import Email, IdList, Output, ShortText, StrictInput
from chalicelib.domain.publication import (
    BAND_PREFIX,
    GENDER_FIGURES,
    PROTECTS_ANOTHER_CELL,
    VISITS,
    CellKey,
    empty_document,
    publish_indicators,
)
from chalicelib.domain.stats import Figures, add_into, indicator_sums, whole_figure

MAX_MEMBERS = 200
MAX_COORDINATORS = 20

Coordinators = Annotated[list[Email], Field(max_length=MAX_COORDINATORS)]


class NetworkIn(StrictInput):
    """A network as a platform admin writes it (``POST /networks``, ``PUT``)."""

    name: ShortText
    org_ids: IdList = Field(
        min_length=1, max_length=MAX_MEMBERS, description="The member organisations"
    )
    coordinators: Coordinators = Field(
        default_factory=list,
        description="E-mail addresses of the network's coordinators (invited like members)",
    )


class Network(Output):
    id: str
    name: str
    org_ids: list[str]
    coordinators: list[str]
    countries: list[str] = Field(description="The member organisations' countries")
    created_at: str
    updated_at: str
    version: int


class PublicNetwork(Output):
    id: str
    name: str
    org_ids: list[str]
    countries: list[str]


class NetworkOrg(Output):
    """A member organisation as its coordinator sees it: name, country and units."""

    id: str
    name: str
    country: str
    units: list[dict[str, str]]


class NetworkView(Network):
    """A network with its organisations and their units (coordinators' side-by-side)."""

    orgs: list[NetworkOrg]


def network_problem(org_ids: Sequence[str], coordinators: Sequence[str]) -> list[str]:
    """Duplicates in a network's lists (field names)."""
    problems = []
    if len(set(org_ids)) != len(org_ids):
        problems.append("org_ids")
    if len(set(coordinators)) != len(coordinators):
        problems.append("coordinators")
    return problems


# ------------------------------------------------------------------ public documents


def _sum_counts(values: Sequence[int | None]) -> int | None:
    """The sum, or None (suppressed) when any member's count is suppressed."""
    if any(value is None for value in values):
        return None
    return sum(int(value or 0) for value in values)


def _sum_maps(maps: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for figures in maps:
        for name, value in figures.items():
            total[name] = total.get(name, 0) + int(value)
    return {name: value for name, value in sorted(total.items()) if value}


def group_document(
    scope: str,
    period: str,
    members: Sequence[tuple[Mapping[str, Any] | None, Figures]],
) -> dict[str, Any]:
    """The public document of a network or country for one period.

    ``members`` are the member organisations' published documents of that period
    (None: the organisation has no figures then, all zeros) with their released survey
    sums of that period (``OrgSummary.survey``).
    """
    documents = [doc or empty_document(f"org:{i}", period) for i, (doc, _) in enumerate(members)]
    activities = [doc["activities"] for doc in documents]
    participation = [doc["participation"] for doc in documents]
    count = sum(int(a["count"]) for a in activities)
    youth_led = sum(int(a["youth_led"]) for a in activities)
    suppressed_names: list[str] = []

    def summed(name: str) -> int | None:
        value = _sum_counts([p.get(name) for p in participation])
        if value is None:
            suppressed_names.append(name)
        return value

    genders = {gender: summed(gender) for gender in GENDER_FIGURES}
    visits = summed(VISITS)
    band_names = sorted({band for p in participation for band in p.get("age_bands", {})})
    bands: dict[str, int | None] = {}
    for band in band_names:
        value = _sum_counts([p.get("age_bands", {}).get(band, 0) for p in participation])
        if value is None:
            suppressed_names.append(BAND_PREFIX + band)
        if value != 0:
            bands[band] = value
    unique = _sum_counts([p.get("unique_visitors") for p in participation])
    if unique is None:
        suppressed_names.append("unique_visitors")

    # Survey: the members' released sums, added; an indicator with released answers
    # that some member suppresses is suppressed in the group too.
    survey: Figures = {}
    suppressed: dict[CellKey, str] = {}
    for doc, member_survey in zip(documents, (s for _, s in members), strict=True):
        add_into(survey, member_survey)
        released = indicator_sums(member_survey)
        for indicator, figures in doc.get("indicators", {}).items():
            state = released.get(indicator)
            if figures.get("suppressed") and state is not None and state.n > 0:
                suppressed[(scope, period, "i:" + indicator)] = PROTECTS_ANOTHER_CELL
    responses = sum(int(doc.get("responses", 0)) for doc in documents)
    stamps = [str(doc["updated_at"]) for doc in documents if doc.get("updated_at")]
    as_of = [str(doc["indicators_as_of"]) for doc in documents if doc.get("indicators_as_of")]
    return {
        "scope": scope,
        "period": period,
        "activities": {
            "count": count,
            "hours": round(sum(float(a["hours"]) for a in activities), 2),
            "youth_led": youth_led,
            "youth_led_share": round(youth_led / count, 3) if count else 0.0,
            "by_kind": _sum_maps([a.get("by_kind", {}) for a in activities]),
            "by_category": _sum_maps([a.get("by_category", {}) for a in activities]),
        },
        "participation": {
            "visits": visits,
            **genders,
            "age_bands": bands,
            "new": sum(int(p.get("new", 0)) for p in participation),
            "volunteers": sum(int(p.get("volunteers", 0)) for p in participation),
            "youth_leaders": sum(int(p.get("youth_leaders", 0)) for p in participation),
            "checkins": sum(int(p.get("checkins", 0)) for p in participation),
            "unique_visitors": unique,
            "suppressed": suppressed_names,
        },
        "responses": responses,
        "indicators": publish_indicators(
            scope,
            period,
            survey,
            suppressed,
            waiting=responses > 0 and not whole_figure(survey, "r"),
        ),
        "indicators_as_of": max(as_of, default=None),
        "updated_at": max(stamps, default=None),
    }


def group_scopes(
    orgs: Sequence[str],
    networks: Mapping[str, Iterable[str]],
    countries: Mapping[str, str],
) -> list[str]:
    """The ``network:`` and ``country:`` scopes whose figures depend on ``orgs``."""
    touched = set(orgs)
    scopes = {f"network:{n}" for n, members in networks.items() if touched & set(members)}
    scopes |= {f"country:{countries[o]}" for o in touched if o in countries}
    return sorted(scopes)


def group_members(
    scope: str, networks: Mapping[str, Iterable[str]], countries: Mapping[str, str]
) -> list[str]:
    """The member organisations of a ``network:`` or ``country:`` scope (sorted)."""
    kind, _, identifier = scope.partition(":")
    if kind == "network":
        return sorted(networks.get(identifier, ()))
    if kind == "country":
        return sorted(org for org, country in countries.items() if country == identifier)
    raise ValueError(f"not a group scope: {scope!r}")
