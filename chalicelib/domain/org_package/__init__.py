"""The whole organisation as a Frictionless data package, and back (docs/data.md).

Pure: declares the tables (one ``Table`` each: adding a table is one declaration and one
entry in ``TABLES``), turns stored items into rows, checks a package someone uploads
(every problem named, by the same models and rules as the API) and maps its ids into
the organisation it is imported into.

Never in a package: survey answers (free text or scores), check-ins, nickname hashes,
check-in salts and keys — they are young people's, not the organisation's records.

Ids: importing into the organisation a package came from keeps every id (a restore);
into any other organisation each id becomes a hash of (that organisation, table, old
id), so importing the same package twice lands on the same keys and stores nothing
twice, and references (a goal of a unit, an activity's goals) follow the same map.

The package's modules: ``tables`` (the declarations and the descriptor), ``rows`` (items
as rows and back), ``plan`` (an upload checked and planned). Every public name stays
importable from ``chalicelib.domain.org_package``.
"""

from __future__ import annotations

from chalicelib.domain.org_package.plan import (
    ImportPlan,
    id_mapper,
    mapped_code,
    plan_import,
)
from chalicelib.domain.org_package.rows import (
    activity_from_row,
    activity_row,
    rows_of,
)
from chalicelib.domain.org_package.tables import (
    ACTIVITIES,
    ANALYSES,
    CAMPAIGNS,
    COLLECTIONS,
    FORMAT_VERSION,
    GOALS,
    KEY_FIGURES,
    LICENSE_NOTE,
    MAX_ROWS,
    MEMBERS,
    ORGANISATION,
    PACKAGE_NAME,
    QUESTIONS,
    TABLE_BY_NAME,
    TABLES,
    TARGETS,
    TEMPLATES,
    UNITS,
    VOCABULARY,
    descriptor,
)

__all__ = [
    "ACTIVITIES",
    "ANALYSES",
    "CAMPAIGNS",
    "COLLECTIONS",
    "FORMAT_VERSION",
    "GOALS",
    "KEY_FIGURES",
    "LICENSE_NOTE",
    "MAX_ROWS",
    "MEMBERS",
    "ORGANISATION",
    "PACKAGE_NAME",
    "QUESTIONS",
    "TABLES",
    "TABLE_BY_NAME",
    "TARGETS",
    "TEMPLATES",
    "UNITS",
    "VOCABULARY",
    "ImportPlan",
    "activity_from_row",
    "activity_row",
    "descriptor",
    "id_mapper",
    "mapped_code",
    "plan_import",
    "rows_of",
]
