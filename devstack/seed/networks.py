"""The demo's networks: MaMa (the Slovenian municipalities) and Kanuuna (the Finnish).

Slovenia's logbook network is coordinated by Mladinska mreža MaMa, Finland's by
Kanuuna (issue #17). Both are made through the same service a platform admin uses
(``chalicelib.services.networks``), once: an existing network of that name is kept.
MaMa has a coordinator the local sign-in knows (docs/identity.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MAMA_COORDINATOR = "coordinator@mama.logbook.local"
KANUUNA_COORDINATOR = "coordinator@kanuuna.logbook.local"
NETWORKS = (
    ("Mladinska mreža MaMa", "SI", MAMA_COORDINATOR),
    ("Kanuuna", "FI", KANUUNA_COORDINATOR),
)


def seed_networks(admin: Any, loaded: Sequence[Any]) -> int:
    """Create the demo networks from the loaded organisations; how many exist after."""
    from chalicelib.domain.networks import NetworkIn
    from chalicelib.services import get_services

    service = get_services().networks
    existing = {network.name for network in service.list_networks(admin)}
    made = 0
    for name, country, coordinator in NETWORKS:
        org_ids = [org.org_id for org in loaded if org.spec.country == country]
        if not org_ids:
            continue
        made += 1
        if name in existing:
            continue
        service.create_network(
            admin, NetworkIn(name=name, org_ids=org_ids, coordinators=[coordinator])
        )
    return made
