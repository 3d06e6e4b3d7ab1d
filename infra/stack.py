"""One Logbook stage (dev or prod) as a CDK stack.

Tables → Cognito → IAM roles → the Chalice app (API, authorizer, stream consumer) →
the stream event source mapping → static site + CDN → throttling, WAF, alarms.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from aws_cdk import Acknowledgment, Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct, IConstruct

from chalicelib.store.schema import DATA_TABLE, IDEMPOTENCY_TABLE, STATS_TABLE
from infra.chalice_app import API_HANDLER, LogbookChalice, lambda_project
from infra.checks import skip_checks
from infra.settings import API_STAGE, METRICS_NAMESPACE, SERVICE_NAME, StageSettings
from infra.site import ApiOrigin, StaticSite
from infra.tables import build_table

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
# The stream consumer as the app names it: @app.lambda_function(name="aggregate").
AGGREGATE_FUNCTION: Final = "Aggregate"

# Lambda sends one extra invocation per shard at the end of each window: 60 s keeps that
# at most 1,440 a day per active shard while every batch still arrives within seconds.
TUMBLING_WINDOW_SECONDS: Final = 60

# Item-level actions only: no table management, no Scan (public answers are key lookups).
READ_ITEMS: Final = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query")
WRITE_ITEMS: Final = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)

# How long a sign-in lasts in AWS (ID token and refresh token): one working evening.
SESSION_HOURS = 12
# The API's rights in the user pool (chalicelib/store/accounts.py).
SIGN_IN_ACTIONS = (
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminEnableUser",
    "cognito-idp:AdminDisableUser",
)
# Cognito fills in {username} and {####} (the temporary password).
INVITATION_EMAIL: Final = (
    "You have been added to Logbook, where your team records its youth work.<br><br>"
    "Sign in at {app_url} with<br>e-mail: {username}<br>temporary password: {####}<br><br>"
    "You will choose your own password at the first sign-in. The temporary one expires "
    "in 7 days; after that, ask your organisation's admin to add you again."
)

# API Gateway's access log: what was asked, how it ended and why (THROTTLED, WAF_FILTERED,
# UNAUTHORIZED, ...). Never the caller's IP address or user agent (docs/privacy.md
# rules), and the resource template (/public/collections/{code}), not the path with codes.
ACCESS_LOG_FORMAT: Final = {
    "requestId": "$context.requestId",
    "time": "$context.requestTime",
    "method": "$context.httpMethod",
    "resource": "$context.resourcePath",
    "status": "$context.status",
    "bytes": "$context.responseLength",
    "latencyMs": "$context.responseLatency",
    "integrationStatus": "$context.integration.status",
    "error": "$context.error.responseType",
    "authorizerError": "$context.authorizer.error",
}

_RETENTION: Final = {
    days: getattr(logs.RetentionDays, name)
    for days, name in (
        (7, "ONE_WEEK"),
        (14, "TWO_WEEKS"),
        (30, "ONE_MONTH"),
        (60, "TWO_MONTHS"),
        (90, "THREE_MONTHS"),
        (180, "SIX_MONTHS"),
        (365, "ONE_YEAR"),
        (731, "TWO_YEARS"),
    )
}


def _lambda_role(scope: Construct, construct_id: str, description: str) -> iam.Role:
    # No managed policy: AWSLambdaBasicExecutionRole allows writing to any log group,
    # each role here gets its own log group only (see _log_group).
    return iam.Role(
        scope,
        construct_id,
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=description,
    )


def _default_policy(role: iam.Role) -> IConstruct:
    """The inline policy CDK attaches to ``role`` (created by the first grant)."""
    return role.node.find_child("DefaultPolicy")


def _allow(role: iam.Role, actions: tuple[str, ...], resources: list[str]) -> None:
    role.add_to_policy(iam.PolicyStatement(actions=list(actions), resources=resources))


class LogbookStack(Stack):
    """Every AWS resource of one stage. The stack id is the Chalice stage name."""

    def __init__(self, scope: Construct, settings: StageSettings, **kwargs: Any) -> None:
        super().__init__(
            scope,
            settings.stage,
            stack_name=settings.prefix,
            description=f"Logbook ({settings.stage}): youth work logbook, survey and open stats",
            **kwargs,
        )
        self.settings = settings
        prefix = settings.prefix

        # ------------------------------------------------------------ data
        self.data_table = build_table(self, DATA_TABLE, f"{prefix}-data")
        self.stats_table = build_table(self, STATS_TABLE, f"{prefix}-stats")
        self.idempotency_table = build_table(self, IDEMPOTENCY_TABLE, f"{prefix}-data-idempotency")

        # ------------------------------------------------------------ identity
        self.user_pool = cognito.UserPool(
            self,
            "Users",
            user_pool_name=prefix,
            # Organisation admins invite members; nobody signs up on their own.
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            # Ana@x.si and ana@x.si are one person, never two accounts.
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            # A changed address stays unused until its owner proves it; the API binds a
            # person by their token's subject anyway (docs/identity.md).
            keep_original=cognito.KeepOriginalAttrs(email=True),
            # Not "required": Cognito makes a required attribute writable by every app
            # client, and nobody may write their own address. Every user gets one anyway:
            # only AdminCreateUser makes users, and it always sets the address.
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=False, mutable=True)
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=False,
                require_symbols=False,
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            # Lite: the classic hosted UI and 10,000 free MAU are all the site needs.
            feature_plan=cognito.FeaturePlan.LITE,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        domain_prefix = settings.cognito_domain_prefix or f"{prefix}-{Aws.ACCOUNT_ID}"
        self.user_pool_domain = self.user_pool.add_domain(
            "HostedUi",
            cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix),
        )
        self.hosted_ui_domain = f"{domain_prefix}.auth.{Aws.REGION}.amazoncognito.com"
        issuer = f"https://cognito-idp.{Aws.REGION}.amazonaws.com/{self.user_pool.user_pool_id}"

        # ------------------------------------------------------------ roles and logs
        self.api_role = _lambda_role(self, "ApiRole", "Logbook API: items of data, read stats")
        self.authorizer_role = _lambda_role(
            self, "AuthorizerRole", "Logbook authorizer: verifies tokens, no table access"
        )
        self.aggregate_role = _lambda_role(
            self, "AggregateRole", "Logbook aggregate: data stream, read data, write stats"
        )
        data_arn = self.data_table.table_arn
        index_arns = [f"{data_arn}/index/{index.name}" for index in DATA_TABLE.global_indexes]
        stats_arn = self.stats_table.table_arn
        _allow(self.api_role, READ_ITEMS + WRITE_ITEMS, [data_arn])
        _allow(self.api_role, ("dynamodb:Query",), index_arns)
        _allow(self.api_role, READ_ITEMS, [stats_arn])
        # Powertools' idempotency records of creating POSTs (chalicelib/api/idempotency.py).
        _allow(
            self.api_role,
            ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
            [self.idempotency_table.table_arn],
        )
        # Adding a member creates (or enables again) their sign-in; removing someone who
        # is a member nowhere else disables it. Nothing else in the pool is the API's.
        _allow(self.api_role, SIGN_IN_ACTIONS, [self.user_pool.user_pool_arn])
        _allow(self.aggregate_role, READ_ITEMS, [data_arn])
        _allow(self.aggregate_role, READ_ITEMS + WRITE_ITEMS, [stats_arn])
        # Stream records: the event source mapping reads them with the function's role.
        self.data_table.grant_stream_read(self.aggregate_role)

        # Organisation packages too large for a Lambda answer wait here, behind a signed
        # URL of five minutes, for a day (chalicelib/api/data.py, docs/data.md).
        self.exports_bucket = s3.Bucket(
            self,
            "Exports",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(
                    expiration=Duration.days(1),
                    noncurrent_version_expiration=Duration.days(1),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            removal_policy=RemovalPolicy.DESTROY,
        )
        skip_checks(self.exports_bucket, "CKV_AWS_18")
        _allow(
            self.api_role,
            ("s3:PutObject", "s3:GetObject"),
            [self.exports_bucket.arn_for_objects("exports/*")],
        )

        # ------------------------------------------------------------ the app
        stage_config: dict[str, Any] = {
            # Roles are made here, per function; Chalice's generated policy would be
            # broader than what each function needs.
            "manage_iam_role": False,
            "iam_role_arn": self.api_role.role_arn,
            "autogen_policy": False,
            "xray": False,
        }
        self.chalice = LogbookChalice(
            self,
            "App",
            # The app with the runtime lock as its requirements; under the synth's working
            # directory (build/chalice-work), one per stage.
            source_dir=str(lambda_project(REPO_ROOT, Path.cwd() / f"lambda-{settings.stage}")),
            name_prefix=prefix,
            stage_config=stage_config,
        )
        self.rest_api_id = self.chalice.get_resource("RestAPI").ref
        api_domain = f"{self.rest_api_id}.execute-api.{Aws.REGION}.{Aws.URL_SUFFIX}"
        self.api_url = f"https://{api_domain}/{API_STAGE}"

        # ------------------------------------------------------------ site and CDN
        self.site = StaticSite(
            self,
            "Site",
            prefix=prefix,
            api=ApiOrigin(domain_name=api_domain, stage_path=f"/{API_STAGE}"),
            cognito_origins=[
                f"https://cognito-idp.{Aws.REGION}.amazonaws.com",
                f"https://{self.hosted_ui_domain}",
            ],
            public_cache_seconds=settings.public_cache_seconds,
            domain_name=settings.domain_name,
            certificate_arn=settings.certificate_arn,
        )
        app_url = f"{self.site.url}/app/"
        self.user_pool_client = self.user_pool.add_client(
            "Web",
            user_pool_client_name=f"{prefix}-web",
            # A browser app cannot keep a secret: authorization code flow with PKCE.
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[
                    cognito.OAuthScope.OPENID,
                    cognito.OAuthScope.EMAIL,
                    cognito.OAuthScope.PROFILE,
                ],
                callback_urls=[app_url],
                logout_urls=[app_url],
            ),
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
            prevent_user_existence_errors=True,
            # People read their name and address; nobody writes their own address (nor
            # its verification): changing one's e-mail to someone else's is no way in.
            read_attributes=cognito.ClientAttributes().with_standard_attributes(
                email=True, email_verified=True, fullname=True, locale=True
            ),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(
                fullname=True, locale=True
            ),
            # A session lasts a working evening: the app sends the ID token and signs in
            # again when it expires (it keeps no refresh token). The access token only
            # reaches Cognito's self-service API, so it stays short.
            id_token_validity=Duration.hours(SESSION_HOURS),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.hours(SESSION_HOURS),
            enable_token_revocation=True,
        )
        # The invitation a member gets when an admin adds them (chalicelib/store/accounts.py)
        # says what Logbook is and where to sign in. Set on the L1 resource: the site, whose
        # address it names, is built after the pool.
        pool = self.user_pool.node.default_child
        assert isinstance(pool, cognito.CfnUserPool)
        pool.add_property_override(
            "AdminCreateUserConfig.InviteMessageTemplate",
            {
                "EmailSubject": "Your Logbook sign-in",
                "EmailMessage": INVITATION_EMAIL.replace("{app_url}", app_url),
            },
        )

        self.function_names = dict(self.chalice.function_names)
        if AGGREGATE_FUNCTION not in self.function_names:
            raise ValueError(
                "app.py defines no @app.lambda_function(name='aggregate'); "
                f"functions found: {sorted(self.function_names)}"
            )
        environment = {
            "LOGBOOK_STAGE": settings.stage,
            "LOGBOOK_REGION": Aws.REGION,
            "LOGBOOK_DATA_TABLE": self.data_table.table_name,
            "LOGBOOK_STATS_TABLE": self.stats_table.table_name,
            "LOGBOOK_IDEMPOTENCY_TABLE": self.idempotency_table.table_name,
            "LOGBOOK_SITE_URL": self.site.url,
            "LOGBOOK_JWT_ISSUER": issuer,
            "LOGBOOK_JWT_AUDIENCE": self.user_pool_client.user_pool_client_id,
            "LOGBOOK_JWKS_URL": f"{issuer}/.well-known/jwks.json",
            "LOGBOOK_USER_POOL_ID": self.user_pool.user_pool_id,
            "LOGBOOK_SUPPRESSION_THRESHOLD": str(settings.suppression_threshold),
            "LOGBOOK_PARTICIPATION_THRESHOLD": str(settings.participation_threshold),
            "LOGBOOK_EXPORT_BUCKET": self.exports_bucket.bucket_name,
            "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "POWERTOOLS_LOGGER_LOG_EVENT": "false",
        }
        self.log_groups: dict[str, logs.LogGroup] = {}
        for logical_id, name in self.function_names.items():
            role = {
                API_HANDLER: self.api_role,
                AGGREGATE_FUNCTION: self.aggregate_role,
            }.get(logical_id, self.authorizer_role)
            concurrency = {
                API_HANDLER: settings.api_concurrency,
                AGGREGATE_FUNCTION: settings.aggregate_concurrency,
            }.get(logical_id, settings.authorizer_concurrency)
            self._configure_function(logical_id, name, role, environment, concurrency)

        # ------------------------------------------------------------ stream consumer
        # One customer-managed key ($1/month) for what operations keep: failed stream
        # records (which carry activity data) and alarm messages. CloudWatch cannot publish
        # to a topic under the AWS-managed SNS key, hence a key of our own.
        self.operations_key = kms.Key(
            self,
            "OperationsKey",
            alias=f"alias/{prefix}-operations",
            description=f"{prefix}: failed stream records and alarm messages",
            enable_key_rotation=True,
            pending_window=Duration.days(30),
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.failure_queue = sqs.Queue(
            self,
            "AggregateFailures",
            queue_name=f"{prefix}-aggregate-failures",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.operations_key,
            data_key_reuse=Duration.hours(1),
            enforce_ssl=True,
        )
        aggregate = lambda_.Function.from_function_attributes(
            self,
            "AggregateFunction",
            function_arn=self.chalice.get_resource(AGGREGATE_FUNCTION).get_att("Arn").to_string(),
            role=self.aggregate_role,
            same_environment=True,
        )
        self.stream_mapping = lambda_.EventSourceMapping(
            self,
            "AggregateStream",
            target=aggregate,
            event_source_arn=self.data_table.table_stream_arn,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=100,
            # Wait a moment to fill batches (fewer stats writes) but stay within seconds.
            max_batching_window=Duration.seconds(2),
            report_batch_item_failures=True,
            bisect_batch_on_error=True,
            retry_attempts=10,
            max_record_age=Duration.hours(12),
            # The exactly-once scheme keeps per-shard watermarks: one invocation at a time
            # per shard, in order, and a tumbling window so every event names its shard
            # (see chalicelib/events/aggregate.py).
            parallelization_factor=1,
            tumbling_window=Duration.seconds(TUMBLING_WINDOW_SECONDS),
        )
        # On failure, Lambda sends the batch's description with the function's role. Set
        # here rather than through SqsDlq, whose grant on the key has wildcard actions.
        mapping = self.stream_mapping.node.default_child
        assert isinstance(mapping, lambda_.CfnEventSourceMapping)
        mapping.add_property_override(
            "DestinationConfig.OnFailure.Destination", self.failure_queue.queue_arn
        )
        _allow(
            self.aggregate_role,
            ("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"),
            [self.failure_queue.queue_arn],
        )
        _allow(
            self.aggregate_role,
            ("kms:GenerateDataKey", "kms:Decrypt"),
            [self.operations_key.key_arn],
        )
        # Lambda checks the role can read the stream when the mapping is created.
        self.stream_mapping.node.add_dependency(_default_policy(self.aggregate_role))

        # ------------------------------------------------------------ API protection
        self._throttle_api()
        self._log_api_access()
        if settings.waf:
            self._add_waf()

        # ------------------------------------------------------------ alarms
        self._add_alarms()

        # ------------------------------------------------------------ outputs
        outputs = {
            "ApiUrl": self.api_url,
            "SiteUrl": self.site.url,
            "SiteBucketName": self.site.bucket.bucket_name,
            "DistributionId": self.site.distribution.distribution_id,
            "UserPoolId": self.user_pool.user_pool_id,
            "UserPoolClientId": self.user_pool_client.user_pool_client_id,
            "HostedUiDomain": self.hosted_ui_domain,
            "Region": Aws.REGION,
            "DataTableName": self.data_table.table_name,
            "StatsTableName": self.stats_table.table_name,
            "AggregateFailureQueueUrl": self.failure_queue.queue_url,
        }
        for key, value in outputs.items():
            CfnOutput(self, key, value=value)

    # ---------------------------------------------------------------- helpers
    def _configure_function(
        self,
        logical_id: str,
        name: str,
        role: iam.Role,
        environment: dict[str, str],
        concurrency: int,
    ) -> None:
        """Role, environment, reserved concurrency and a log group with retention for one
        Chalice function."""
        retention = _RETENTION.get(self.settings.log_retention_days)
        if retention is None:
            raise ValueError(
                f"log_retention_days must be one of {sorted(_RETENTION)}, "
                f"not {self.settings.log_retention_days}"
            )
        log_group = logs.LogGroup(
            self,
            f"{logical_id}Logs",
            log_group_name=f"/aws/lambda/{name}",
            retention=retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        # Each function may write only to its own log group.
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        )
        skip_checks(log_group, "CKV_AWS_158")
        self.log_groups[logical_id] = log_group
        function = self.chalice.get_resource(logical_id)
        if concurrency:
            function.add_property_override("ReservedConcurrentExecutions", concurrency)
        skip_checks(function, "CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_173")
        function.add_property_override("Role", role.role_arn)
        function.add_property_override("LoggingConfig.LogGroup", log_group.log_group_name)
        function.add_property_override("LoggingConfig.LogFormat", "Text")
        for key, value in environment.items():
            function.add_property_override(f"Environment.Variables.{key}", value)
        # The role (a GetAtt) is enforced by CloudFormation; its policy is not.
        function.node.add_dependency(_default_policy(role))

    def _throttle_api(self) -> None:
        """Per-method throttling: the default for every method, tighter limits on every
        anonymous route (each POST and GET under ``/public/``, as the app defines them)."""
        s = self.settings
        rest_api = self.chalice.get_resource("RestAPI")
        # A fixed name: the 5xx alarm's ApiName dimension.
        rest_api.add_property_override("Name", s.prefix)
        rest_api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": s.api_rate,
                    "ThrottlingBurstLimit": s.api_burst,
                    "MetricsEnabled": False,
                },
                *public_method_settings(self.chalice.api_definition, s),
            ],
        )
        skip_checks(rest_api, "CKV_AWS_120", "CKV_AWS_73")

    def _log_api_access(self) -> None:
        """API Gateway's access log, without callers' addresses, in a log group with
        retention. API Gateway writes it with the region's account-level CloudWatch role."""
        access_logs = logs.LogGroup(
            self,
            "ApiAccessLogs",
            log_group_name=f"/aws/apigateway/{self.settings.prefix}-access",
            retention=_RETENTION[self.settings.log_retention_days],
            removal_policy=RemovalPolicy.DESTROY,
        )
        skip_checks(access_logs, "CKV_AWS_158")
        self.access_logs = access_logs
        rest_api = self.chalice.get_resource("RestAPI")
        rest_api.add_property_override(
            "AccessLogSetting",
            {
                "DestinationArn": access_logs.log_group_arn,
                "Format": json.dumps(ACCESS_LOG_FORMAT, separators=(",", ":")),
            },
        )
        if not self.settings.api_gateway_logs_role:
            return
        # One setting per account and region: the role AWS documents for it (the same
        # CDK's RestApi creates), kept when the stack goes so other stages keep logging.
        role = iam.Role(
            self,
            "ApiGatewayLogsRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="API Gateway (account setting): writes access logs to CloudWatch",
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                )
            ],
        )
        role.apply_removal_policy(RemovalPolicy.RETAIN)
        account = apigateway.CfnAccount(
            self, "ApiGatewayAccount", cloud_watch_role_arn=role.role_arn
        )
        # The stage needs the account's role before it can name a log destination.
        rest_api.node.add_dependency(account)

    def _add_waf(self) -> None:
        """A regional web ACL on the API stage: rate-limit anonymous POSTs per client IP."""
        rule_metric = f"{self.settings.prefix}-public-post-rate"
        acl = wafv2.CfnWebACL(
            self,
            "ApiWebAcl",
            name=f"{self.settings.prefix}-api",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True,
                metric_name=f"{self.settings.prefix}-api",
                sampled_requests_enabled=True,
            ),
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name="PublicPostRateLimit",
                    priority=0,
                    action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                    visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
                        cloud_watch_metrics_enabled=True,
                        metric_name=rule_metric,
                        sampled_requests_enabled=True,
                    ),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            limit=self.settings.waf_rate_limit,
                            aggregate_key_type="IP",
                            scope_down_statement=wafv2.CfnWebACL.StatementProperty(
                                and_statement=wafv2.CfnWebACL.AndStatementProperty(
                                    statements=[
                                        _byte_match("/public/", "CONTAINS", uri_path={}),
                                        _byte_match("POST", "EXACTLY", method={}),
                                    ]
                                )
                            ),
                        )
                    ),
                )
            ],
        )
        skip_checks(acl, "CKV_AWS_192")
        association = wafv2.CfnWebACLAssociation(
            self,
            "ApiWebAclAssociation",
            resource_arn=(
                f"arn:{Aws.PARTITION}:apigateway:{Aws.REGION}::/restapis/"
                f"{self.rest_api_id}/stages/{API_STAGE}"
            ),
            web_acl_arn=acl.attr_arn,
        )
        # The stage is made by the SAM transform from RestAPI, named <api><stage>Stage.
        stage_resource = f"RestAPI{API_STAGE}Stage"
        association.add_override("DependsOn", [stage_resource])
        Validations.of(association).acknowledge(
            Acknowledgment(
                id="CloudFormation-Validate::E3005",
                reason=f"{stage_resource} exists after the SAM transform (cfn-lint checks it)",
            )
        )

    def _add_alarms(self) -> None:
        """Alarms for what a person must look at; all go to one SNS topic."""
        topic = sns.Topic(
            self,
            "Alarms",
            topic_name=f"{self.settings.prefix}-alarms",
            master_key=self.operations_key,
            enforce_ssl=True,
        )
        # CloudWatch encrypts what it publishes to the topic with the topic's key.
        self.operations_key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
            )
        )
        if self.settings.alarm_email:
            topic.add_subscription(subscriptions.EmailSubscription(self.settings.alarm_email))
        action = cloudwatch_actions.SnsAction(topic)
        five_minutes = Duration.minutes(5)

        def alarm(
            construct_id: str, metric: cloudwatch.IMetric, threshold: float, what: str
        ) -> None:
            created = cloudwatch.Alarm(
                self,
                construct_id,
                alarm_name=f"{self.settings.prefix}-{construct_id}",
                alarm_description=what,
                metric=metric,
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            created.add_alarm_action(action)

        alarm(
            "api-5xx",
            cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name="5XXError",
                dimensions_map={"ApiName": self.settings.prefix, "Stage": API_STAGE},
                statistic="Sum",
                period=five_minutes,
            ),
            5,
            "The API answered 5xx at least 5 times in 5 minutes (bad input must be 4xx).",
        )
        alarm(
            "api-flood",
            cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name="Count",
                dimensions_map={"ApiName": self.settings.prefix, "Stage": API_STAGE},
                statistic="Sum",
                period=five_minutes,
            ),
            self.settings.flood_alarm_requests,
            "The API took more requests in 5 minutes than a whole network sends: a flood "
            "costs money while it lasts (infra/README.md, the cost of abuse).",
        )
        for name in self.function_names.values():
            alarm(
                f"{name.removeprefix(self.settings.prefix + '-')}-errors",
                cloudwatch.Metric(
                    namespace="AWS/Lambda",
                    metric_name="Errors",
                    dimensions_map={"FunctionName": name},
                    statistic="Sum",
                    period=five_minutes,
                ),
                1,
                f"Lambda {name} raised an error.",
            )
        alarm(
            "aggregate-iterator-age",
            cloudwatch.Metric(
                namespace="AWS/Lambda",
                metric_name="IteratorAge",
                dimensions_map={"FunctionName": self.function_names[AGGREGATE_FUNCTION]},
                statistic="Maximum",
                period=five_minutes,
            ),
            120_000,
            "Statistics are more than 2 minutes behind the data (stream iterator age).",
        )
        alarm(
            "aggregate-failures",
            self.failure_queue.metric_approximate_number_of_messages_visible(
                period=five_minutes, statistic="Maximum"
            ),
            1,
            "Stream records gave up after retries: run `make rebuild` after fixing the cause.",
        )


