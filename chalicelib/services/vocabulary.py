"""An organisation's own categories beside the core vocabulary (docs/vocabulary.md)."""

from __future__ import annotations

from chalicelib.domain.access import Principal
from chalicelib.domain.errors import Conflict, FieldProblem
from chalicelib.domain.vocabulary import (
    CATEGORIES,
    Vocabulary,
    VocabularyIn,
    own_categories,
    vocabulary_view,
)
from chalicelib.services.clock import Clock
from chalicelib.services.lookups import Lookups
from chalicelib.store.activities import ActivityRepository
from chalicelib.store.directory import DirectoryRepository


class Vocabularies:
    """Read (members) and replace (org admins) an organisation's own categories."""

    def __init__(
        self,
        lookups: Lookups,
        directory: DirectoryRepository,
        activities: ActivityRepository,
        clock: Clock,
    ) -> None:
        self.lookups = lookups
        self.directory = directory
        self.activities = activities
        self.clock = clock

    def get_vocabulary(self, principal: Principal, org_id: str) -> Vocabulary:
        """The core kinds and categories and the organisation's own (members)."""
        self.lookups.member_org(principal, org_id)
        stored = self.directory.get_vocabulary(org_id)
        return vocabulary_view(
            org_id, own_categories(stored), stored.get("updated_at") if stored else None
        )

    def put_vocabulary(self, principal: Principal, org_id: str, data: VocabularyIn) -> Vocabulary:
        """Replace the organisation's own categories (org admins).

        A category that activities use cannot be removed, nor moved onto another core
        category (their statistics were counted under the old one): 409 with the counts.
        """
        self.lookups.admin_org(principal, org_id)
        current = own_categories(self.directory.get_vocabulary(org_id))
        wanted = {category.id: category for category in data.categories}
        touched = {
            category_id
            for category_id, entry in current.items()
            if category_id not in CATEGORIES
            and (category_id not in wanted or wanted[category_id].maps_to != entry["maps_to"])
        }
        if touched:
            self._refuse_touching_used(org_id, touched)
        now = self.clock.iso()
        categories = [category.model_dump() for category in data.categories]
        self.directory.put_vocabulary(org_id, categories, now)
        return vocabulary_view(org_id, {c["id"]: c for c in categories}, now)

    def _refuse_touching_used(self, org_id: str, touched: set[str]) -> None:
        """409 with the counts if activities use any of the ``touched`` categories."""
        unit_ids = [unit["id"] for unit in self.directory.list_units(org_id)]
        in_use = {
            category_id: used
            for category_id, used in self.activities.count_using_categories(
                unit_ids, touched
            ).items()
            if used
        }
        if in_use:
            described = ", ".join(
                f"{category_id} ({used} activities)" for category_id, used in in_use.items()
            )
            raise Conflict(
                f"categories in use cannot be removed or mapped elsewhere: {described}",
                errors=[
                    FieldProblem("categories", f"{category_id} is used by {used} activities")
                    for category_id, used in in_use.items()
                ],
                in_use=in_use,
            )
