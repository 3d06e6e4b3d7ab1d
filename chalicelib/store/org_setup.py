"""What an organisation sets up: goals, reflection questions, its own vocabulary and
its key figures by year, all under the organisation's partition."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from boto3.dynamodb.conditions import Key

from chalicelib.store import keys
from chalicelib.store.items import without_keys
from chalicelib.store.table import DataTableRepository


class OrgSetupRecords(DataTableRepository):
    """Goals, reflection questions, vocabulary and key figures of organisations."""

    # ------------------------------------------------------------ goals, questions
    def put_goal(self, goal: dict[str, Any], *, create: bool) -> None:
        """Store a goal of an organisation."""
        self._put_org_child(goal, keys.goal_sk(goal["id"]), "goal", create)

    def put_question(self, question: dict[str, Any], *, create: bool) -> None:
        """Store a reflection question of an organisation."""
        self._put_org_child(question, keys.question_sk(question["id"]), "question", create)

    def _put_org_child(self, child: dict[str, Any], sk: str, kind: str, create: bool) -> None:
        item = {"PK": keys.org_pk(child["org_id"]), "SK": sk, "type": kind, **child}
        if create:
            self._create(item, kind)
        else:
            self._replace(item, kind)

    def get_goal(self, org_id: str, goal_id: str) -> dict[str, Any] | None:
        """One goal, or None."""
        return self._get(keys.org_pk(org_id), keys.goal_sk(goal_id))

    def get_question(self, org_id: str, question_id: str) -> dict[str, Any] | None:
        """One reflection question, or None."""
        return self._get(keys.org_pk(org_id), keys.question_sk(question_id))

    def list_goals(self, org_id: str) -> list[dict[str, Any]]:
        """The goals of one organisation."""
        return self._org_children(org_id, "GOAL#")

    def list_questions(self, org_id: str) -> list[dict[str, Any]]:
        """The reflection questions of one organisation."""
        return self._org_children(org_id, "QUESTION#")

    def _org_children(self, org_id: str, prefix: str) -> list[dict[str, Any]]:
        items = self._query(
            KeyConditionExpression=Key("PK").eq(keys.org_pk(org_id)) & Key("SK").begins_with(prefix)
        )
        return [without_keys(item) for item in items]

    def goals_and_questions(self, org_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """An organisation's goals and reflection questions in one query."""
        goals, questions, _ = self.activity_context(org_id)
        return goals, questions

    def activity_context(
        self, org_id: str
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any] | None]:
        """What an activity is checked against, in one query: goals, questions, vocabulary."""
        goals: list[dict[str, Any]] = []
        questions: list[dict[str, Any]] = []
        vocabulary = None
        for item in self._query(
            KeyConditionExpression=Key("PK").eq(keys.org_pk(org_id))
            & Key("SK").between("GOAL#", "VOCABULARY")
        ):
            if item["type"] == "goal":
                goals.append(without_keys(item))
            elif item["type"] == "question":
                questions.append(without_keys(item))
            elif item["type"] == "vocabulary":
                vocabulary = without_keys(item)
        return goals, questions, vocabulary

    # ------------------------------------------------------------ vocabulary
    def get_vocabulary(self, org_id: str) -> dict[str, Any] | None:
        """An organisation's own categories (``{"categories": [...], ...}``), or None."""
        return self._get(keys.org_pk(org_id), keys.VOCABULARY)

    def put_vocabulary(
        self, org_id: str, categories: list[dict[str, Any]], updated_at: str
    ) -> None:
        """Replace an organisation's own categories."""
        self._table.put_item(
            Item={
                "PK": keys.org_pk(org_id),
                "SK": keys.VOCABULARY,
                "type": "vocabulary",
                "org_id": org_id,
                "categories": categories,
                "updated_at": updated_at,
            }
        )

    # ------------------------------------------------------------ key figures
    def get_key_figures(self, org_id: str, year: int) -> dict[str, Any] | None:
        """An organisation's key figures of one year, or None."""
        return self._get(keys.org_pk(org_id), keys.key_figures_sk(year))

    def put_key_figures(self, figures: dict[str, Any]) -> None:
        """Store (or replace) an organisation's key figures of one year."""
        self._table.put_item(
            Item={
                "PK": keys.org_pk(figures["org_id"]),
                "SK": keys.key_figures_sk(figures["year"]),
                "type": "key_figures",
                **{name: value for name, value in figures.items() if value is not None},
            }
        )

    def key_figures_of(self, org_ids: Sequence[str], year: int) -> dict[str, dict[str, Any]]:
        """Many organisations' key figures of one year, by organisation (BatchGetItem
        per 100; organisations that reported none are absent)."""
        wanted = [(keys.org_pk(org_id), keys.key_figures_sk(year)) for org_id in org_ids]
        return {
            item["org_id"]: without_keys(item)
            for item in self._batch_get(wanted).values()
            if "org_id" in item
        }

    def list_key_figures(self, org_id: str) -> list[dict[str, Any]]:
        """Every year's key figures of an organisation, oldest first."""
        return self._org_children(org_id, "KEYFIG#")