def public_method_settings(
    definition: dict[str, Any], settings: StageSettings
) -> list[dict[str, Any]]:
    """API Gateway method settings throttling every anonymous route of ``definition``
    (an OpenAPI body): POSTs and GETs under ``/public/``, each with its own limit."""
    limits = {
        "post": (settings.public_responses_rate, settings.public_responses_burst),
        "get": (settings.public_reads_rate, settings.public_reads_burst),
    }
    found: list[dict[str, Any]] = []
    for path, operations in sorted(definition.get("paths", {}).items()):
        if not path.startswith("/public/"):
            continue
        for method, (rate, burst) in limits.items():
            if method in operations:
                found.append(
                    {
                        # Method settings escape "/" in the resource path as "~1".
                        "ResourcePath": path.replace("/", "~1"),
                        "HttpMethod": method.upper(),
                        "ThrottlingRateLimit": rate,
                        "ThrottlingBurstLimit": burst,
                    }
                )
    return found


def _byte_match(
    text: str, constraint: str, **field: dict[str, Any]
) -> wafv2.CfnWebACL.StatementProperty:
    return wafv2.CfnWebACL.StatementProperty(
        byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
            search_string=text,
            positional_constraint=constraint,
            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(**field),
            text_transformations=[
                wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")
            ],
        )
    )
