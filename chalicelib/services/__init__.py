"""Use cases by capability: access checks, then domain rules, then the store.

``root`` builds them (``get_services``, ``reset``); each module is one capability:
``identity`` (principals), ``organisations`` (organisations and units), ``people``
(members, goals, reflection questions), ``vocabulary`` (an organisation's own
categories), ``key_figures`` (yearly key figures and derived public figures),
``activities``; ``lookups`` holds what they share ("load the organisation, then
require the role"). The local stack's seeding calls the very same methods, so demo
data goes through the same rules as real data.
"""

from chalicelib.services.activities import MAX_PAGE, strip_server_fields
from chalicelib.services.root import Services, get_services, reset

__all__ = ["MAX_PAGE", "Services", "get_services", "reset", "strip_server_fields"]
