"""Properties of the synthesized stacks (dev and prod), read from the templates."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.store.schema import (
    DATA_TABLE,
    IDEMPOTENCY_TABLE,
    STATS_TABLE,
    TABLES,
    TableDefinition,
)
from tests.infra.cfn import (
    Template,
    actions_on,
    as_list,
    flat,
    only,
    policy_statements,
    references,
    resources,
)
from tests.infra.conftest import EVERY_OPTION, SITE_DOMAIN

SAM_FUNCTION = "AWS::Serverless::Function"


def table(template: Template, definition: TableDefinition) -> tuple[str, dict[str, Any]]:
    for logical_id, resource in resources(template, "AWS::DynamoDB::Table").items():
        if resource["Properties"]["TableName"].endswith(f"-{definition.logical_name}"):
            return logical_id, resource
    raise AssertionError(f"no {definition.logical_name} table")


def function(template: Template, suffix: str) -> tuple[str, dict[str, Any]]:
    for logical_id, resource in resources(template, SAM_FUNCTION).items():
        if resource["Properties"]["FunctionName"].endswith(f"-{suffix}"):
            return logical_id, resource
    raise AssertionError(f"no function named *-{suffix}")


def role_of(function_resource: dict[str, Any]) -> str:
    (role_id,) = references(function_resource["Properties"]["Role"])
    return role_id


# ---------------------------------------------------------------- tables


@pytest.mark.parametrize("definition", TABLES, ids=lambda d: d.logical_name)
def test_tables_take_keys_indexes_and_ttl_from_the_schema(
    template: Template, definition: TableDefinition
) -> None:
    _, resource = table(template, definition)
    properties = resource["Properties"]
    assert properties["KeySchema"] == [
        {"AttributeName": definition.partition_key, "KeyType": "HASH"},
        *(
            [{"AttributeName": definition.sort_key, "KeyType": "RANGE"}]
            if definition.sort_key
            else []
        ),
    ]
    indexes = {
        index["IndexName"]: [key["AttributeName"] for key in index["KeySchema"]]
        for index in properties.get("GlobalSecondaryIndexes", [])
    }
    assert indexes == {
        index.name: [index.partition_key, index.sort_key] for index in definition.global_indexes
    }
    assert properties["TimeToLiveSpecification"] == {
        "AttributeName": definition.ttl_attribute,
        "Enabled": True,
    }


@pytest.mark.parametrize("definition", TABLES, ids=lambda d: d.logical_name)
def test_tables_are_on_demand_recoverable_and_protected(
    template: Template, definition: TableDefinition
) -> None:
    _, resource = table(template, definition)
    properties = resource["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert properties["DeletionProtectionEnabled"] is True
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"


def test_only_the_data_table_streams_new_and_old_images(template: Template) -> None:
    _, data = table(template, DATA_TABLE)
    _, stats = table(template, STATS_TABLE)
    assert data["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert DATA_TABLE.stream == "NEW_AND_OLD_IMAGES"
    assert "StreamSpecification" not in stats["Properties"]


# ---------------------------------------------------------------- stream consumer


def test_aggregate_reads_the_data_stream_with_partial_batch_failures(template: Template) -> None:
    _, mapping = only(template, "AWS::Lambda::EventSourceMapping")
    properties = mapping["Properties"]
    data_id, _ = table(template, DATA_TABLE)
    aggregate_id, _ = function(template, "aggregate")
    assert properties["EventSourceArn"] == {"Fn::GetAtt": [data_id, "StreamArn"]}
    assert aggregate_id in references(properties["FunctionName"])
    assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert properties["BisectBatchOnFunctionError"] is True
    assert properties["BatchSize"] == 100
    assert 0 < properties["MaximumBatchingWindowInSeconds"] <= 5
    # Bounded: -1 (the default) would retry a poison record until it expires.
    assert 0 <= properties["MaximumRetryAttempts"] <= 20
    assert 60 <= properties["MaximumRecordAgeInSeconds"] <= 24 * 3600
    assert properties["StartingPosition"] == "TRIM_HORIZON"
    # The aggregate's exactly-once scheme: in-order per shard, events that name the shard.
    assert properties["ParallelizationFactor"] == 1
    assert properties["TumblingWindowInSeconds"] > 0


def test_records_that_give_up_go_to_an_sqs_queue(template: Template) -> None:
    _, mapping = only(template, "AWS::Lambda::EventSourceMapping")
    queue_id, queue = only(template, "AWS::SQS::Queue")
    destination = mapping["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
    assert destination == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    _, aggregate = function(template, "aggregate")
    assert "sqs:SendMessage" in actions_on(template, role_of(aggregate), queue_id)


def test_the_mapping_waits_for_the_stream_read_policy(template: Template) -> None:
    mapping_id, mapping = only(template, "AWS::Lambda::EventSourceMapping")
    _, aggregate = function(template, "aggregate")
    role_id = role_of(aggregate)
    policies = {
        logical_id
        for logical_id, policy in resources(template, "AWS::IAM::Policy").items()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
    }
    assert policies & set(as_list(mapping.get("DependsOn", []))), mapping_id


# ---------------------------------------------------------------- functions


def test_every_function_gets_the_settings_it_reads(template: Template) -> None:
    pool_id, _ = only(template, "AWS::Cognito::UserPool")
    client_id, _ = only(template, "AWS::Cognito::UserPoolClient")
    distribution_id, _ = only(template, "AWS::CloudFront::Distribution")
    data_id, _ = table(template, DATA_TABLE)
    stats_id, _ = table(template, STATS_TABLE)
    idempotency_id, _ = table(template, IDEMPOTENCY_TABLE)
    functions = resources(template, SAM_FUNCTION)
    assert len(functions) >= 3, sorted(functions)  # API, authorizer, aggregate
    for logical_id, resource in functions.items():
        env = resource["Properties"]["Environment"]["Variables"]
        issuer = flat(env["LOGBOOK_JWT_ISSUER"])
        assert issuer == f"https://cognito-idp.${{AWS::Region}}.amazonaws.com/${{{pool_id}}}"
        assert flat(env["LOGBOOK_JWKS_URL"]) == f"{issuer}/.well-known/jwks.json"
        assert env["LOGBOOK_JWT_AUDIENCE"] == {"Ref": client_id}, logical_id
        assert env["LOGBOOK_DATA_TABLE"] == {"Ref": data_id}
        assert env["LOGBOOK_STATS_TABLE"] == {"Ref": stats_id}
        assert env["LOGBOOK_IDEMPOTENCY_TABLE"] == {"Ref": idempotency_id}
        assert env["LOGBOOK_REGION"] == {"Ref": "AWS::Region"}
        assert flat(env["LOGBOOK_SITE_URL"]) == f"https://${{{distribution_id}.DomainName}}"
        assert env["LOGBOOK_STAGE"] in ("dev", "prod")
        assert env["LOGBOOK_STAGE"] in resource["Properties"]["FunctionName"]
        assert env["POWERTOOLS_SERVICE_NAME"] == "logbook"
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == "Logbook"
        assert env["LOGBOOK_USER_POOL_ID"] == {"Ref": pool_id}
        assert "LOGBOOK_DYNAMODB_ENDPOINT" not in env


def test_functions_have_fixed_names_and_no_tracing_sdk_needed(template: Template) -> None:
    names = {r["Properties"]["FunctionName"] for r in resources(template, SAM_FUNCTION).values()}
    stage = next(iter(names)).split("-")[1]
    assert {f"logbook-{stage}-api", f"logbook-{stage}-aggregate"} <= names
    for resource in resources(template, SAM_FUNCTION).values():
        assert resource["Properties"].get("Tracing") in (None, "PassThrough")


def test_each_function_logs_to_its_own_group_with_retention(template: Template) -> None:
    groups = resources(template, "AWS::Logs::LogGroup")
    seen: set[str] = set()
    for logical_id, resource in resources(template, SAM_FUNCTION).items():
        logging = resource["Properties"]["LoggingConfig"]
        (group_id,) = references(logging["LogGroup"])
        assert groups[group_id]["Properties"]["RetentionInDays"] >= 30, logical_id
        assert group_id not in seen
        seen.add(group_id)
        assert groups[group_id]["Properties"]["LogGroupName"] == (
            "/aws/lambda/" + resource["Properties"]["FunctionName"]
        )


def test_the_api_answers_from_a_regional_endpoint_named_after_the_stage(
    template: Template,
) -> None:
    _, api = only(template, "AWS::Serverless::Api")
    assert api["Properties"]["EndpointConfiguration"] == "REGIONAL"
    assert api["Properties"]["Name"].startswith("logbook-")


def test_the_api_does_not_depend_on_functions_that_depend_on_the_cdn(template: Template) -> None:
    # CloudFront → API (origin) → function (integration) → CloudFront (site URL) is a cycle.
    _, api = only(template, "AWS::Serverless::Api")
    function_ids = set(resources(template, SAM_FUNCTION))
    assert not references(api["Properties"]) & function_ids
    assert "function:logbook-" in str(api["Properties"]["DefinitionBody"])


# ---------------------------------------------------------------- throttling


def method_settings(template: Template) -> dict[tuple[str, str], dict[str, Any]]:
    _, api = only(template, "AWS::Serverless::Api")
    return {(s["ResourcePath"], s["HttpMethod"]): s for s in api["Properties"]["MethodSettings"]}


def test_every_anonymous_route_has_its_own_tighter_throttle(template: Template) -> None:
    _, api = only(template, "AWS::Serverless::Api")
    settings = method_settings(template)
    default = settings[("/*", "*")]
    public = {
        (path, method)
        for path, operations in api["Properties"]["DefinitionBody"]["paths"].items()
        if path.startswith("/public/")
        for method in operations
        if method in ("get", "post")
    }
    # Survey answers, check-ins, ideas and votes at least; every public POST and GET.
    assert {
        ("/public/responses", "post"),
        ("/public/checkins", "post"),
        ("/public/ideas", "post"),
        ("/public/votes", "post"),
    } <= public
    for path, method in public:
        limit = settings[(path.replace("/", "~1"), method.upper())]
        assert 0 < limit["ThrottlingRateLimit"] < default["ThrottlingRateLimit"], path
        assert 0 < limit["ThrottlingBurstLimit"] <= default["ThrottlingBurstLimit"], path


def test_the_cost_of_abuse_counts_every_anonymous_route(template: Template) -> None:
    from infra.cost import ANONYMOUS_GETS, ANONYMOUS_POSTS

    _, api = only(template, "AWS::Serverless::Api")
    paths = api["Properties"]["DefinitionBody"]["paths"]
    public = [
        ops
        for path, ops in paths.items()
        if path.startswith("/public/") or path == "/activity-import-template.csv"
    ]
    assert sum("post" in ops for ops in public) == ANONYMOUS_POSTS
    assert sum("get" in ops for ops in public) == ANONYMOUS_GETS


def test_every_function_has_reserved_concurrency(template: Template) -> None:
    limits = {
        resource["Properties"]["FunctionName"].rsplit("-", 1)[-1]: resource["Properties"].get(
            "ReservedConcurrentExecutions"
        )
        for resource in resources(template, SAM_FUNCTION).values()
    }
    assert set(limits) == {"api", "authorize", "aggregate"}
    for name, limit in limits.items():
        assert isinstance(limit, int) and 1 <= limit <= 50, (name, limit)


def test_api_access_logs_keep_no_caller_address(template: Template) -> None:
    _, api = only(template, "AWS::Serverless::Api")
    setting = api["Properties"]["AccessLogSetting"]
    (log_group_id,) = references(setting["DestinationArn"])
    log_group = template["Resources"][log_group_id]
    assert log_group["Type"] == "AWS::Logs::LogGroup"
    assert log_group["Properties"]["RetentionInDays"] == 90
    logged = json.loads(setting["Format"])
    assert {"requestId", "status", "resource", "error"} <= set(logged)
    text = setting["Format"]
    for personal in ("sourceIp", "userAgent", "identity", "$context.path"):
        assert personal not in text
    # API Gateway writes access logs with the account's CloudWatch role.
    _, account = only(template, "AWS::ApiGateway::Account")
    assert references(account["Properties"]["CloudWatchRoleArn"])


def test_failed_records_and_alarms_are_encrypted_with_a_rotating_key(
    template: Template,
) -> None:
    key_id, key = only(template, "AWS::KMS::Key")
    assert key["Properties"]["EnableKeyRotation"] is True
    _, queue = only(template, "AWS::SQS::Queue")
    _, topic = only(template, "AWS::SNS::Topic")
    assert references(queue["Properties"]["KmsMasterKeyId"]) == {key_id}
    assert references(topic["Properties"]["KmsMasterKeyId"]) == {key_id}
    # CloudWatch may publish alarms under that key, and only for this account.
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    (cloudwatch,) = [
        s for s in statements if s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert set(cloudwatch["Action"]) == {"kms:GenerateDataKey", "kms:Decrypt"}
    assert "aws:SourceAccount" in cloudwatch["Condition"]["StringEquals"]
    _, aggregate = function(template, "aggregate")
    assert actions_on(template, role_of(aggregate), key_id) == {
        "kms:GenerateDataKey",
        "kms:Decrypt",
    }


# ---------------------------------------------------------------- IAM


def test_no_wildcard_actions_anywhere(template: Template) -> None:
    for logical_id in resources(template, "AWS::IAM::Role"):
        for statement in policy_statements(template, logical_id):
            for action in as_list(statement["Action"]):
                assert "*" not in action, (logical_id, action)


def test_table_actions_are_never_granted_on_every_resource(template: Template) -> None:
    for logical_id in resources(template, "AWS::IAM::Role"):
        for statement in policy_statements(template, logical_id):
            dynamo = [a for a in as_list(statement["Action"]) if a.startswith("dynamodb:")]
            # ListStreams has no resource-level permissions; the stream read grant needs it.
            if dynamo and dynamo != ["dynamodb:ListStreams"]:
                assert "*" not in as_list(statement["Resource"]), (logical_id, dynamo)


def test_the_api_writes_data_items_and_only_reads_stats(template: Template) -> None:
    _, api = function(template, "api")
    role = role_of(api)
    data_id, _ = table(template, DATA_TABLE)
    stats_id, _ = table(template, STATS_TABLE)
    on_data = actions_on(template, role, data_id)
    assert {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} <= on_data
    assert {"dynamodb:GetItem", "dynamodb:Query"} <= on_data
    assert "dynamodb:Scan" not in on_data
    assert actions_on(template, role, stats_id) == {
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
    }
    index_statements = [
        s
        for s in policy_statements(template, role)
        if any("/index/" in flat(r) for r in as_list(s["Resource"]))
    ]
    assert [s["Action"] for s in index_statements] == ["dynamodb:Query"]


def test_the_api_keeps_idempotency_records_and_nothing_else_does(template: Template) -> None:
    idempotency_id, _ = table(template, IDEMPOTENCY_TABLE)
    _, api = function(template, "api")
    assert actions_on(template, role_of(api), idempotency_id) == {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    }
    _, aggregate = function(template, "aggregate")
    assert actions_on(template, role_of(aggregate), idempotency_id) == set()


def test_the_aggregate_reads_the_stream_and_data_and_writes_stats(template: Template) -> None:
    _, aggregate = function(template, "aggregate")
    role = role_of(aggregate)
    data_id, _ = table(template, DATA_TABLE)
    stats_id, _ = table(template, STATS_TABLE)
    on_data = actions_on(template, role, data_id)
    assert {"dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"} <= (
        on_data
    )
    assert {"dynamodb:GetItem", "dynamodb:Query"} <= on_data
    assert not on_data & {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
    assert {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"} <= actions_on(
        template, role, stats_id
    )


def test_only_the_api_manages_sign_ins_and_only_in_its_pool(template: Template) -> None:
    sign_in_actions = {
        "cognito-idp:AdminCreateUser",
        "cognito-idp:AdminEnableUser",
        "cognito-idp:AdminDisableUser",
    }
    pool_id, _ = only(template, "AWS::Cognito::UserPool")
    api_id, api = function(template, "api")
    assert actions_on(template, role_of(api), pool_id) == sign_in_actions
    for logical_id, resource in resources(template, SAM_FUNCTION).items():
        cognito_actions = {
            action
            for statement in policy_statements(template, role_of(resource))
            for action in as_list(statement["Action"])
            if action.startswith("cognito-idp:")
        }
        assert cognito_actions == (sign_in_actions if logical_id == api_id else set())


def test_the_invitation_says_where_to_sign_in(template: Template) -> None:
    _, pool = only(template, "AWS::Cognito::UserPool")
    distribution_id, _ = only(template, "AWS::CloudFront::Distribution")
    invitation = pool["Properties"]["AdminCreateUserConfig"]["InviteMessageTemplate"]
    message = flat(invitation["EmailMessage"])
    # Cognito refuses a template without both placeholders.
    assert "{username}" in message and "{####}" in message
    assert f"https://${{{distribution_id}.DomainName}}/app/" in message
    assert "Logbook" in invitation["EmailSubject"]


def test_the_authorizer_has_no_table_access(template: Template) -> None:
    api_id, _ = function(template, "api")
    aggregate_id, _ = function(template, "aggregate")
    others = [
        resource
        for logical_id, resource in resources(template, SAM_FUNCTION).items()
        if logical_id not in (api_id, aggregate_id)
    ]
    assert others, "the app defines a custom authorizer"
    for resource in others:
        for statement in policy_statements(template, role_of(resource)):
            assert not [a for a in as_list(statement["Action"]) if a.startswith("dynamodb:")]


def test_each_function_writes_only_its_own_logs(template: Template) -> None:
    for logical_id, resource in resources(template, SAM_FUNCTION).items():
        (group_id,) = references(resource["Properties"]["LoggingConfig"]["LogGroup"])
        for statement in policy_statements(template, role_of(resource)):
            if any(a.startswith("logs:") for a in as_list(statement["Action"])):
                allowed = {group_id} | _log_groups_of_same_role(template, resource)
                assert references(statement["Resource"]) <= allowed, logical_id


def _log_groups_of_same_role(template: Template, resource: dict[str, Any]) -> set[str]:
    role = role_of(resource)
    return {
        next(iter(references(other["Properties"]["LoggingConfig"]["LogGroup"])))
        for other in resources(template, SAM_FUNCTION).values()
        if role_of(other) == role
    }


# ---------------------------------------------------------------- site and CDN


def _bucket_and_policy(template: Template, prefix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The bucket whose logical id starts with ``prefix``, and its bucket policy."""
    ((bucket_id, bucket),) = [
        (logical_id, resource)
        for logical_id, resource in resources(template, "AWS::S3::Bucket").items()
        if logical_id.startswith(prefix)
    ]
    (policy,) = [
        resource
        for resource in resources(template, "AWS::S3::BucketPolicy").values()
        if resource["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    return bucket, policy


def test_the_site_bucket_is_private_versioned_and_tls_only(template: Template) -> None:
    bucket, policy = _bucket_and_policy(template, "SiteBucket")
    properties = bucket["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )
    # Only CloudFront (this distribution) may read.
    readers = [s for s in statements if s["Effect"] == "Allow"]
    assert readers and all(
        s["Principal"] == {"Service": "cloudfront.amazonaws.com"} for s in readers
    )


def test_exports_are_private_tls_only_and_expire_within_a_day(template: Template) -> None:
    bucket, policy = _bucket_and_policy(template, "Exports")
    properties = bucket["Properties"]
    assert all(properties["PublicAccessBlockConfiguration"].values())
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == 1 and rule["Status"] == "Enabled"
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert not [s for s in statements if s["Effect"] == "Allow"]
    assert any(s["Effect"] == "Deny" for s in statements)


def test_cloudfront_reads_the_bucket_through_origin_access_control(template: Template) -> None:
    oac_id, oac = only(template, "AWS::CloudFront::OriginAccessControl")
    assert oac["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    _, distribution = only(template, "AWS::CloudFront::Distribution")
    s3_origins = [
        o
        for o in distribution["Properties"]["DistributionConfig"]["Origins"]
        if "S3OriginConfig" in o
    ]
    assert len(s3_origins) == 1
    assert s3_origins[0]["OriginAccessControlId"] == {"Fn::GetAtt": [oac_id, "Id"]}
    assert not s3_origins[0]["S3OriginConfig"].get("OriginAccessIdentity")
    assert not resources(template, "AWS::CloudFront::CloudFrontOriginAccessIdentity")


def test_cloudfront_serves_only_https(template: Template) -> None:
    _, distribution = only(template, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    for behaviour in behaviours:
        assert behaviour["ViewerProtocolPolicy"] in ("https-only", "redirect-to-https")
    for origin in config["Origins"]:
        if "CustomOriginConfig" in origin:
            assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"


def test_public_api_answers_are_cached_through_a_second_origin(template: Template) -> None:
    _, distribution = only(template, "AWS::CloudFront::Distribution")
    api_id, _ = only(template, "AWS::Serverless::Api")
    config = distribution["Properties"]["DistributionConfig"]
    (public,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/public/*"]
    origin = next(o for o in config["Origins"] if o["Id"] == public["TargetOriginId"])
    assert flat(origin["DomainName"]).startswith(f"${{{api_id}}}.execute-api.")
    assert origin["OriginPath"] == "/api"
    assert public["AllowedMethods"] == ["GET", "HEAD", "OPTIONS"]
    policy = template["Resources"][next(iter(references(public["CachePolicyId"])))]
    cache = policy["Properties"]["CachePolicyConfig"]
    assert cache["DefaultTTL"] > 0
    assert cache["ParametersInCacheKeyAndForwardedToOrigin"]["QueryStringsConfig"] == {
        "QueryStringBehavior": "all"
    }


def _headers(template: Template) -> dict[str, Any]:
    _, policy = only(template, "AWS::CloudFront::ResponseHeadersPolicy")
    config: dict[str, Any] = policy["Properties"]["ResponseHeadersPolicyConfig"]
    return config


def test_every_answer_carries_a_strict_content_security_policy(template: Template) -> None:
    security = _headers(template)["SecurityHeadersConfig"]
    csp = flat(security["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    directives = {}
    for directive in csp.split(";"):
        name, _, value = directive.strip().partition(" ")
        directives[name] = value
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    api_id, _ = only(template, "AWS::Serverless::Api")
    assert f"https://${{{api_id}}}.execute-api." in directives["connect-src"]
    assert "https://cognito-idp.${AWS::Region}.amazonaws.com" in directives["connect-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert security["ContentSecurityPolicy"]["Override"] is True


def test_every_answer_carries_the_other_security_headers(template: Template) -> None:
    security = _headers(template)["SecurityHeadersConfig"]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 365 * 24 * 3600
    assert security["ContentTypeOptions"]["Override"] is True
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert "ReferrerPolicy" in security
    _, distribution = only(template, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    for behaviour in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]:
        assert "ResponseHeadersPolicyId" in behaviour


# ---------------------------------------------------------------- identity


def test_cognito_client_is_a_public_code_flow_client_for_the_site(template: Template) -> None:
    _, pool = only(template, "AWS::Cognito::UserPool")
    assert pool["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["Properties"]["DeletionProtection"] == "ACTIVE"
    _, client = only(template, "AWS::Cognito::UserPoolClient")
    properties = client["Properties"]
    assert properties.get("GenerateSecret") in (None, False)
    assert properties["AllowedOAuthFlows"] == ["code"]
    distribution_id, _ = only(template, "AWS::CloudFront::Distribution")
    callbacks = [flat(url) for url in properties["CallbackURLs"]]
    assert callbacks == [f"https://${{{distribution_id}.DomainName}}/app/"]
    only(template, "AWS::Cognito::UserPoolDomain")


# ---------------------------------------------------------------- alarms


def _alarms(template: Template) -> list[dict[str, Any]]:
    return [a["Properties"] for a in resources(template, "AWS::CloudWatch::Alarm").values()]


def _dimension(alarm: dict[str, Any], name: str) -> Any:
    return next(d["Value"] for d in alarm.get("Dimensions", []) if d["Name"] == name)


def test_alarms_cover_api_errors_function_errors_lag_and_failed_records(
    template: Template,
) -> None:
    alarms = _alarms(template)
    assert all(alarm["AlarmActions"] for alarm in alarms)
    by_metric = {(a["Namespace"], a["MetricName"]): a for a in alarms}
    api_5xx = by_metric[("AWS/ApiGateway", "5XXError")]
    _, api = only(template, "AWS::Serverless::Api")
    assert _dimension(api_5xx, "ApiName") == api["Properties"]["Name"]
    flood = by_metric[("AWS/ApiGateway", "Count")]
    assert _dimension(flood, "ApiName") == api["Properties"]["Name"]
    assert flood["Period"] == 300 and 1_000 <= flood["Threshold"] <= 1_000_000

    function_names = {
        r["Properties"]["FunctionName"] for r in resources(template, SAM_FUNCTION).values()
    }
    errors = {
        _dimension(a, "FunctionName")
        for a in alarms
        if (a["Namespace"], a["MetricName"]) == ("AWS/Lambda", "Errors")
    }
    assert errors == function_names

    age = by_metric[("AWS/Lambda", "IteratorAge")]
    assert _dimension(age, "FunctionName").endswith("-aggregate")

    queue_id, _ = only(template, "AWS::SQS::Queue")
    depth = by_metric[("AWS/SQS", "ApproximateNumberOfMessagesVisible")]
    assert _dimension(depth, "QueueName") == {"Fn::GetAtt": [queue_id, "QueueName"]}
    assert depth["Threshold"] <= 1


def test_the_cost_model_counts_the_alarms_the_stack_defines(template: Template) -> None:
    from infra.cost import ALARMS

    assert len(_alarms(template)) == ALARMS


# ---------------------------------------------------------------- WAF


def test_no_web_acl_by_default(template: Template) -> None:
    assert not resources(template, "AWS::WAFv2::WebACL")
    assert not resources(template, "AWS::WAFv2::WebACLAssociation")


def test_the_waf_context_flag_adds_a_rate_limit_on_the_api_stage(synth_with_waf: Any) -> None:
    waf = json.loads(synth_with_waf.templates["prod"].read_text())
    acl_id, acl = only(waf, "AWS::WAFv2::WebACL")
    assert acl["Properties"]["Scope"] == "REGIONAL"
    (rule,) = acl["Properties"]["Rules"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"
    assert 10 <= rate["Limit"] <= 10_000
    assert "Block" in rule["Action"]
    _, association = only(waf, "AWS::WAFv2::WebACLAssociation")
    api_id, _ = only(waf, "AWS::Serverless::Api")
    arn = flat(association["Properties"]["ResourceArn"])
    assert arn.endswith(f"/restapis/${{{api_id}}}/stages/api")
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}


# ---------------------------------------------------------------- custom domain


def test_without_a_domain_the_site_is_the_cloudfront_domain(prod: Template) -> None:
    _, distribution = only(prod, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    assert "Aliases" not in config
    # No certificate named: CloudFront's own *.cloudfront.net one.
    assert config.get("ViewerCertificate", {"CloudFrontDefaultCertificate": True}) == {
        "CloudFrontDefaultCertificate": True
    }


def test_a_custom_domain_gets_its_certificate_and_tls_1_2(synth_with_waf: Any) -> None:
    template = json.loads(synth_with_waf.templates["prod"].read_text())
    distribution_id, distribution = only(template, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    assert config["Aliases"] == [SITE_DOMAIN]
    certificate = config["ViewerCertificate"]
    assert certificate["AcmCertificateArn"] == EVERY_OPTION["certificate_arn"]
    assert certificate["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert certificate["SslSupportMethod"] == "sni-only"
    # The app and its sign-in use the site's own name, not the CloudFront one.
    _, api = function(template, "api")
    site_url = api["Properties"]["Environment"]["Variables"]["LOGBOOK_SITE_URL"]
    assert site_url == f"https://{SITE_DOMAIN}"
    _, client = only(template, "AWS::Cognito::UserPoolClient")
    assert client["Properties"]["CallbackURLs"] == [f"https://{SITE_DOMAIN}/app/"]
    assert distribution_id not in references(client["Properties"])
