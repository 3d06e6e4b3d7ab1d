"""One builder for the organisations, units and people tests need, made through the API.

A ``World`` is built with chained calls, each naming what it makes by a label; the
label is then an attribute (an organisation's or unit's id, a person's token)::

    world = (
        World(api)
        .with_org("org", "Ljubljana", country="SI")
        .with_unit("unit", "MC Šiška", org="org")
        .with_member("worker", "worker@lj.test", "worker", org="org", units=["unit"])
    )
    world.unit       # the unit's id
    world.worker     # the worker's token (signed in when added)
    world.admin      # the platform admin's token

Labels must not be the names of ``World``'s own attributes and methods. It also does
what young people do with a QR point (``collection``, ``respond``,
``check_in``). ``build_world`` and ``survey_world`` are the worlds most tests share.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import Any, Self

from tests.functional.conftest import ADMIN, Api


class World:
    """Organisations, units and people made through the public API, as an admin would."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.admin = api.token(ADMIN)
        self.ids: dict[str, str] = {}  # label → organisation or unit id
        self.tokens: dict[str, str] = {}  # label → a person's token
        self.emails: dict[str, str] = {}  # label → a person's e-mail

    def __getattr__(self, label: str) -> str:
        # Only called for names that are not attributes: the labels of what was built.
        for made in ("ids", "tokens"):
            found = self.__dict__.get(made, {})
            if label in found:
                return str(found[label])
        raise AttributeError(f"the world has nothing labelled {label!r}")

    def __getitem__(self, label: str) -> str:
        """The same as the attribute, for labels that are not names (``world["K1"]``)."""
        return self.__getattr__(label)

    # ------------------------------------------------------------ building
    def with_org(self, label: str, name: str, country: str = "SI", **fields: Any) -> Self:
        """An organisation (``fields``: ``youth_population``, ``municipality_code``)."""
        self.ids[label] = self._made("/orgs", {"name": name, "country": country, **fields})["id"]
        return self

    def with_unit(self, label: str, name: str, *, org: str) -> Self:
        """A unit of the organisation labelled ``org``."""
        self.ids[label] = self._made(f"/orgs/{self.ids[org]}/units", {"name": name})["id"]
        return self

    def with_member(
        self, label: str, email: str, role: str, *, org: str, units: Sequence[str] = ()
    ) -> Self:
        """A member of ``org`` in ``role`` (of the units labelled ``units``), signed in."""
        body: dict[str, Any] = {"email": email, "role": role}
        if units:
            body["unit_ids"] = [self.ids[unit] for unit in units]
        self._made(f"/orgs/{self.ids[org]}/members", body)
        self.emails[label] = email
        self.tokens[label] = self.api.token(email)
        return self

    def with_goal(self, label: str, title: str, *, org: str) -> Self:
        """A goal of the organisation labelled ``org``."""
        self.ids[label] = self._made(f"/orgs/{self.ids[org]}/goals", {"title": title})["id"]
        return self

    def with_question(self, label: str, text: str, *, org: str) -> Self:
        """A reflection question of the organisation labelled ``org``."""
        path = f"/orgs/{self.ids[org]}/reflection-questions"
        self.ids[label] = self._made(path, {"text": text})["id"]
        return self

    def with_activity(
        self, label: str, body: dict[str, Any], *, unit: str, by: str | None = None
    ) -> Self:
        """An activity of the unit labelled ``unit``, recorded by the person labelled ``by``
        (the platform admin when none is named)."""
        path = f"/units/{self.ids[unit]}/activities"
        self.ids[label] = self._made(path, body, self.tokens[by] if by else None)["id"]
        return self

    def _made(self, path: str, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        answer = self.api.call("POST", path, body, token=token or self.admin)
        assert answer.status == 201, (path, answer.json)
        return dict(answer.json)

    # ------------------------------------------------------------ QR points
    def collection(self, body: dict[str, Any] | None = None, unit: str | None = None) -> str:
        """Open a QR point (the annual survey unless ``body`` says otherwise): in the
        world's ``unit`` by its worker, or in the unit with id ``unit`` by the org admin."""
        answer = self.api.call(
            "POST",
            f"/units/{unit or self.unit}/collections",
            body or {"template_id": "annual"},
            token=self.worker if unit is None else self.org_admin,
        )
        assert answer.status == 201, answer.json
        return str(answer.json["code"])

    def respond(self, code: str, answers: dict[str, Any], sid: str | None = None) -> Any:
        """A young person's answers to a survey (in English)."""
        return self.api.call(
            "POST",
            "/public/responses",
            {
                "submission_id": sid or str(uuid.uuid4()),
                "collection_code": code,
                "lang": "en",
                "answers": answers,
            },
        )

    def check_in(self, code: str, nickname: str, sid: str | None = None, **extra: Any) -> Any:
        """A check-in as the page sends it: the nickname hashed with the point's salt."""
        salt = self.api.call("GET", f"/public/collections/{code}").json["salt"]
        visitor = hashlib.sha256((salt + nickname).encode()).hexdigest()
        return self.api.call(
            "POST",
            "/public/checkins",
            {
                "submission_id": sid or str(uuid.uuid4()),
                "collection_code": code,
                "visitor": visitor,
                **extra,
            },
        )


def build_world(api: Api) -> World:
    """Two organisations; ``org`` has two units and one person of every role
    (``org_admin``, ``worker`` and ``partner`` of ``unit``); ``outsider`` works in
    ``foreign_org``'s ``foreign_unit``."""
    return (
        World(api)
        .with_org("org", "Ljubljana", youth_population=60000)
        .with_unit("unit", "MC Šiška", org="org")
        .with_unit("other_unit", "Mladinski center Bežigrad", org="org")
        .with_org("foreign_org", "Maribor")
        .with_unit("foreign_unit", "MC Pekarna", org="foreign_org")
        .with_member("org_admin", "boss@lj.test", "org_admin", org="org")
        .with_member("worker", "worker@lj.test", "worker", org="org", units=["unit"])
        .with_member("partner", "partner@lj.test", "partner", org="org", units=["unit"])
        .with_member(
            "outsider", "outsider@mb.test", "worker", org="foreign_org", units=["foreign_unit"]
        )
    )


SURVEY_WORKER = "worker@city.example"
SURVEY_ORG_ADMIN = "boss@city.example"
SURVEY_OTHER = "worker@elsewhere.example"


def survey_world(api: Api) -> World:
    """An organisation with two units (``unit``, ``unit2``), a ``worker`` of the first and
    an ``org_admin``; another organisation's ``other_unit`` with its worker ``other``."""
    return (
        World(api)
        .with_org("org", "Ljubljana")
        .with_unit("unit", "MC Šiška", org="org")
        .with_unit("unit2", "MC Bežigrad", org="org")
        .with_member("worker", SURVEY_WORKER, "worker", org="org", units=["unit"])
        .with_member("org_admin", SURVEY_ORG_ADMIN, "org_admin", org="org")
        .with_org("other_org", "Espoo", country="FI")
        .with_unit("other_unit", "Tapiola", org="other_org")
        .with_member("other", SURVEY_OTHER, "worker", org="other_org", units=["other_unit"])
    )
