"""Reading synthesized CloudFormation templates in tests."""

from __future__ import annotations

from typing import Any

Template = dict[str, Any]


def resources(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    """Logical id → resource, for every resource of ``resource_type``."""
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def only(template: Template, resource_type: str) -> tuple[str, dict[str, Any]]:
    """The single resource of a type (fails if there are none or several)."""
    found = resources(template, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.items()))


def flat(value: Any) -> str:
    """A CloudFormation value as text: Ref X → ${X}, GetAtt X.A → ${X.A}, joins joined."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, bool)):
        return str(value)
    if isinstance(value, dict) and len(value) == 1:
        ((function, argument),) = value.items()
        if function == "Ref":
            return "${" + argument + "}"
        if function == "Fn::GetAtt":
            return "${" + ".".join(argument) + "}"
        if function == "Fn::Join":
            separator, parts = argument
            return separator.join(flat(part) for part in parts)
        if function == "Fn::Sub":
            return argument if isinstance(argument, str) else argument[0]
        if function == "Fn::Select":
            return f"select({argument[0]}, {flat(argument[1])})"
        if function == "Fn::Split":
            return f"split({argument[0]}, {flat(argument[1])})"
    raise AssertionError(f"cannot flatten {value!r}")


def references(value: Any) -> set[str]:
    """Logical ids a value refers to through Ref or GetAtt, at any depth."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".")[0])
            else:
                found |= references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= references(inner)
    return found


def policy_statements(template: Template, role_id: str) -> list[dict[str, Any]]:
    """Every Allow statement attached to a role (inline and AWS::IAM::Policy)."""
    statements: list[dict[str, Any]] = []
    role = template["Resources"][role_id]
    for policy in role["Properties"].get("Policies", []):
        statements += policy["PolicyDocument"]["Statement"]
    for policy in resources(template, "AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"].get("Roles", []):
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def actions_on(template: Template, role_id: str, resource_id: str) -> set[str]:
    """Actions a role may take on resources whose ARN refers to ``resource_id``."""
    allowed: set[str] = set()
    for statement in policy_statements(template, role_id):
        if statement.get("Effect") != "Allow":
            continue
        if any(resource_id in references(r) for r in as_list(statement["Resource"])):
            allowed |= set(as_list(statement["Action"]))
    return allowed
