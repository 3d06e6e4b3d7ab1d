"""Token verification: only a token our issuer signed, for us, and still valid, passes.

Each case forges one thing a caller might try (another key, another issuer or
audience, no signature, an HMAC signed with the public key, edited claims, a past
expiry) and expects ``InvalidToken``; the one honest token passes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.auth.tokens import (
    ALGORITHM,
    PRIVATE_KEY_FILE,
    PUBLIC_KEY_FILE,
    InvalidToken,
    TokenVerifier,
    ensure_local_keys,
    issue_local_token,
    verifier_for,
)
from chalicelib.settings import Settings

EMAIL = "worker@example.org"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    ensure_local_keys(tmp_path)
    return Settings(stage="local", local_key_dir=str(tmp_path))


@pytest.fixture
def verifier(settings: Settings) -> TokenVerifier:
    verifier_for.cache_clear()
    return verifier_for(settings)


def private_pem(settings: Settings) -> bytes:
    return (Path(settings.local_key_dir) / PRIVATE_KEY_FILE).read_bytes()


def claims(settings: Settings, **changes: object) -> dict[str, object]:
    now = int(time.time())
    base: dict[str, object] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": EMAIL,
        "email": EMAIL,
        "iat": now,
        "exp": now + 600,
    }
    base.update(changes)
    return {name: value for name, value in base.items() if value is not None}


def sign(settings: Settings, payload: dict[str, object], key: bytes | None = None) -> str:
    return jwt.encode(payload, key or private_pem(settings), algorithm=ALGORITHM)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_a_token_of_the_local_issuer_passes(settings: Settings, verifier: TokenVerifier) -> None:
    identity = verifier.verify(issue_local_token(settings, EMAIL))
    assert identity.email == EMAIL


def test_the_claims_are_passed_on_exactly_as_signed(
    settings: Settings, verifier: TokenVerifier
) -> None:
    # Letter case and verification are for the binding to judge (docs/identity.md).
    token = sign(settings, claims(settings, email="Worker@Example.ORG", sub="s-1"))
    identity = verifier.verify(token)
    assert (identity.email, identity.subject, identity.email_verified) == (
        "Worker@Example.ORG",
        "s-1",
        False,
    )


@pytest.mark.parametrize(
    ("claim", "verified"),
    [(True, True), ("true", True), (False, False), ("false", False), ("TRUE", False), (1, False)],
)
def test_only_a_true_email_verified_claim_counts(
    settings: Settings, verifier: TokenVerifier, claim: object, verified: bool
) -> None:
    token = sign(settings, claims(settings, email_verified=claim))
    assert verifier.verify(token).email_verified is verified


def test_the_local_issuer_signs_a_verified_address_and_a_stable_opaque_subject(
    settings: Settings, verifier: TokenVerifier
) -> None:
    first = verifier.verify(issue_local_token(settings, EMAIL))
    again = verifier.verify(issue_local_token(settings, EMAIL))
    other = verifier.verify(issue_local_token(settings, "other@example.org"))

    assert first.email_verified is True
    assert first.subject == again.subject != other.subject
    assert EMAIL not in first.subject


@pytest.mark.parametrize("subject", ["", "   ", 7])
def test_a_token_with_an_empty_or_odd_subject_is_refused(
    settings: Settings, verifier: TokenVerifier, subject: object
) -> None:
    with pytest.raises(InvalidToken):
        verifier.verify(sign(settings, claims(settings, sub=subject)))


def test_a_token_signed_by_another_key_is_refused(
    settings: Settings, verifier: TokenVerifier
) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_pem = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(InvalidToken):
        verifier.verify(sign(settings, claims(settings), key=other_pem))


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"iss": "https://cognito-idp.example/other-pool"}, id="wrong-issuer"),
        pytest.param({"aud": "another-app"}, id="wrong-audience"),
        pytest.param({"exp": int(time.time()) - 3600}, id="expired"),
        pytest.param({"exp": None}, id="no-expiry"),
        pytest.param({"iss": None}, id="no-issuer"),
        pytest.param({"aud": None}, id="no-audience"),
        pytest.param({"sub": None}, id="no-subject"),
        pytest.param({"email": None}, id="no-email"),
        pytest.param({"email": "not-an-address"}, id="email-without-at"),
        pytest.param({"nbf": int(time.time()) + 3600}, id="not-yet-valid"),
    ],
)
def test_a_token_with_bad_claims_is_refused(
    settings: Settings, verifier: TokenVerifier, changes: dict[str, object]
) -> None:
    with pytest.raises(InvalidToken):
        verifier.verify(sign(settings, claims(settings, **changes)))


def test_an_unsigned_token_alg_none_is_refused(settings: Settings, verifier: TokenVerifier) -> None:
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims(settings)).encode())
    with pytest.raises(InvalidToken):
        verifier.verify(f"{header}.{payload}.")


def test_an_hmac_token_keyed_with_the_public_key_is_refused(
    settings: Settings, verifier: TokenVerifier
) -> None:
    # The classic algorithm confusion: HS256 "signed" with the RSA public key as secret.
    public_pem = (Path(settings.local_key_dir) / PUBLIC_KEY_FILE).read_bytes()
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims(settings)).encode())
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    with pytest.raises(InvalidToken):
        verifier.verify(f"{header}.{payload}.{b64(signature)}")


def test_a_token_with_tampered_claims_is_refused(
    settings: Settings, verifier: TokenVerifier
) -> None:
    header, _, signature = issue_local_token(settings, EMAIL).split(".")
    forged = b64(json.dumps(claims(settings, email="admin@logbook.local")).encode())
    with pytest.raises(InvalidToken):
        verifier.verify(f"{header}.{forged}.{signature}")


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "a.b", "....."])
def test_garbage_is_refused(verifier: TokenVerifier, token: str) -> None:
    with pytest.raises(InvalidToken):
        verifier.verify(token)


def test_the_local_issuer_refuses_to_sign_outside_the_local_stage(tmp_path: Path) -> None:
    ensure_local_keys(tmp_path)
    with pytest.raises(RuntimeError):
        issue_local_token(Settings(stage="prod", local_key_dir=str(tmp_path)), EMAIL)


def test_a_missing_stage_is_no_local_stage() -> None:
    settings = Settings.from_environment({})
    assert settings.stage is None
    assert not settings.is_local


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_aws_stages_are_no_local_stage(stage: str) -> None:
    assert not Settings.from_environment({"LOGBOOK_STAGE": stage}).is_local


def test_the_site_origin_and_its_loopback_alias() -> None:
    settings = Settings(site_url="http://127.0.0.1:8080/")
    assert settings.site_origins == {"http://127.0.0.1:8080", "http://localhost:8080"}
    assert Settings(site_url="https://d1.cloudfront.net").site_origins == {
        "https://d1.cloudfront.net"
    }
