"""Use cases by capability: access checks, then domain rules, then the store.

``root`` builds them all from settings with one clock (``get_services``, ``reset``);
each module is one capability:

- organisations and people: ``identity`` (principals), ``organisations`` (organisations
  and units), ``people`` (members, goals, reflection questions), ``vocabulary`` (an
  organisation's own categories), ``key_figures`` (yearly key figures and derived public
  figures), ``networks``;
- activities: ``activities``, ``data`` (the whole-organisation package, spreadsheet
  import);
- surveys: ``surveys`` (members' templates and QR points), ``survey_points`` (a point as
  it is now, its public page), ``survey_answers`` (answers, check-ins, rate limits) with
  ``sender_limits``, ``ideas``, ``campaigns``, ``targets`` (targets and analyses);
- statistics: ``statistics`` (published documents), ``averages`` (peers' averages, the
  annual report).

``lookups`` holds what they share ("load the organisation, then require the role"),
``clock`` the one clock. The local stack's seeding calls the very same methods, so demo
data goes through the same rules as real data.
"""

from chalicelib.services.activities import MAX_PAGE, strip_server_fields
from chalicelib.services.root import Services, get_services, reset

__all__ = ["MAX_PAGE", "Services", "get_services", "reset", "strip_server_fields"]
