"""Table definitions: the single source for infra/, the local stack and the tests.

The data table is a single-table design (keys in ``keys.py``); the stats table holds
one small item per aggregate key. Both are on-demand. Only the data table streams.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TTL_ATTRIBUTE = "expires_at"


@dataclass(frozen=True)
class IndexDefinition:
    name: str
    partition_key: str
    sort_key: str


@dataclass(frozen=True)
class TableDefinition:
    """What a table looks like, independent of how it is created."""

    logical_name: str  # "data" or "stats"
    partition_key: str = "PK"
    sort_key: str | None = "SK"
    global_indexes: tuple[IndexDefinition, ...] = field(default_factory=tuple)
    stream: str | None = None  # StreamViewType, or None for no stream
    ttl_attribute: str | None = TTL_ATTRIBUTE

    def create_table_kwargs(self, table_name: str) -> dict[str, Any]:
        """Arguments for ``DynamoDB.Client.create_table`` (moto, DynamoDB Local)."""
        attributes = {self.partition_key}
        if self.sort_key:
            attributes.add(self.sort_key)
        for index in self.global_indexes:
            attributes |= {index.partition_key, index.sort_key}
        kwargs: dict[str, Any] = {
            "TableName": table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": name, "AttributeType": "S"} for name in sorted(attributes)
            ],
            "KeySchema": [{"AttributeName": self.partition_key, "KeyType": "HASH"}]
            + ([{"AttributeName": self.sort_key, "KeyType": "RANGE"}] if self.sort_key else []),
        }
        if self.global_indexes:
            kwargs["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": index.name,
                    "KeySchema": [
                        {"AttributeName": index.partition_key, "KeyType": "HASH"},
                        {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in self.global_indexes
            ]
        if self.stream:
            kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": self.stream}
        return kwargs


GSI1 = IndexDefinition(name="GSI1", partition_key="GSI1PK", sort_key="GSI1SK")

DATA_TABLE = TableDefinition(
    logical_name="data",
    global_indexes=(GSI1,),
    stream="NEW_AND_OLD_IMAGES",
)

STATS_TABLE = TableDefinition(logical_name="stats")

# Powertools' idempotency records (``chalicelib/api/idempotency.py``): one item per
# person and Idempotency-Key, keyed by Powertools' hash, gone by TTL after the keep time.
IDEMPOTENCY_TABLE = TableDefinition(logical_name="idempotency", partition_key="id", sort_key=None)

TABLES = (DATA_TABLE, STATS_TABLE, IDEMPOTENCY_TABLE)


def create_tables(
    client: Any, data_table: str, stats_table: str, idempotency_table: str | None = None
) -> None:
    """Create the tables if they do not exist yet and wait until they are active.

    The idempotency table is named after the data table unless named (as settings do).
    """
    existing = set(client.list_tables().get("TableNames", []))
    idempotency_table = idempotency_table or f"{data_table}-idempotency"
    for definition, name in (
        (DATA_TABLE, data_table),
        (STATS_TABLE, stats_table),
        (IDEMPOTENCY_TABLE, idempotency_table),
    ):
        if name in existing:
            continue
        client.create_table(**definition.create_table_kwargs(name))
        client.get_waiter("table_exists").wait(TableName=name)
        if definition.ttl_attribute:
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={
                    "Enabled": True,
                    "AttributeName": definition.ttl_attribute,
                },
            )
