"""Signed identity tokens: one verification path for every stage.

AWS stages verify Cognito ID tokens against the user pool's JWKS. The local stage
has its own issuer: an RSA key generated on first start and kept on disk, which
signs tokens for ``POST /auth/local-login``. Both are RS256 JWTs checked for
signature, issuer, audience and expiry by ``TokenVerifier``.

A token speaks for its subject (``sub``); its ``email`` and ``email_verified`` claims
are passed on as they are, and ``Identity.principal_for`` (chalicelib/services/identity.py) decides what they are worth
(docs/identity.md). The local issuer gives every account one stable subject, as
Cognito does, so the same binding code runs locally and in AWS.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.settings import Settings

ALGORITHM = "RS256"
LOCAL_KEY_ID = "logbook-local-1"
PRIVATE_KEY_FILE = "jwt-private.pem"
PUBLIC_KEY_FILE = "jwt-public.pem"


class InvalidToken(Exception):
    """The token is missing, malformed, unsigned, expired or from someone else."""


@dataclass(frozen=True)
class VerifiedIdentity:
    """Who a verified token speaks for: its subject, and the e-mail claims exactly as sent."""

    subject: str
    email: str
    email_verified: bool


def claims_email_verified(value: object) -> bool:
    """Cognito's ``email_verified`` claim: ``true`` (some pools send the string ``"true"``)."""
    return value is True or value == "true"


def ensure_local_keys(key_dir: str | Path) -> Path:
    """Create the local issuer's RSA key pair in ``key_dir`` unless it exists."""
    directory = Path(key_dir)
    private_path = directory / PRIVATE_KEY_FILE
    public_path = directory / PUBLIC_KEY_FILE
    if private_path.exists() and public_path.exists():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # Write the public key last: its presence means the pair is complete.
    private_path.write_bytes(private_pem)
    private_path.chmod(0o600)
    public_path.write_bytes(public_pem)
    return directory


def local_subject(private_pem: bytes, email: str) -> str:
    """The local account's stable subject: a UUID keyed with the issuer's private key.

    Like Cognito's ``sub`` it is opaque and never changes for the account (as long as
    the local key in ``.local/`` is kept); nobody can compute it without the key.
    """
    digest = hmac.new(private_pem, f"subject:{email}".encode(), hashlib.sha256).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def issue_local_token(settings: Settings, email: str, now: float | None = None) -> str:
    """Sign a token for the local account ``email`` (local stage only).

    The account's e-mail is verified (the seeding or an admin named it), as a Cognito
    user that an admin invited is.
    """
    if not settings.is_local:
        raise RuntimeError("the local issuer exists only in the local stage")
    issued = int(now if now is not None else time.time())
    private_pem = (Path(settings.local_key_dir) / PRIVATE_KEY_FILE).read_bytes()
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": local_subject(private_pem, email),
        "email": email,
        "email_verified": True,
        "iat": issued,
        "exp": issued + settings.token_lifetime_seconds,
        "token_use": "id",
    }
    return jwt.encode(claims, private_pem, algorithm=ALGORITHM, headers={"kid": LOCAL_KEY_ID})


class TokenVerifier:
    """Verifies RS256 JWTs: signature, issuer, audience, expiry, a subject and an e-mail claim."""

    def __init__(self, issuer: str, audience: str, key_source: Any) -> None:
        self._issuer = issuer
        self._audience = audience
        self._key_source = key_source  # callable(token) -> public key

    def verify(self, token: str) -> VerifiedIdentity:
        """Return the identity behind ``token`` or raise ``InvalidToken``."""
        try:
            key = self._key_source(token)
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
                leeway=30,
            )
        except (jwt.PyJWTError, ValueError, KeyError, OSError) as error:
            raise InvalidToken(str(error)) from error
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise InvalidToken("token has no e-mail claim")
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject.strip():
            raise InvalidToken("token has no subject")
        # Passed on exactly as signed: letter case and verification are part of who it is.
        return VerifiedIdentity(
            subject=subject,
            email=email,
            email_verified=claims_email_verified(claims.get("email_verified")),
        )


def _local_key_source(key_dir: str) -> Any:
    public_pem = (Path(key_dir) / PUBLIC_KEY_FILE).read_bytes()
    return lambda _token: public_pem


def _jwks_key_source(jwks_url: str) -> Any:
    client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600)
    return lambda token: client.get_signing_key_from_jwt(token).key


@lru_cache(maxsize=4)
def verifier_for(settings: Settings) -> TokenVerifier:
    """The verifier of this stage: JWKS in AWS, the local issuer's key locally."""
    if settings.jwks_url:
        source = _jwks_key_source(settings.jwks_url)
    else:
        source = _local_key_source(settings.local_key_dir)
    return TokenVerifier(settings.jwt_issuer, settings.jwt_audience, source)
