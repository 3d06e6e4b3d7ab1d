"""QR points as they are now: a collection's template, whether it takes answers, and
what the page (``GET /public/collections/{code}``), its QR code and members see of it.

Every other survey service reads a point through ``SurveyPoints``: the members' side
(``surveys.py``), the answers (``survey_answers.py``), ideas and campaigns.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from typing import Any

from chalicelib.domain.errors import Gone, InvalidInput, NotFound
from chalicelib.domain.ideas import MAX_IDEA_TEXT, PublicIdea, text_in
from chalicelib.domain.surveys import (
    BUILTIN_TEMPLATES,
    CHECKIN_QUESTIONS,
    CHECKIN_TITLE,
    CORE_LANGUAGES,
    IDEAS_TITLE,
    Collection,
    CollectionStatus,
    PublicCollection,
    PublicQuestion,
    SurveyTemplate,
    collection_status,
    default_closes_at,
    is_collection_code,
    localised_questions,
    pick_language,
)
from chalicelib.services.clock import Clock, iso_instant
from chalicelib.settings import Settings
from chalicelib.store.directory import DirectoryRepository
from chalicelib.store.ideas import IdeaRepository
from chalicelib.store.surveys import SurveyRepository


def parse_instant(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as a standalone, scalable SVG (medium error correction,
    which survives a poster's creases and a cracked camera lens)."""
    import segno  # only this route needs it: keep it off the cold start

    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    # A white quiet zone of its own: scanners need it, and a dark viewer or page
    # behind a transparent SVG would hide the code.
    code.save(
        out,
        kind="svg",
        scale=8,
        border=4,
        light="#fff",
        title="QR code",
        svgclass=None,
        lineclass=None,
    )
    return out.getvalue().decode()


class SurveyPoints:
    """Reading QR points: their templates, their state now, and their public page."""

    def __init__(
        self,
        surveys: SurveyRepository,
        ideas: IdeaRepository,
        directory: DirectoryRepository,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self.surveys = surveys
        self.ideas = ideas
        self.directory = directory
        self.settings = settings
        self.clock = clock

    def template(self, org_id: str, template_id: str) -> SurveyTemplate | None:
        """A built-in template or one of ``org_id``'s own, or None."""
        if template_id in BUILTIN_TEMPLATES:
            return BUILTIN_TEMPLATES[template_id]
        item = self.surveys.get_template(org_id, template_id)
        return SurveyTemplate(**item) if item else None

    def status(self, item: dict[str, Any]) -> CollectionStatus:
        return collection_status(
            self.clock.now(),
            parse_instant(item.get("opens_at")),
            self.closes_at(item),
            parse_instant(item.get("closed_at")),
        )

    def closes_at(self, item: dict[str, Any]) -> dt.datetime:
        """The stored closing time; collections stored before closing times had a
        default close at their default running time after they opened."""
        stored = parse_instant(item.get("closes_at"))
        if stored is not None:
            return stored
        created = parse_instant(item.get("created_at")) or self.clock.now()
        try:
            return default_closes_at(item["kind"], parse_instant(item.get("opens_at")), created)
        except InvalidInput:  # opens near the calendar's end: it never closes by itself
            return dt.datetime.max.replace(tzinfo=dt.UTC)

    def known(self, code: str) -> dict[str, Any]:
        """The stored point of ``code`` (any letter case), or 404."""
        code = code.lower()
        item = self.surveys.get_collection(code) if is_collection_code(code) else None
        if item is None:
            raise NotFound(f"no survey has the code {code}; check the address on the poster")
        return item

    def open(self, code: str) -> dict[str, Any]:
        """The point of ``code`` if it takes answers now: 404 unknown, 410 closed or not
        open yet."""
        item = self.known(code)
        status = self.status(item)
        if status == "closed":
            raise Gone("this survey is closed and takes no more answers", status="closed")
        if status == "scheduled":
            raise Gone(
                f"this survey opens at {item['opens_at']}",
                status="scheduled",
                opens_at=item["opens_at"],
            )
        return item

    def view(self, item: dict[str, Any], api_base: str, received: int) -> Collection:
        """A stored collection as members see it (addresses, status, closing time)."""
        code = item["code"]
        site = self.settings.site_url.rstrip("/")
        fields = {key: value for key, value in item.items() if key in Collection.model_fields}
        fields["closes_at"] = iso_instant(self.closes_at(item))
        return Collection(
            **fields,
            status=self.status(item),
            url=f"{site}/s/?c={code}",
            qr_svg_url=f"{api_base}/public/collections/{code}/qr.svg",
            poster_url=f"{site}/s/poster.html?c={code}",
            received=received,
        )

    def public_collection(self, code: str, lang: str | None) -> PublicCollection:
        """What the survey page shows: questions in one language (404 unknown, 410 closed)."""
        item = self.open(code)
        unit = self.directory.get_unit(item["unit_id"]) or {"name": ""}
        if item["kind"] == "checkin":
            chosen = pick_language(lang, list(CORE_LANGUAGES))
            return PublicCollection(
                code=item["code"],
                kind="checkin",
                title=CHECKIN_TITLE[chosen],
                unit_name=unit["name"],
                lang=chosen,
                languages=list(CORE_LANGUAGES),
                questions=[
                    PublicQuestion(**q) for q in localised_questions(CHECKIN_QUESTIONS, chosen)
                ],
                salt=self.surveys.checkin_salt(item["org_id"], secrets.token_hex(16)),
                closes_at=iso_instant(self.closes_at(item)),
            )
        if item["kind"] == "ideas":
            return self._public_ideas_point(item, unit["name"], lang)
        template = self.template(item["org_id"], item["template_id"])
        if template is None:  # pragma: no cover - templates are never deleted
            raise Gone("this survey's questions are no longer available")
        chosen = pick_language(lang, template.languages)
        return PublicCollection(
            code=item["code"],
            kind="survey",
            title=template.title[chosen],
            unit_name=unit["name"],
            lang=chosen,
            languages=template.languages,
            questions=[
                PublicQuestion(**q)
                for q in localised_questions(template.questions, chosen, template.scale_labels)
            ],
            closes_at=iso_instant(self.closes_at(item)),
        )

    def _public_ideas_point(
        self, item: dict[str, Any], unit_name: str, lang: str | None
    ) -> PublicCollection:
        # Only approved proposals, without votes: a count could single someone out, and
        # a ranking would steer the vote. Ordered by id, a fixed order that favours none.
        chosen = pick_language(lang, list(CORE_LANGUAGES))
        approved = sorted(
            (idea for idea in self.ideas.list_ideas(item["code"]) if idea["status"] == "approved"),
            key=lambda idea: idea["id"],
        )
        return PublicCollection(
            code=item["code"],
            kind="ideas",
            title=IDEAS_TITLE[chosen],
            unit_name=unit_name,
            lang=chosen,
            languages=list(CORE_LANGUAGES),
            questions=[],
            closes_at=item.get("closes_at"),
            prompt=item.get("prompt"),
            ideas=[
                PublicIdea(
                    id=idea["id"],
                    text=text_in(
                        idea["text"], idea.get("lang"), idea.get("translations", {}), chosen
                    ),
                )
                for idea in approved
            ],
            max_length=MAX_IDEA_TEXT,
        )

    def qr_code(self, code: str) -> str:
        """The collection's QR code as SVG (404 for an unknown code)."""
        item = self.known(code)
        return qr_svg(f"{self.settings.site_url.rstrip('/')}/s/?c={item['code']}")
