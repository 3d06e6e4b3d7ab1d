"""The open data package of public statistics: tidy rows, dictionary, DCAT-AP metadata.

Pure. Rows are made from the very documents ``GET /public/stats`` answers (so whatever
the publication layer suppresses stays suppressed here), in the columns of the
``/stats/`` page's CSV download (``static_site/stats/figures.js``): one figure a row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.domain.datapackage import Column, Table, package_descriptor

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
CITATION = "Logbook open youth work statistics ({year_span}). {site}/stats/ — CC BY 4.0."

#: The data dictionary: what each measure of the ``measure`` column means.
MEASURES: dict[str, str] = {
    "activities": "Activities recorded",
    "hours": "Hours of activities (sum of durations)",
    "youth_led": "Activities led by young people",
    "youth_led_share": "Share of activities led by young people (0-1)",
    "visits": "Visits: the sum of participants over activities",
    "new": "Participants who came for the first time",
    "volunteers": "Volunteers",
    "youth_leaders": "Young people who led activities",
    "responses": "Survey responses (every template)",
    "checkins": "Check-ins at QR points",
    "unique_visitors": "Different young people who checked in (empty until the period ends)",
    "kind:*": "Activities of one kind (open, group, event, outreach, digital, ...)",
    "category:*": "Activities of one category (an activity may have several)",
    "gender:*": "Visits by gender (girls, boys, nonbinary, undisclosed)",
    "age_band:*": "Visits by age band",
    "indicator:*": "Mean score (1-5) of an indicator from young people's survey answers",
}
_SUMMARY = (
    ("activities", "count"),
    ("hours", "hours"),
    ("youth_led", "youth_led"),
    ("youth_led_share", "youth_led_share"),
)
_PARTICIPATION = (
    "visits", "new", "volunteers", "youth_leaders", "checkins", "unique_visitors",
)  # fmt: skip

FIGURES = Table(
    "figures",
    "Public figures",
    "Every published figure of every scope and period, one figure a row (the columns of"
    " the /stats/ page's CSV download). Suppressed figures have no value, only a reason.",
    (
        Column(
            "section",
            "string",
            "summary, activities, participation or indicators",
            True,
            constraints={"enum": ["summary", "activities", "participation", "indicators"]},
        ),
        Column(
            "scope",
            "string",
            "all, org:{id}, unit:{id}, network:{id} or country:{CC} (a network or a country "
            "is the sum of its organisations)",
            True,
        ),
        Column(
            "scope_name",
            "string",
            "Name of the organisation, unit or network (a country: its ISO code)",
            free_text=True,
        ),
        Column(
            "period",
            "string",
            "YYYY, YYYY-Qn or YYYY-MM",
            True,
            constraints={"pattern": "^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"},
        ),
        Column("measure", "string", "The measure: see the resource measures", True),
        Column("value", "number", "The figure; empty when suppressed or not yet known"),
        Column(
            "n", "integer", "Indicators: respondents behind the figure", constraints={"minimum": 0}
        ),
        Column("ci95_low", "number", "Indicators: lower end of the 95 % confidence interval"),
        Column("ci95_high", "number", "Indicators: upper end of the 95 % confidence interval"),
        Column("agree_share", "number", "Indicators: share of respondents scoring 4 or 5"),
        Column(
            "suppressed",
            "boolean",
            "True when the figure is withheld to protect a small group",
            True,
        ),
        Column("reason", "string", "Why a figure is suppressed"),
    ),
)
DICTIONARY = Table(
    "measures",
    "Data dictionary",
    "What each value of the measure column of the figures means (* stands for a key).",
    (
        Column("measure", "string", "Measure name, or a family such as kind:*", True),
        Column("description", "string", "What it counts or measures", True),
    ),
    primary_key=("measure",),
)


def figure_rows(statistics: Mapping[str, Any], scope_name: str) -> list[dict[str, Any]]:
    """The tidy rows of one published statistics document."""
    scope, period = statistics["scope"], statistics["period"]

    def row(section: str, measure: str, value: Any, **extra: Any) -> dict[str, Any]:
        return {
            "section": section, "scope": scope, "scope_name": scope_name, "period": period,
            "measure": measure, "value": value, "suppressed": False, **extra,
        }  # fmt: skip

    activities = statistics["activities"]
    participation = statistics["participation"]
    rows = [row("summary", measure, activities.get(key)) for measure, key in _SUMMARY]
    rows += [row("summary", name, participation.get(name)) for name in _PARTICIPATION]
    rows.append(row("summary", "responses", statistics.get("responses")))
    rows += [row("activities", f"kind:{k}", v) for k, v in activities["by_kind"].items()]
    rows += [row("activities", f"category:{k}", v) for k, v in activities["by_category"].items()]
    rows += [
        row("participation", f"gender:{g}", participation.get(g))
        for g in ("girls", "boys", "nonbinary", "undisclosed")
    ]
    rows += [
        row("participation", f"age_band:{band}", value)
        for band, value in participation["age_bands"].items()
    ]
    for name, cell in statistics["indicators"].items():
        if cell.get("suppressed"):
            rows.append(
                row(
                    "indicators",
                    f"indicator:{name}",
                    None,
                    n=cell.get("n"),
                    suppressed=True,
                    reason=cell.get("reason"),
                )
            )
        else:
            low, high = cell.get("ci95") or (None, None)
            rows.append(
                row(
                    "indicators",
                    f"indicator:{name}",
                    cell.get("mean"),
                    n=cell.get("n"),
                    ci95_low=low,
                    ci95_high=high,
                    agree_share=cell.get("agree_share"),
                )
            )
    return rows


def has_figures(statistics: Mapping[str, Any]) -> bool:
    """Whether anything happened in this scope and period (empty cells are left out)."""
    return bool(
        statistics["activities"].get("count")
        or statistics.get("responses")
        or statistics["participation"].get("checkins")
    )


def dictionary_rows() -> list[dict[str, str]]:
    return [{"measure": name, "description": text} for name, text in MEASURES.items()]


def descriptor(years: Iterable[int], site_url: str, updated: str) -> dict[str, Any]:
    """``datapackage.json``: the dictionary and one figures resource per year."""
    years = sorted(years)
    span = f"{years[0]}-{years[-1]}" if years else "no data yet"
    resources = [DICTIONARY.descriptor()]
    for year in years:
        resource = FIGURES.descriptor()
        resource.update(
            name=f"figures-{year}",
            path=f"datapackage/figures-{year}.csv",
            title=f"Public figures {year}",
            description=f"{FIGURES.description} Year {year}, its quarters and months.",
        )
        resources.append(resource)
    resources[0]["path"] = "datapackage/measures.csv"
    package = package_descriptor(
        name="logbook-open-statistics",
        title="Logbook: open youth work statistics",
        description=(
            "Activities, participation and young people's survey indicators of every"
            " organisation and youth centre using this Logbook, by year, quarter and month."
            " Figures about small groups are suppressed."
        ),
        tables=[],
        licenses=[LICENSE],
        homepage=f"{site_url}/stats/",
        created=updated,
        keywords=["youth work", "statistics", "municipalities", "open data"],
        citation=CITATION.format(year_span=span, site=site_url),
        sources=[{"title": "Logbook", "path": f"{site_url}/stats/about.html"}],
    )
    package["resources"] = resources
    return package


def dcat_catalog(api_url: str, site_url: str, years: Iterable[int], updated: str) -> dict:
    """DCAT-AP 2 metadata (JSON-LD) that a national data portal can harvest."""
    distributions = [
        {
            "@id": f"{api_url}/public/datapackage.json",
            "@type": "dcat:Distribution",
            "dct:title": "Frictionless data package (descriptor)",
            "dcat:accessURL": {"@id": f"{api_url}/public/datapackage.json"},
            "dcat:mediaType": {
                "@id": "https://www.iana.org/assignments/media-types/application/json"
            },
            "dct:license": {"@id": LICENSE["path"]},
        }
    ]
    for year in sorted(years):
        url = f"{api_url}/public/datapackage/figures-{year}.csv"
        distributions.append(
            {
                "@id": url,
                "@type": "dcat:Distribution",
                "dct:title": f"Public figures {year} (CSV)",
                "dcat:accessURL": {"@id": url},
                "dcat:downloadURL": {"@id": url},
                "dcat:mediaType": {"@id": "https://www.iana.org/assignments/media-types/text/csv"},
                "dct:license": {"@id": LICENSE["path"]},
            }
        )
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@id": f"{api_url}/public/catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": "Logbook open data",
        "dct:description": "Open statistics of youth work recorded in Logbook.",
        "foaf:homepage": {"@id": f"{site_url}/stats/"},
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": "Logbook"},
        "dct:license": {"@id": LICENSE["path"]},
        "dcat:dataset": [
            {
                "@id": f"{api_url}/public/datapackage.json#dataset",
                "@type": "dcat:Dataset",
                "dct:title": "Logbook: open youth work statistics",
                "dct:description": (
                    "Activities, participation and survey indicators of youth work by"
                    " organisation, youth centre, year, quarter and month."
                ),
                "dct:modified": updated,
                "dct:license": {"@id": LICENSE["path"]},
                "dcat:keyword": ["youth work", "statistics", "municipalities"],
                "dcat:theme": {
                    "@id": "http://publications.europa.eu/resource/authority/data-theme/SOCI"
                },
                "dcat:landingPage": {"@id": f"{site_url}/stats/"},
                "dcat:distribution": distributions,
            }
        ],
    }
