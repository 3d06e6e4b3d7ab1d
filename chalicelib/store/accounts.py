"""Sign-in accounts: a member gets one when an organisation admin adds them.

In AWS stages that is a Cognito user: ``AdminCreateUser`` e-mails the new member a
temporary password and the link to the app (the pool's invitation message), and they
choose their own password at the first sign-in. Someone who already has a sign-in (a
member of another organisation) keeps it, enabled again if it was disabled.

Removing a member who has no role anywhere else (and is no platform admin) disables
their sign-in (``AdminDisableUser``, which also revokes their refresh tokens); adding
them again enables it. Locally there is no pool: the local issuer signs in any
address with a role (``POST /auth/local-login``), so someone without one is locked
out already.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from botocore.exceptions import ClientError

from chalicelib.domain.errors import InvalidInput, TooManyRequests


class SignInAccounts(Protocol):
    """Where members' sign-ins are made."""

    def invite(self, email: str) -> bool:
        """Make sure ``email`` can sign in; ``True`` if an invitation was sent now."""
        ...

    def enable(self, email: str) -> None:
        """Let ``email`` sign in again (nothing happens if there is no such sign-in)."""
        ...

    def disable(self, email: str) -> None:
        """Stop ``email`` from signing in (nothing happens if there is no such sign-in)."""
        ...


class LocalAccounts:
    """The local stage: every address with a role can sign in, nobody else."""

    def invite(self, email: str) -> bool:
        return False

    def enable(self, email: str) -> None:
        return None

    def disable(self, email: str) -> None:
        return None


class CognitoAccounts:
    """A Cognito user pool, reached through ``client()`` (a boto3 ``cognito-idp`` client).

    The client is made on the first invitation, not with the services: creating one
    loads Cognito's API model, which no other request needs.
    """

    def __init__(self, client: Callable[[], Any], user_pool_id: str) -> None:
        self._client = client
        self._user_pool_id = user_pool_id

    def invite(self, email: str) -> bool:
        """Create ``email``'s user; Cognito e-mails the invitation. ``False`` if one exists."""
        try:
            self._client().admin_create_user(
                UserPoolId=self._user_pool_id,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    # The admin vouches for the address; the invitation proves it works.
                    {"Name": "email_verified", "Value": "true"},
                ],
                DesiredDeliveryMediums=["EMAIL"],
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code == "UsernameExistsException":
                # Removed from everywhere earlier, their sign-in was disabled.
                self.enable(email)
                return False
            if code == "InvalidParameterException":
                raise InvalidInput.field(
                    "email", "the sign-in service refused this address"
                ) from error
            if code in ("TooManyRequestsException", "LimitExceededException"):
                raise TooManyRequests(
                    "too many invitations at once; try again in a minute"
                ) from error
            raise
        return True

    def enable(self, email: str) -> None:
        """``AdminEnableUser``; an unknown user is nothing to enable."""
        self._switch("admin_enable_user", email)

    def disable(self, email: str) -> None:
        """``AdminDisableUser``; an unknown user is nothing to disable."""
        self._switch("admin_disable_user", email)

    def _switch(self, operation: str, email: str) -> None:
        try:
            getattr(self._client(), operation)(UserPoolId=self._user_pool_id, Username=email)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code == "UserNotFoundException":
                return
            if code in ("TooManyRequestsException", "LimitExceededException"):
                raise TooManyRequests(
                    "too many sign-in changes at once; try again in a minute"
                ) from error
            raise
