"""``make deploy STAGE=prod``: deploy a stage to the AWS account of your credentials.

Steps: build the site (``build/site/``: ``static_site/`` minified per file by
``tools/build_site.mjs``, the files the tests serve) → synthesize → ``cdk deploy`` →
upload the built site to the site bucket → write the site's ``config.js`` (API URL, stage, Cognito) next to it → invalidate CloudFront →
print the URLs. It never writes demo data; the only data it can write is the first
platform admin, when asked to with ``--admin-email``.

Guards, in this order, before anything talks to AWS:

1. never under a test runner (pytest), whatever the arguments;
2. an explicit stage (``--stage dev|prod``, no default);
3. real credentials: the fake ``local`` keys the Makefile exports for the local stack are
   dropped so a profile, SSO or the real keys in the environment are used, and without
   any the deploy stops;
4. a confirmation naming the account, region and stage (``--yes`` skips it; without a
   terminal and without ``--yes`` it stops).
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from infra.settings import STAGES

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
BUILD_DIR: Final = REPO_ROOT / "build"
# What is uploaded: the built site (static_site/ minified), never the sources.
SITE_DIR: Final = BUILD_DIR / "site"
CONFIG_KEY: Final = "config.js"
# The Makefile's stand-ins for the local stack; never real keys.
FAKE_ACCESS_KEYS: Final = frozenset({"local", "test", "testing", "fake", "dummy"})
# Variables that point boto3 or the CDK at something other than AWS.
LOCAL_ONLY_VARIABLES: Final = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB")

CONTENT_TYPES: Final = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
}


class DeployRefusedError(Exception):
    """A guard said no; the message says why and what to do."""


@dataclass(frozen=True)
class SiteFile:
    """One file of the static site as it goes to S3."""

    key: str
    path: Path
    content_type: str
    cache_control: str


def refuse_under_tests(modules: Mapping[str, Any], environ: Mapping[str, str]) -> None:
    """No test may deploy: refuse inside pytest, whatever else is set."""
    if "pytest" in modules or "PYTEST_CURRENT_TEST" in environ:
        raise DeployRefusedError("deploy refuses to run under a test runner")


def deploy_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for boto3 and the CDK CLI: the local stack's fakes removed."""
    cleaned = dict(environ)
    if cleaned.get("AWS_ACCESS_KEY_ID", "").lower() in FAKE_ACCESS_KEYS:
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            cleaned.pop(key, None)
    for key in LOCAL_ONLY_VARIABLES:
        cleaned.pop(key, None)
    # The local stack disables the account-id endpoint mode for moto; AWS does not need it.
    cleaned.pop("AWS_ACCOUNT_ID_ENDPOINT_MODE", None)
    return cleaned


def site_files(site_dir: Path) -> list[SiteFile]:
    """Every file to upload, with Content-Type and Cache-Control.

    Pages and ``config.js`` are revalidated on every load (a deploy must show at once);
    other assets are not fingerprinted, so they are cached for minutes, not days.
    ``config.js`` itself is written by the deploy, never uploaded from disk.
    """
    files: list[SiteFile] = []
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        key = path.relative_to(site_dir).as_posix()
        if key == CONFIG_KEY or path.name.startswith("."):
            continue
        content_type = CONTENT_TYPES.get(path.suffix.lower())
        if content_type is None:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        cache = "no-cache" if path.suffix == ".html" else "public, max-age=300"
        files.append(SiteFile(key, path, content_type, cache))
    return files


def config_script(outputs: Mapping[str, str], stage: str) -> str:
    """The site's ``config.js`` for a deployed stage (same shape as the local one)."""
    site_url = outputs["SiteUrl"]
    config = {
        "apiUrl": outputs["ApiUrl"],
        # GET /public/* through CloudFront: the cached copy of the open statistics.
        "publicApiUrl": site_url,
        "stage": stage,
        "cognito": {
            "domain": outputs["HostedUiDomain"],
            "clientId": outputs["UserPoolClientId"],
            "userPoolId": outputs["UserPoolId"],
            "region": outputs["Region"],
            "redirectUri": f"{site_url}/app/",
        },
    }
    return f"window.LOGBOOK_CONFIG = {json.dumps(config)};\n"


def _confirm(account: str, region: str, stage: str, assume_yes: bool) -> None:
    summary = f"Deploy Logbook stage {stage!r} to account {account} in {region}."
    print(summary)
    if assume_yes:
        return
    if not sys.stdin.isatty():
        raise DeployRefusedError("no terminal to confirm on: pass --yes to deploy unattended")
    answer = input(f"Type the stage name ({stage}) to continue: ").strip()
    if answer != stage:
        raise DeployRefusedError("not confirmed")


