"""The user pool keeps a person's address theirs (docs/identity.md), in both stages.

Read from the synthesized templates: case-insensitive sign-in, an address change
that waits for verification, no app client that writes ``email``, and a session
that lasts a working evening.
"""

from __future__ import annotations

from typing import Any

from tests.infra.cfn import Template, only

HOURS = {"seconds": 1 / 3600, "minutes": 1 / 60, "hours": 1, "days": 24}


def pool(template: Template) -> dict[str, Any]:
    return only(template, "AWS::Cognito::UserPool")[1]["Properties"]


def client(template: Template) -> dict[str, Any]:
    return only(template, "AWS::Cognito::UserPoolClient")[1]["Properties"]


def hours(properties: dict[str, Any], token: str) -> float:
    """A token validity in hours (CloudFormation's default units: hours, days for refresh)."""
    default = "days" if token == "RefreshToken" else "hours"
    unit = properties.get("TokenValidityUnits", {}).get(token, default)
    return float(properties[f"{token}Validity"]) * HOURS[unit]


def test_sign_in_ignores_letter_case(template: Template) -> None:
    assert pool(template)["UsernameConfiguration"] == {"CaseSensitive": False}


def test_a_changed_email_is_not_used_until_verified(template: Template) -> None:
    settings = pool(template)["UserAttributeUpdateSettings"]
    assert settings["AttributesRequireVerificationBeforeUpdate"] == ["email"]
    assert "email" in pool(template)["AutoVerifiedAttributes"]


def test_the_app_client_cannot_write_the_email(template: Template) -> None:
    properties = client(template)
    # Without WriteAttributes a client may write every attribute: it must be there.
    writable = set(properties["WriteAttributes"])
    assert writable, "an empty list would let Cognito fall back to every attribute"
    assert not writable & {"email", "email_verified", "phone_number", "preferred_username"}
    assert {"email", "email_verified"} <= set(properties["ReadAttributes"])
    # Cognito insists that a required attribute is writable by the client.
    schema = {a["Name"]: a for a in pool(template).get("Schema", [])}
    assert not schema.get("email", {}).get("Required", False)


def test_a_session_lasts_a_working_evening(template: Template) -> None:
    properties = client(template)
    assert hours(properties, "IdToken") >= 12
    # Long enough for an evening, not days: a shared computer forgets the person.
    assert 12 <= hours(properties, "RefreshToken") <= 24
    assert hours(properties, "AccessToken") <= hours(properties, "IdToken")
    assert properties["EnableTokenRevocation"] is True
