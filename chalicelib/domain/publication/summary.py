"""What an organisation's publication leaves for ``all``: its summary, stored per year.

Pure (JSON in and out).
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass, field
from decimal import Decimal

from chalicelib.domain.publication.solve import Demands
from chalicelib.domain.stats import (
    Figures,
    Number,
)

SUMMARY_PLAIN_LIMIT = 64_000


@dataclass
class OrgSummary:
    """What an organisation's publication leaves for ``all`` (stored per year and org).

    Per period: its released survey figures, live responses, when its survey figures
    were last written and last released; and the ``all`` cells its certificates need.
    """

    survey: dict[str, Figures] = field(default_factory=dict)
    responses: dict[str, int] = field(default_factory=dict)
    survey_at: dict[str, int] = field(default_factory=dict)
    released_at: dict[str, int] = field(default_factory=dict)
    demands: Demands = field(default_factory=dict)

    def to_json(self) -> str:
        """Compact JSON; past 64 KB (survey figures by group of many periods) zlib'd in
        base64 (``{"z": …}``), which keeps even a busy organisation's year far below
        DynamoDB's 400 KB item limit (a year of 400 answers a month: 435 KB → 12 KB)."""
        text = self._plain_json()
        if len(text) <= SUMMARY_PLAIN_LIMIT:
            return text
        packed = base64.b64encode(zlib.compress(text.encode(), 6)).decode("ascii")
        return json.dumps({"z": packed}, separators=(",", ":"))

    def _plain_json(self) -> str:
        return json.dumps(
            {
                "survey": {
                    p: {name: str(value) for name, value in f.items()}
                    for p, f in self.survey.items()
                },
                "responses": self.responses,
                "survey_at": self.survey_at,
                "released_at": self.released_at,
                "demands": [[p, m, sorted(s)] for (p, m), s in sorted(self.demands.items())],
            },
            separators=(",", ":"),
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> OrgSummary:
        data = json.loads(text)
        if "z" in data:
            data = json.loads(zlib.decompress(base64.b64decode(data["z"])))

        def number(value: str) -> Number:
            exact = Decimal(value)
            return int(exact) if exact == exact.to_integral_value() else exact

        return cls(
            survey={
                p: {name: number(v) for name, v in f.items()} for p, f in data["survey"].items()
            },
            responses={p: int(v) for p, v in data["responses"].items()},
            survey_at={p: int(v) for p, v in data["survey_at"].items()},
            released_at={p: int(v) for p, v in data["released_at"].items()},
            demands={(p, m): set(s) for p, m, s in data["demands"]},
        )
