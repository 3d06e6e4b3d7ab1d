"""The key schema of the data table, in one place.

| item               | PK               | SK                  | GSI1PK          | GSI1SK                 |
|--------------------|------------------|---------------------|-----------------|------------------------|
| organisation       | ORG#{org}        | ORG                 | ORGS            | ORG#{org}              |
| unit               | UNIT#{unit}      | UNIT                | ORG#{org}       | UNIT#{unit}            |
| membership         | USER#{email}     | ORG#{org}           | ORG#{org}       | MEMBER#{email}         |
| platform admin     | USER#{email}     | PLATFORM            | PLATFORM        | USER#{email}           |
| bound subject      | USER#{email}     | SUBJECT             | -               | -                      |
| goal               | ORG#{org}        | GOAL#{goal}         | -               | -                      |
| reflection question| ORG#{org}        | QUESTION#{q}        | -               | -                      |
| own vocabulary     | ORG#{org}        | VOCABULARY          | -               | -                      |
| key figures        | ORG#{org}        | KEYFIG#{year}       | -               | -                      |
| activity           | UNIT#{unit}      | ACT#{activity}      | UNIT#{unit}#ACT | {date}#{start}#{id}    |

Every item carries ``type`` (``org``, ``unit``, ``member``, ``platform_admin``,
``goal``, ``question``, ``activity``, ``subject``, ``vocabulary``, ``key_figures`` ...) so the stream consumer can tell them apart.
"""

from __future__ import annotations

from typing import Final

ORGS_INDEX_PK: Final = "ORGS"
# Public listing of organisations and units (/public/orgs in one Query):
# SK ``ORG#{org}`` or ``UNIT#{org}#{unit}``, public fields only.
PUBLIC_LISTING_PK: Final = "PUBLIC#LISTING"
PLATFORM: Final = "PLATFORM"
VOCABULARY: Final = "VOCABULARY"
# The token subject (``sub``) a person's first verified sign-in bound to their address.
SUBJECT: Final = "SUBJECT"


def org_pk(org_id: str) -> str:
    return f"ORG#{org_id}"


def unit_pk(unit_id: str) -> str:
    return f"UNIT#{unit_id}"


def user_pk(email: str) -> str:
    return f"USER#{email}"


def org_sk(org_id: str) -> str:
    return f"ORG#{org_id}"


def unit_in_org_sk(unit_id: str) -> str:
    return f"UNIT#{unit_id}"


def member_in_org_sk(email: str) -> str:
    return f"MEMBER#{email}"


def goal_sk(goal_id: str) -> str:
    return f"GOAL#{goal_id}"


def question_sk(question_id: str) -> str:
    return f"QUESTION#{question_id}"


def activity_sk(activity_id: str) -> str:
    return f"ACT#{activity_id}"


def activities_by_date_pk(unit_id: str) -> str:
    return f"UNIT#{unit_id}#ACT"


def activity_by_date_sk(date: str, start_time: str | None, activity_id: str) -> str:
    # "~" sorts after digits, so activities without a start time come last in a day.
    return f"{date}#{start_time or '~'}#{activity_id}"


def key_figures_sk(year: int) -> str:
    return f"KEYFIG#{year:04d}"
