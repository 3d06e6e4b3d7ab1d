"""Networks of organisations (docs/networks.md): ``/networks`` and ``/public/networks``."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import endpoint
from chalicelib.domain.access import Principal
from chalicelib.domain.models import Items
from chalicelib.domain.networks import Network, NetworkIn, NetworkView, PublicNetwork
from chalicelib.services import get_services

bp = Blueprint(__name__)
READ = (401, 403, 404)
WRITE = (400, 401, 403, 404, 409, 413)


@endpoint(
    bp,
    "POST",
    "/networks",
    summary="Create a network of organisations (platform admins)",
    tag="networks",
    body=NetworkIn,
    response=Network,
    status=201,
    errors=WRITE,
)
def create_network(body: NetworkIn, principal: Principal) -> Network:
    return get_services().networks.create_network(principal, body)


@endpoint(
    bp,
    "GET",
    "/networks",
    summary="Networks I may see (platform admins: all; coordinators: theirs)",
    tag="networks",
    response=Items[Network],
    errors=READ,
)
def list_networks(principal: Principal) -> Items[Network]:
    return Items[Network](items=get_services().networks.list_networks(principal))


@endpoint(
    bp,
    "GET",
    "/networks/{network_id}",
    summary="One network with its organisations and their units",
    tag="networks",
    response=NetworkView,
    errors=READ,
)
def get_network(network_id: str, principal: Principal) -> NetworkView:
    return get_services().networks.get_network(principal, network_id)


@endpoint(
    bp,
    "PUT",
    "/networks/{network_id}",
    summary="Change a network's name, members and coordinators (platform admins)",
    tag="networks",
    body=NetworkIn,
    response=Network,
    errors=WRITE,
)
def update_network(network_id: str, body: NetworkIn, principal: Principal) -> Network:
    return get_services().networks.update_network(principal, network_id, body)


@endpoint(
    bp,
    "GET",
    "/public/networks",
    summary="Networks: id, name, member organisations and their countries",
    tag="public",
    response=Items[PublicNetwork],
    public=True,
)
def public_networks() -> Items[PublicNetwork]:
    return Items[PublicNetwork](items=get_services().networks.public_networks())
