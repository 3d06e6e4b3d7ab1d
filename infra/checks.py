"""Deliberate exceptions to checkov's rules, written into the template where they apply.

checkov (``make checkov``, and ``tests/infra/test_checkov.py`` in ``make test``) scans
the synthesized templates. Each exception below is a decision, with its reason, and is
attached to the resource it concerns as ``Metadata.checkov.skip`` — checkov reports it
as skipped with that reason, and the template tells the same to anyone who reads it.
Anything that fails without a reason here fails the build.
"""

from __future__ import annotations

from typing import Any, Final

from aws_cdk import CfnResource
from constructs import IConstruct

REASONS: Final[dict[str, str]] = {
    # Lambda
    "CKV_AWS_116": (
        "No DLQ: API Gateway invokes the API and authorizer synchronously (a DLQ serves only "
        "asynchronous invocations); the stream consumer's failures go to its mapping's SQS "
        "on-failure queue"
    ),
    "CKV_AWS_117": (
        "No VPC: the functions reach only AWS APIs (DynamoDB, Cognito) over TLS with IAM; a VPC "
        "would add NAT or endpoint costs and no protection"
    ),
    "CKV_AWS_173": (
        "Environment holds no secrets (table names, URLs, pool ids); Lambda encrypts it at rest "
        "with its service key; a customer-managed KMS key costs more than a small network's bill"
    ),
    # DynamoDB
    "CKV_AWS_119": (
        "Encrypted at rest with DynamoDB's own key; a customer-managed KMS key adds $1/month and "
        "per-request charges per table: cost at a small network's scale"
    ),
    # CloudWatch Logs
    "CKV_AWS_158": (
        "CloudWatch Logs encrypts at rest by default; a customer-managed KMS key per log group "
        "costs more than a small network's whole bill"
    ),
    # API Gateway
    "CKV_AWS_120": (
        "No API Gateway cache: public GETs are cached by CloudFront; a stage cache costs from "
        "$14/month and signed-in answers must never be cached"
    ),
    "CKV_AWS_73": (
        "No X-Ray: every log line carries API Gateway's request id for correlation; traces "
        "would be billed per request, so abuse would cost more"
    ),
    # WAF (optional, waf=true)
    "CKV_AWS_192": (
        "No Log4j rule: nothing behind this web ACL runs Java (the functions are Python); "
        "its only rule limits anonymous POSTs per IP"
    ),
    # CloudFront and the site bucket
    "CKV_AWS_68": (
        "No WAF on CloudFront: it serves static files and cached public reads; a web ACL costs "
        "more than a small network's bill (the optional regional WAF guards the API: waf=true)"
    ),
    "CKV_AWS_86": (
        "No CloudFront access logs: they would store visitors' IP addresses, young people's "
        "included (docs/privacy.md)"
    ),
    "CKV_AWS_18": (
        "No S3 access logs: only CloudFront reads the bucket (origin access control); its "
        "visitors' addresses are not to be stored (docs/privacy.md)"
    ),
    "CKV_AWS_174": (
        "No custom domain set: the default *.cloudfront.net certificate has a policy CloudFront "
        "fixes; set domain_name and certificate_arn to get TLSv1.2_2021"
    ),
}


def skip_checks(construct: IConstruct | CfnResource, *check_ids: str) -> None:
    """Record ``check_ids`` with their reasons as checkov skips on a resource.

    ``construct`` is a CloudFormation resource or an L2 construct whose default child is
    one. Adds to skips recorded earlier on the same resource.
    """
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    if not isinstance(resource, CfnResource):
        raise TypeError(f"{construct} is not a CloudFormation resource")
    existing: dict[str, Any] = resource.get_metadata("checkov") or {}
    skips = [dict(skip) for skip in existing.get("skip", [])]
    known = {skip["id"] for skip in skips}
    for check_id in check_ids:
        if check_id not in REASONS:
            raise KeyError(f"{check_id} has no written reason in infra/checks.py")
        if check_id not in known:
            skips.append({"id": check_id, "comment": REASONS[check_id]})
            known.add(check_id)
    resource.add_metadata("checkov", {"skip": skips})
