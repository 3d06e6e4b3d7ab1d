"""Signed identity tokens: one verification path for every stage.

AWS stages verify Cognito ID tokens against the user pool's JWKS. The local stage
has its own issuer: an RSA key generated on first start and kept on disk, which
signs tokens for ``POST /auth/local-login``. Both are RS256 JWTs checked for
signature, issuer, audience and expiry by ``TokenVerifier``.
"""

from __future__ import annotations

import time
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
    """Who a verified token speaks for."""

    email: str
    subject: str


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


def issue_local_token(settings: Settings, email: str, now: float | None = None) -> str:
    """Sign a token for ``email`` with the local issuer's key (local stage only)."""
    if not settings.is_local:
        raise RuntimeError("the local issuer exists only in the local stage")
    issued = int(now if now is not None else time.time())
    private_pem = (Path(settings.local_key_dir) / PRIVATE_KEY_FILE).read_bytes()
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": email,
        "email": email,
        "iat": issued,
        "exp": issued + settings.token_lifetime_seconds,
        "token_use": "id",
    }
    return jwt.encode(claims, private_pem, algorithm=ALGORITHM, headers={"kid": LOCAL_KEY_ID})


class TokenVerifier:
    """Verifies RS256 JWTs: signature, issuer, audience, expiry, and an e-mail claim."""

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
        return VerifiedIdentity(email=email.lower(), subject=str(claims["sub"]))


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
