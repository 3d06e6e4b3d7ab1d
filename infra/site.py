"""The static site: a private, versioned S3 bucket behind CloudFront.

CloudFront reads the bucket through origin access control (the bucket is never public)
and serves only HTTPS. ``/public/*`` goes to API Gateway through a second origin so the
open statistics are cached at the edge; the answers the public reads are the same for
everyone, so one cache entry per URL serves them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.checks import skip_checks

# S3 has no directory index behind OAC: "/stats/" must become "/stats/index.html", and
# "/stats?scope=..." is redirected to "/stats/?scope=..." so relative links still work.
# Leading slashes (and backslashes, which browsers read as slashes) collapse into one
# first: a Location of "//evil.example/login/" would send the visitor to another host.
INDEX_REWRITE_JS = """
function handler(event) {
  var request = event.request;
  var uri = request.uri.replace(/^[\\/\\\\]+/, '/');
  request.uri = uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
    return request;
  }
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') !== -1) {
    return request;
  }
  var parts = [];
  var query = request.querystring;
  for (var key in query) {
    var entry = query[key];
    var values = entry.multiValue ? entry.multiValue : [entry];
    for (var i = 0; i < values.length; i++) {
      parts.push(values[i].value === '' ? key : key + '=' + values[i].value);
    }
  }
  var location = uri + '/' + (parts.length ? '?' + parts.join('&') : '');
  return {
    statusCode: 301,
    statusDescription: 'Moved Permanently',
    headers: {location: {value: location}}
  };
}
""".strip()


def content_security_policy(api_origin: str, cognito_origins: list[str]) -> str:
    """The site's CSP: its own scripts and styles only; it talks to the API and Cognito.

    ``img-src`` allows the API origin because survey QR codes are SVGs the API serves.
    """
    connect = " ".join(["'self'", api_origin, *cognito_origins])
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data: {api_origin}",
        "font-src 'self'",
        f"connect-src {connect}",
        "manifest-src 'self'",
        f"form-action 'self' {' '.join(cognito_origins)}",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
        "upgrade-insecure-requests",
    ]
    return "; ".join(directives)


@dataclass(frozen=True)
class ApiOrigin:
    """Where CloudFront finds the REST API: its host name and stage path."""

    domain_name: str
    stage_path: str  # e.g. "/api"

    @property
    def url(self) -> str:
        return f"https://{self.domain_name}"


class StaticSite(Construct):
    """Bucket + CloudFront distribution for ``static_site/`` and cached ``/public/*``."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        api: ApiOrigin,
        cognito_origins: list[str],
        public_cache_seconds: int,
        domain_name: str | None = None,
        certificate_arn: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.domain_name = domain_name
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            # Versions make a bad upload recoverable; old ones need not be kept forever.
            lifecycle_rules=[
                s3.LifecycleRule(
                    noncurrent_version_expiration=Duration.days(30),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        skip_checks(self.bucket, "CKV_AWS_18")

        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            response_headers_policy_name=f"{prefix}-security-headers",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(api.url, cognito_origins),
                    override=True,
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(730),
                    include_subdomains=True,
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(
                        header="Permissions-Policy",
                        value="camera=(), microphone=(), geolocation=(), payment=()",
                        override=True,
                    )
                ]
            ),
        )

        index_rewrite = cloudfront.Function(
            self,
            "IndexRewrite",
            function_name=f"{prefix}-index-rewrite",
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            code=cloudfront.FunctionCode.from_inline(INDEX_REWRITE_JS),
            comment="Directory index and trailing-slash redirect for the static site",
        )

        # Honour the API's Cache-Control; without one keep an answer public_cache_seconds.
        public_api_cache = cloudfront.CachePolicy(
            self,
            "PublicApiCache",
            cache_policy_name=f"{prefix}-public-api",
            comment="GET /public/*: keyed on the query string (scope, period, lang)",
            min_ttl=Duration.seconds(0),
            default_ttl=Duration.seconds(public_cache_seconds),
            max_ttl=Duration.seconds(max(public_cache_seconds, 300)),
            query_string_behavior=cloudfront.CacheQueryStringBehavior.all(),
            header_behavior=cloudfront.CacheHeaderBehavior.none(),
            cookie_behavior=cloudfront.CacheCookieBehavior.none(),
            enable_accept_encoding_gzip=True,
            enable_accept_encoding_brotli=True,
        )

        self.distribution = cloudfront.Distribution(
            self,
            "Cdn",
            comment=f"{prefix}: static site and cached public API",
            default_root_object="index.html",
            # Takes effect with a certificate of our own (a custom domain); the default
            # *.cloudfront.net certificate comes with a policy CloudFront chooses.
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            domain_names=[domain_name] if domain_name else None,
            certificate=(
                acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn)
                if certificate_arn
                else None
            ),
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            # Europe and North America edges: the users are in Europe.
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                compress=True,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=index_rewrite,
                        event_type=cloudfront.FunctionEventType.VIEWER_REQUEST,
                    )
                ],
            ),
            additional_behaviors={
                # Reads only: POST /public/responses goes straight to API Gateway, where
                # throttling and the optional WAF see the client, not a CloudFront edge.
                "/public/*": cloudfront.BehaviorOptions(
                    origin=origins.HttpOrigin(
                        api.domain_name,
                        origin_path=api.stage_path,
                        protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                        origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
                    ),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
                    cached_methods=cloudfront.CachedMethods.CACHE_GET_HEAD,
                    cache_policy=public_api_cache,
                    # API Gateway routes on its own Host header, so never forward the viewer's.
                    origin_request_policy=(
                        cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER
                    ),
                    response_headers_policy=headers,
                    compress=True,
                )
            },
        )

        skip_checks(self.distribution, "CKV_AWS_68", "CKV_AWS_86")
        if not domain_name:
            skip_checks(self.distribution, "CKV_AWS_174")

    @property
    def url(self) -> str:
        """The site's address: its own domain when set, else the CloudFront domain."""
        if self.domain_name:
            return f"https://{self.domain_name}"
        return f"https://{self.distribution.distribution_domain_name}"
