"""The organisation package keeps every field the API takes: a new field needs a column.

When a model gains a field (a municipality code, an activity's status), this fails until
``chalicelib/domain/org_package/tables.py`` declares its column, so an export never drops data
silently and a round trip still loses nothing.
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from chalicelib.domain import org_package
from chalicelib.domain.activity import ActivityIn
from chalicelib.domain.campaigns import CampaignIn
from chalicelib.domain.datapackage import Table
from chalicelib.domain.models import GoalIn, MemberIn, OrgIn, QuestionIn, UnitIn


def columns(table: Table) -> set[str]:
    return {column.name for column in table.columns}


@pytest.mark.parametrize(
    ("model", "table", "split"),
    [
        (OrgIn, org_package.ORGANISATION, set()),
        (UnitIn, org_package.UNITS, set()),
        (MemberIn, org_package.MEMBERS, set()),
        (GoalIn, org_package.GOALS, set()),
        (QuestionIn, org_package.QUESTIONS, set()),
        # Participants go as one column per gender.
        (ActivityIn, org_package.ACTIVITIES, {"participants"}),
        # A campaign's units are its QR points: collections rows naming the campaign.
        (CampaignIn, org_package.CAMPAIGNS, {"unit_ids"}),
    ],
    ids=lambda value: getattr(value, "__name__", None) or getattr(value, "name", ""),
)
def test_every_field_has_a_column(model: type[BaseModel], table: Table, split: set[str]) -> None:
    missing = set(model.model_fields) - split - columns(table)
    assert missing == set(), f"{table.path} lacks columns for {sorted(missing)}"


def test_every_table_and_column_is_described() -> None:
    for table in org_package.TABLES:
        assert table.description
        for column in table.columns:
            assert column.description, (table.name, column.name)
        for key in table.foreign_keys:
            assert key.resource in org_package.TABLE_BY_NAME


def test_a_campaigns_units_travel_as_its_qr_points() -> None:
    keys = {key.fields: key.resource for key in org_package.COLLECTIONS.foreign_keys}
    assert keys["campaign_id"] == "campaigns"
    assert {"unit_id", "code", "campaign_id"} <= columns(org_package.COLLECTIONS)
