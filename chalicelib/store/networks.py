"""Networks and their coordinators in the data table (keys in ``chalicelib.store.keys``).

| item                  | PK                  | SK                 | GSI1PK     | GSI1SK             |
|-----------------------|---------------------|--------------------|------------|--------------------|
| network               | NETWORK#{id}        | NETWORK            | NETWORKS   | NETWORK#{id}       |
| its public entry      | PUBLIC#LISTING      | NETWORK#{id}       | -          | -                  |
| coordinator           | USER#{email}        | NETWORK#{id}       | -          | -                  |

The public entry (id, name, org ids) sits in the public listing's partition, so
``/public/networks`` and the publish step read every network, and every
organisation's country, in one Query (``groups``).
"""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from chalicelib.domain.errors import Conflict
from chalicelib.store import keys
from chalicelib.store.items import without_keys
from chalicelib.store.table import DataTableRepository, is_condition_failure

NETWORKS_INDEX_PK = "NETWORKS"
NETWORK_SK = "NETWORK"


def network_pk(network_id: str) -> str:
    return f"NETWORK#{network_id}"


def network_listing_entry(network: dict[str, Any]) -> dict[str, Any]:
    """The public listing entry of a network: id, name and member organisations."""
    return {
        "PK": keys.PUBLIC_LISTING_PK,
        "SK": network_pk(network["id"]),
        "type": "network_listing",
        "id": network["id"],
        "name": network["name"],
        "org_ids": list(network["org_ids"]),
    }


class NetworkRepository(DataTableRepository):
    """Networks, their public entries and their coordinators."""

    def _item(self, network: dict[str, Any]) -> dict[str, Any]:
        return {
            "PK": network_pk(network["id"]),
            "SK": NETWORK_SK,
            "GSI1PK": NETWORKS_INDEX_PK,
            "GSI1SK": network_pk(network["id"]),
            "type": "network",
            **network,
        }

    def create_network(self, network: dict[str, Any]) -> None:
        """Store a new network (then its public entry)."""
        self._create(self._item(network), "network", network_listing_entry(network))

    def replace_network(self, network: dict[str, Any], expected_version: int) -> None:
        """Overwrite a network read at ``expected_version`` (Conflict if it moved on)."""
        try:
            self._table.put_item(
                Item=self._item(network),
                ConditionExpression="attribute_exists(PK) AND #v = :v",
                ExpressionAttributeNames={"#v": "version"},
                ExpressionAttributeValues={":v": expected_version},
            )
        except ClientError as error:
            if is_condition_failure(error):
                raise Conflict("the network changed meanwhile; read it again") from error
            raise
        self._table.put_item(Item=network_listing_entry(network))

    def get_network(self, network_id: str) -> dict[str, Any] | None:
        """One network, or None."""
        return self._get(network_pk(network_id), NETWORK_SK)

    def list_networks(self) -> list[dict[str, Any]]:
        """Every network (platform admins)."""
        items = self._query(
            IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(NETWORKS_INDEX_PK)
        )
        return [without_keys(item) for item in items]

    def network_members(self, network_id: str) -> list[str] | None:
        """The member organisations of a network (sorted), or None if there is none."""
        network = self.get_network(network_id)
        return sorted(network["org_ids"]) if network else None

    def groups(
        self, *, consistent: bool = False
    ) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        """Every network's public entry and every organisation's country, from the
        public listing's partition: one Query (paged per MB), whatever their number."""
        networks: dict[str, dict[str, Any]] = {}
        countries: dict[str, str] = {}
        for item in self._query(
            KeyConditionExpression=Key("PK").eq(keys.PUBLIC_LISTING_PK), ConsistentRead=consistent
        ):
            sk = str(item["SK"])
            if sk.startswith("NETWORK#"):
                entry = without_keys(item)
                networks[str(entry["id"])] = entry
            elif sk.startswith("ORG#") and item.get("country"):
                countries[str(item["id"])] = str(item["country"])
        return networks, countries

    def memberships(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        """Each network's member organisations and each organisation's country (one
        Query: what the publish step needs to publish ``network:``/``country:``).

        A consistent read: the publish step reads it after taking its publication
        number, so a membership change it does not see is rebuilt under a newer number
        (chalicelib/events/publish.py)."""
        networks, countries = self.groups(consistent=True)
        return {n: list(entry["org_ids"]) for n, entry in networks.items()}, countries

    # ------------------------------------------------------------ coordinators
    def put_coordinator(self, network_id: str, email: str, created_at: str) -> None:
        """Make ``email`` a coordinator of a network (idempotent)."""
        self._table.put_item(
            Item={
                "PK": keys.user_pk(email),
                "SK": network_pk(network_id),
                "type": "coordinator",
                "network_id": network_id,
                "email": email,
                "created_at": created_at,
            }
        )

    def delete_coordinator(self, network_id: str, email: str) -> None:
        """``email`` no longer coordinates the network (idempotent)."""
        self._table.delete_item(Key={"PK": keys.user_pk(email), "SK": network_pk(network_id)})
