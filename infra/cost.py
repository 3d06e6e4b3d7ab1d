"""Monthly AWS cost of a Logbook deployment, from request counts per operation.

``python -m infra.cost`` prints the tables in ``infra/README.md``. Everything the
figures rest on is a named constant below: the published on-demand unit prices of
eu-central-1 (Frankfurt), the request counts each user action causes, and the yearly
volumes of the two networks. Change one and run it again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from chalicelib.observability import Counter

# ---------------------------------------------------------------- unit prices (USD)
# eu-central-1, on-demand, as published on the AWS pricing pages (re-check before
# budgeting: prices change; DynamoDB on-demand was halved in November 2024).
DYNAMODB_WRITE_PER_MILLION: Final = 0.7625  # write request units
DYNAMODB_READ_PER_MILLION: Final = 0.1525  # read request units
DYNAMODB_STORAGE_GB_MONTH: Final = 0.306
DYNAMODB_PITR_GB_MONTH: Final = 0.2448
# Lambda reads DynamoDB Streams for triggers at no charge.
LAMBDA_REQUESTS_PER_MILLION: Final = 0.20
LAMBDA_GB_SECOND: Final = 0.0000166667  # x86_64
API_GATEWAY_REST_PER_MILLION: Final = 3.70  # first 333 million a month
CLOUDFRONT_HTTPS_PER_MILLION: Final = 1.20  # Europe: $0.0120 per 10,000
CLOUDFRONT_GB_OUT: Final = 0.085  # Europe, first 10 TB
CLOUDFRONT_FUNCTION_PER_MILLION: Final = 0.10
S3_GET_PER_MILLION: Final = 0.43
S3_STORAGE_GB_MONTH: Final = 0.0245
COGNITO_LITE_PER_MAU: Final = 0.0055  # beyond the free 10,000 MAU
CLOUDWATCH_ALARM_MONTH: Final = 0.10
CLOUDWATCH_METRIC_MONTH: Final = 0.30  # a custom metric (name x dimensions), first 10,000
CLOUDWATCH_LOGS_INGEST_GB: Final = 0.63
KMS_KEY_MONTH: Final = 1.00  # a customer-managed key; its few requests stay in the free 20,000
WAF_WEB_ACL_MONTH: Final = 5.00
WAF_RULE_MONTH: Final = 1.00
WAF_PER_MILLION: Final = 0.60

# Always-free tiers (per account and month; not the 12-month trial tiers).
FREE_LAMBDA_REQUESTS: Final = 1_000_000
FREE_LAMBDA_GB_SECONDS: Final = 400_000
FREE_CLOUDFRONT_REQUESTS: Final = 10_000_000
FREE_CLOUDFRONT_GB: Final = 1_000
FREE_CLOUDFRONT_FUNCTIONS: Final = 2_000_000
FREE_DYNAMODB_STORAGE_GB: Final = 25
FREE_COGNITO_MAU: Final = 10_000
FREE_ALARMS: Final = 10
FREE_METRICS: Final = 10
FREE_LOGS_GB: Final = 5

# ---------------------------------------------------------------- per operation
# WCU the aggregate spends per stream record on the stats table. Measured by `make bench`:
# 0.40 WCU per record when records share 100-record batches (23x less than a naive
# consumer's 9.29). At these volumes records rarely share a batch, so the model charges
# what a record alone costs: one write (items < 1 KB) per aggregate key it touches,
# 3 scopes x 3 periods = 9.
STATS_WCU_PER_RECORD: Final = 9.0
STATS_RCU_PER_RECORD: Final = 1.0  # watermark reads: one BatchGetItem of <= 4 KB items

LAMBDA_MEMORY_GB: Final = 0.5  # .chalice/config.json lambda_memory_size
WARM_API_SECONDS: Final = 0.12  # one API request, warm
COLD_INIT_SECONDS: Final = 1.6  # billed INIT of a cold start (see make bench-cold)
AGGREGATE_SECONDS: Final = 0.25  # one aggregate invocation
LOG_BYTES_PER_INVOCATION: Final = 1_000
ACCESS_LOG_BYTES_PER_REQUEST: Final = 300  # API Gateway's access log line (infra/stack.py)
# What the stack defines: API 5xx, API request flood, errors of each of 3 functions,
# iterator age, failures.
ALARMS: Final = 7
# What the functions publish (chalicelib/observability.py), one stage; EMF lines are logs.
CUSTOM_METRICS: Final = len(Counter)


@dataclass(frozen=True)
class Operation:
    """What one user action costs in requests (fractions are averages)."""

    name: str
    api_requests: float  # through API Gateway to the API Lambda
    authorizer_calls: float  # token checks (API Gateway caches a result for 5 minutes)
    data_wru: float  # data table write request units (item + index)
    data_rru: float  # data table read request units
    stats_rru: float  # stats table reads by the API
    stream_records: float  # data changes the aggregate folds
    cdn_requests: float  # static files and cached /public/* answers
    cdn_bytes: float


# Derivation (see README): an activity is logged in one short session of the app.
LOG_ACTIVITY: Final = Operation(
    name="activity logged (or edited)",
    # templates + list + POST + the unit's figures afterwards
    api_requests=4,
    authorizer_calls=1,
    # ~2 KB item (notes, reflection) written to the table and to GSI1 (projection ALL),
    # + the Idempotency-Key's record in the idempotency table (written "in progress",
    # then completed with the answer: 2 writes of ≤ 1 KB)
    data_wru=4 + 2,
    # each request reads the caller's memberships (roles are read per request)
    data_rru=4 * 1.0,
    stats_rru=1,
    stream_records=1,
    cdn_requests=8,
    cdn_bytes=200_000,
)
SURVEY_ANSWER: Final = Operation(
    name="survey answer",
    # GET /public/collections/{code} + POST /public/responses (no token)
    api_requests=2,
    authorizer_calls=0,
    # the response (idempotent on submission_id: one conditional put, ≤ 1 KB) +
    # the collection read
    data_wru=1,
    data_rru=1,
    stats_rru=0,
    stream_records=1,
    cdn_requests=5,
    cdn_bytes=60_000,
)


def stats_view(cache_hit_ratio: float) -> Operation:
    """A stats page view: static files + 2 cacheable /public/* answers via CloudFront."""
    misses = 2 * (1 - cache_hit_ratio)
    return Operation(
        name=f"stats page view ({cache_hit_ratio:.0%} CDN hits)",
        api_requests=misses,
        authorizer_calls=0,
        data_wru=0,
        data_rru=misses * 0.5,  # /public/orgs: one query
        stats_rru=misses * 1.0,  # /public/stats: one key lookup
        stream_records=0,
        cdn_requests=8,
        cdn_bytes=150_000,
    )


@dataclass(frozen=True)
class Network:
    """A deployment's yearly volumes."""

    name: str
    activities_per_year: float
    edits_per_activity: float
    survey_answers_per_year: float
    stats_views_per_year: float
    cache_hit_ratio: float
    monthly_active_users: float
    cold_start_share: float  # share of API invocations that start a new environment
    stored_gb: float  # data + stats after some years (PITR is charged on the same)

    def scaled(self, factor: float, name: str) -> Network:
        """The same network ``factor`` times bigger (hotter caches, fewer cold starts)."""
        return replace(
            self,
            name=name,
            activities_per_year=self.activities_per_year * factor,
            survey_answers_per_year=self.survey_answers_per_year * factor,
            stats_views_per_year=self.stats_views_per_year * factor,
            monthly_active_users=self.monthly_active_users * factor,
            stored_gb=self.stored_gb * factor,
            cache_hit_ratio=0.9,
            cold_start_share=0.02,
        )


SLOVENIA: Final = Network(
    name="Slovenia (27 centres)",
    activities_per_year=9_000,
    edits_per_activity=0.5,
    survey_answers_per_year=1_000,
    stats_views_per_year=25_000,
    cache_hit_ratio=0.5,
    # ~4 youth workers per centre + an admin per municipality sign in each month
    monthly_active_users=150,
    # ~3,000 API calls a month: most arrive to a cold function
    cold_start_share=0.6,
    stored_gb=0.1,
)
EU: Final = SLOVENIA.scaled(500, "EU-wide (500x)")


@dataclass(frozen=True)
class Line:
    """One service's monthly usage and cost (list price, and after always-free tiers)."""

    service: str
    usage: str
    list_usd: float
    billed_usd: float


def _per_million(count: float, price: float, free: float = 0.0) -> tuple[float, float]:
    return count / 1e6 * price, max(0.0, count - free) / 1e6 * price


def monthly_usage(network: Network) -> dict[str, float]:
    """Monthly request counts per kind, from the operations and the volumes."""
    writes = network.activities_per_year * (1 + network.edits_per_activity) / 12
    answers = network.survey_answers_per_year / 12
    views = network.stats_views_per_year / 12
    view = stats_view(network.cache_hit_ratio)
    mix = ((LOG_ACTIVITY, writes), (SURVEY_ANSWER, answers), (view, views))

    def total(field: str) -> float:
        return sum(float(getattr(op, field)) * n for op, n in mix)

    records = total("stream_records")
    api = total("api_requests")
    authorizer = total("authorizer_calls")
    # One batch invocation per record at small scale (records rarely share a batch)
    # plus the tumbling window's closing invocation: 2 per record is the upper bound.
    aggregate = 2 * records
    api_seconds = api * (WARM_API_SECONDS + network.cold_start_share * COLD_INIT_SECONDS)
    auth_seconds = authorizer * (0.05 + network.cold_start_share * COLD_INIT_SECONDS)
    return {
        "api_requests": api,
        "lambda_requests": api + authorizer + aggregate,
        "gb_seconds": LAMBDA_MEMORY_GB
        * (api_seconds + auth_seconds + aggregate * AGGREGATE_SECONDS),
        "wru": total("data_wru") + records * STATS_WCU_PER_RECORD,
        "rru": total("data_rru") + total("stats_rru") + records * STATS_RCU_PER_RECORD,
        "cdn_requests": total("cdn_requests"),
        "cdn_gb": sum(op.cdn_bytes * n for op, n in mix) / 1e9,
        "cdn_functions": writes * 2 + answers + views,  # page navigations only
        "s3_gets": total("cdn_requests") * (1 - network.cache_hit_ratio) * 0.2,
        "log_gb": (
            (api + authorizer + aggregate) * LOG_BYTES_PER_INVOCATION
            + api * ACCESS_LOG_BYTES_PER_REQUEST
        )
        / 1e9,
        "stream_records": records,
        "mau": network.monthly_active_users,
    }


def estimate(network: Network, alarms: int = ALARMS, waf: bool = False) -> list[Line]:
    """Monthly cost lines for ``network`` (``alarms``: what the stack defines)."""
    u = monthly_usage(network)
    lines: list[Line] = []

    def add(service: str, usage: str, costs: tuple[float, float]) -> None:
        lines.append(Line(service, usage, *costs))

    add(
        "API Gateway (REST)",
        f"{u['api_requests']:,.0f} requests",
        _per_million(u["api_requests"], API_GATEWAY_REST_PER_MILLION),
    )
    requests = _per_million(u["lambda_requests"], LAMBDA_REQUESTS_PER_MILLION, FREE_LAMBDA_REQUESTS)
    compute_list = u["gb_seconds"] * LAMBDA_GB_SECOND
    compute_billed = max(0.0, u["gb_seconds"] - FREE_LAMBDA_GB_SECONDS) * LAMBDA_GB_SECOND
    add(
        "Lambda (API, authorizer, aggregate)",
        f"{u['lambda_requests']:,.0f} invocations, {u['gb_seconds']:,.0f} GB-s",
        (requests[0] + compute_list, requests[1] + compute_billed),
    )
    writes = _per_million(u["wru"], DYNAMODB_WRITE_PER_MILLION)
    reads = _per_million(u["rru"], DYNAMODB_READ_PER_MILLION)
    add(
        "DynamoDB requests (on-demand)",
        f"{u['wru']:,.0f} WRU, {u['rru']:,.0f} RRU",
        (writes[0] + reads[0], writes[1] + reads[1]),
    )
    gb = network.stored_gb
    storage_list = gb * (DYNAMODB_STORAGE_GB_MONTH + DYNAMODB_PITR_GB_MONTH)
    storage_billed = (
        max(0.0, gb - FREE_DYNAMODB_STORAGE_GB) * DYNAMODB_STORAGE_GB_MONTH
        + gb * DYNAMODB_PITR_GB_MONTH
    )
    add("DynamoDB storage + PITR", f"{gb:,.1f} GB", (storage_list, storage_billed))
    cdn_requests = _per_million(
        u["cdn_requests"], CLOUDFRONT_HTTPS_PER_MILLION, FREE_CLOUDFRONT_REQUESTS
    )
    cdn_out = (
        u["cdn_gb"] * CLOUDFRONT_GB_OUT,
        max(0.0, u["cdn_gb"] - FREE_CLOUDFRONT_GB) * CLOUDFRONT_GB_OUT,
    )
    cdn_functions = _per_million(
        u["cdn_functions"], CLOUDFRONT_FUNCTION_PER_MILLION, FREE_CLOUDFRONT_FUNCTIONS
    )
    add(
        "CloudFront",
        f"{u['cdn_requests']:,.0f} requests, {u['cdn_gb']:,.1f} GB",
        (
            cdn_requests[0] + cdn_out[0] + cdn_functions[0],
            cdn_requests[1] + cdn_out[1] + cdn_functions[1],
        ),
    )
    s3 = u["s3_gets"] / 1e6 * S3_GET_PER_MILLION + 0.01 * S3_STORAGE_GB_MONTH
    add("S3 (site bucket)", f"{u['s3_gets']:,.0f} GETs (cache misses)", (s3, s3))
    mau = u["mau"]
    add(
        "Cognito (Lite)",
        f"{mau:,.0f} MAU",
        (mau * COGNITO_LITE_PER_MAU, max(0.0, mau - FREE_COGNITO_MAU) * COGNITO_LITE_PER_MAU),
    )
    logs = u["log_gb"] * CLOUDWATCH_LOGS_INGEST_GB
    add(
        "CloudWatch (alarms, metrics, logs)",
        f"{alarms} alarms, {CUSTOM_METRICS} metrics, {u['log_gb']:,.2f} GB logs",
        (
            alarms * CLOUDWATCH_ALARM_MONTH + CUSTOM_METRICS * CLOUDWATCH_METRIC_MONTH + logs,
            max(0, alarms - FREE_ALARMS) * CLOUDWATCH_ALARM_MONTH
            + max(0, CUSTOM_METRICS - FREE_METRICS) * CLOUDWATCH_METRIC_MONTH
            + max(0.0, u["log_gb"] - FREE_LOGS_GB) * CLOUDWATCH_LOGS_INGEST_GB,
        ),
    )
    add("KMS (operations key)", "1 key", (KMS_KEY_MONTH, KMS_KEY_MONTH))
    if waf:
        waf_cost = WAF_WEB_ACL_MONTH + WAF_RULE_MONTH + u["api_requests"] / 1e6 * WAF_PER_MILLION
        add("WAF (optional, -c waf=true)", "1 web ACL, 1 rule", (waf_cost, waf_cost))
    return lines


def markdown(network: Network, waf: bool = False) -> str:
    """The cost table of ``network`` as Markdown."""
    lines = estimate(network, waf=waf)
    rows = [
        f"| {line.service} | {line.usage} | ${line.list_usd:,.2f} | ${line.billed_usd:,.2f} |"
        for line in lines
    ]
    total_list = sum(line.list_usd for line in lines)
    total_billed = sum(line.billed_usd for line in lines)
    return "\n".join(
        [
            f"**{network.name}** — per month",
            "",
            "| service | usage | list price | after always-free tiers |",
            "|---|---|---:|---:|",
            *rows,
            f"| **total** | | **${total_list:,.2f}** | **${total_billed:,.2f}** |",
        ]
    )


# ---------------------------------------------------------------- the cost of abuse
# Anonymous routes today (chalicelib/api; tests/infra/test_stack.py counts them in the
# template): POST /public/responses, /checkins, /ideas, /votes; GET /public/orgs,
# /collections/{code}, its qr.svg, /stats, /stats.csv, /compare, /datapackage.json,
# /datapackage/{name}, /catalog.jsonld, /averages, /report, /networks; and GET
# /activity-import-template.csv.
ANONYMOUS_POSTS: Final = 4
ANONYMOUS_GETS: Final = 13
WRU_PER_ANONYMOUS_POST: Final = 2.0  # a per-sender counter and the answer (or a refusal)
RRU_PER_ANONYMOUS_GET: Final = 1.5


def abuse_per_day(
    post_rate: float = 10.0,
    get_rate: float = 10.0,
    api_concurrency: int = 20,
    posts: int = ANONYMOUS_POSTS,
    gets: int = ANONYMOUS_GETS,
) -> dict[str, float]:
    """What a day of flooding every anonymous route at its throttle costs (list prices,
    no free tier): the stage's defaults (infra/settings.py) unless told otherwise."""
    seconds = 86_400
    post_requests = posts * post_rate * seconds
    get_requests = gets * get_rate * seconds
    requests = post_requests + get_requests
    # Lambda compute: what the requests need, never more than the reserved concurrency.
    gb_seconds = min(requests * WARM_API_SECONDS, api_concurrency * seconds) * LAMBDA_MEMORY_GB
    costs = {
        "requests": requests,
        "api_gateway": requests / 1e6 * API_GATEWAY_REST_PER_MILLION,
        "lambda": requests / 1e6 * LAMBDA_REQUESTS_PER_MILLION + gb_seconds * LAMBDA_GB_SECOND,
        "lambda_ceiling": api_concurrency * seconds * LAMBDA_MEMORY_GB * LAMBDA_GB_SECOND,
        "dynamodb": post_requests * WRU_PER_ANONYMOUS_POST / 1e6 * DYNAMODB_WRITE_PER_MILLION
        + get_requests * RRU_PER_ANONYMOUS_GET / 1e6 * DYNAMODB_READ_PER_MILLION,
        "logs": requests
        * (LOG_BYTES_PER_INVOCATION + ACCESS_LOG_BYTES_PER_REQUEST)
        / 1e9
        * CLOUDWATCH_LOGS_INGEST_GB,
    }
    costs["total"] = sum(v for k, v in costs.items() if k not in ("requests", "lambda_ceiling"))
    return costs


def abuse_markdown() -> str:
    """The README's line on a day of flooding at the default limits."""
    c = abuse_per_day()
    return (
        f"{c['requests']:,.0f} requests a day: API Gateway ${c['api_gateway']:.2f}, "
        f"Lambda ${c['lambda']:.2f}, DynamoDB ${c['dynamodb']:.2f}, "
        f"CloudWatch Logs ${c['logs']:.2f} — **${c['total']:.2f} a day**"
    )


def main() -> None:
    """Print both networks' tables (and the EU one with the WAF on)."""
    print(markdown(SLOVENIA))
    print()
    print(markdown(EU))
    print()
    print(markdown(EU, waf=True).splitlines()[-1].replace("total", "total with WAF"))
    print()
    print(abuse_markdown())


if __name__ == "__main__":
    main()