def _caller(environ: dict[str, str]) -> tuple[Any, str, str]:
    """A boto3 session with real credentials, its account and region (or a refusal)."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    os.environ.clear()
    os.environ.update(environ)
    session = boto3.Session()
    if session.get_credentials() is None:
        raise DeployRefusedError(
            "no AWS credentials: configure a profile (AWS_PROFILE), SSO or access keys"
        )
    region = session.region_name
    if not region:
        raise DeployRefusedError("no AWS region: set AWS_REGION or a profile region")
    try:
        account = session.client("sts").get_caller_identity()["Account"]
    except (BotoCoreError, ClientError) as error:
        raise DeployRefusedError(f"the credentials do not work: {error}") from error
    return session, str(account), region


def _cdk(arguments: list[str], environ: dict[str, str]) -> None:
    cdk = REPO_ROOT / "node_modules" / ".bin" / "cdk"
    if not cdk.exists():
        raise DeployRefusedError("the CDK CLI is missing: run `make install` (npm ci)")
    subprocess.run([str(cdk), *arguments], check=True, env=environ, cwd=REPO_ROOT)


def _upload_site(session: Any, bucket: str, files: Iterable[SiteFile], config: str) -> int:
    s3 = session.client("s3")
    wanted = {CONFIG_KEY}
    for item in files:
        s3.upload_file(
            str(item.path),
            bucket,
            item.key,
            ExtraArgs={"ContentType": item.content_type, "CacheControl": item.cache_control},
        )
        wanted.add(item.key)
    s3.put_object(
        Bucket=bucket,
        Key=CONFIG_KEY,
        Body=config.encode(),
        ContentType=CONTENT_TYPES[".js"],
        CacheControl="no-cache",
    )
    # Files removed from the site go too (the bucket is versioned: they can come back).
    removed = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        stale = [{"Key": o["Key"]} for o in page.get("Contents", []) if o["Key"] not in wanted]
        if stale:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": stale, "Quiet": True})
            removed += len(stale)
    return removed


def _add_platform_admin(session: Any, outputs: Mapping[str, str], email: str) -> None:
    """Invite ``email`` to the user pool and make them platform admin (asked for)."""
    from datetime import UTC, datetime

    from chalicelib.store.directory import DirectoryRepository

    cognito = session.client("cognito-idp")
    try:
        cognito.admin_create_user(
            UserPoolId=outputs["UserPoolId"],
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
            DesiredDeliveryMediums=["EMAIL"],
        )
        print(f"Invited {email}: Cognito sends a temporary password by e-mail.")
    except cognito.exceptions.UsernameExistsException:
        print(f"{email} already has a sign-in; keeping it.")
    table = session.resource("dynamodb").Table(outputs["DataTableName"])
    DirectoryRepository(table).put_platform_admin(email, datetime.now(UTC).isoformat())
    print(f"{email} is a platform admin of this stage.")


def deploy(
    stage: str,
    context: dict[str, str],
    assume_yes: bool,
    bootstrap: bool,
    admin_email: str | None = None,
) -> None:
    """Deploy ``stage``; every guard in the module docstring runs first."""
    refuse_under_tests(sys.modules, os.environ)
    if stage not in STAGES:
        raise DeployRefusedError(f"stage must be one of {STAGES}, not {stage!r}")
    environ = deploy_environment(os.environ)
    session, account, region = _caller(environ)
    if admin_email:
        print(f"Afterwards {admin_email} becomes platform admin (the only data written).")
    _confirm(account, region, stage, assume_yes)

    from infra.synth import synthesize
    from tools.site_build import SiteBuildError, build_site

    # First: a site that does not build stops the deploy before anything changes in AWS.
    try:
        print(build_site(REPO_ROOT, REPO_ROOT / "static_site", SITE_DIR))
    except SiteBuildError as error:
        raise DeployRefusedError(str(error)) from error
    result = synthesize(BUILD_DIR, [stage], context)
    target = f"aws://{account}/{region}"
    if bootstrap:
        _cdk(["bootstrap", target], environ)
    outputs_file = BUILD_DIR / f"outputs-{stage}.json"
    _cdk(
        [
            "deploy",
            stage,
            "--app",
            str(result.assembly),
            # Unattended (--yes) deploys were confirmed up front; otherwise the CLI asks
            # before any IAM or security-group change that widens access.
            "--require-approval",
            "never" if assume_yes else "broadening",
            "--outputs-file",
            str(outputs_file),
        ],
        environ,
    )
    stack_outputs: dict[str, str] = json.loads(outputs_file.read_text())[f"logbook-{stage}"]

    files = site_files(SITE_DIR)
    removed = _upload_site(
        session, stack_outputs["SiteBucketName"], files, config_script(stack_outputs, stage)
    )
    session.client("cloudfront").create_invalidation(
        DistributionId=stack_outputs["DistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": f"logbook-{stage}-{time.time_ns()}",
        },
    )
    site = stack_outputs["SiteUrl"]
    print(f"Uploaded {len(files)} site files (+ config.js), removed {removed} stale ones.")
    print(f"Site:        {site}/app/")
    print(f"Survey:      {site}/s/?c=CODE")
    print(f"Statistics:  {site}/stats/")
    print(f"API:         {stack_outputs['ApiUrl']}")
    print(f"Sign-in:     https://{stack_outputs['HostedUiDomain']}")
    if admin_email:
        _add_platform_admin(session, stack_outputs, admin_email.strip().lower())
    else:
        print("No data was written. For the first platform admin run again with")
        print("DEPLOY_ARGS='--admin-email you@example.org' (see infra/README.md).")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m infra.deploy --stage prod [--yes] [-c key=value]``."""
    parser = argparse.ArgumentParser(description="Deploy Logbook to AWS (see infra/README.md)")
    parser.add_argument("--stage", required=True, help="dev or prod (no default)")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--bootstrap", action="store_true", help="run `cdk bootstrap` first")
    parser.add_argument("-c", "--context", action="append", default=[], help="key=value")
    parser.add_argument(
        "--admin-email", help="invite this address and make it platform admin (asks first)"
    )
    args = parser.parse_args(argv)
    context: dict[str, str] = {}
    for pair in args.context:
        key, sep, value = pair.partition("=")
        if not sep:
            parser.error(f"--context takes key=value, not {pair!r}")
        context[key] = value
    try:
        deploy(args.stage, context, args.yes, args.bootstrap, args.admin_email)
    except DeployRefusedError as refusal:
        print(f"deploy refused: {refusal}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
