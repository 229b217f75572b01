"""IAM policies: no administrator wildcards, no IAM users or access keys, permissions boundaries and
safe trust policies for roles.

Helpers read IAM documents, which arrive as JSON strings (sometimes as objects) whose fields take a
single value or a list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from policies.aws import effect, statements, strings

POLICY_TYPES: Final = (
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
ROLE: Final = "aws:iam/role:Role"

_ALL_ACTIONS: Final = frozenset({"*", "*:*"})


def statement_label(index: int, statement: Mapping[str, Any]) -> str:
    sid = statement.get("Sid")
    return f"Statement {index}" + (f" ({sid})" if sid else "")


def admin_wildcard_problems(document: Mapping[str, Any]) -> list[str]:
    """Messages for Allow statements granting every action on every resource."""
    problems = []
    for index, statement in enumerate(statements(document)):
        if effect(statement) != "allow":
            continue
        if _ALL_ACTIONS & set(strings(statement.get("Action"))) and "*" in strings(statement.get("Resource")):
            problems.append(
                f'{statement_label(index, statement)} allows every action ("*") on every resource ("*"): '
                "full administrator access"
            )
    return problems


def trusted_principals(statement: Mapping[str, Any]) -> dict[str, list[str]]:
    """Principal kind (`AWS`, `Federated`, `Service`, `CanonicalUser`, or `*`) -> principals."""
    principal = statement.get("Principal")
    if isinstance(principal, str):
        return {"*": [principal]}
    if not isinstance(principal, Mapping):
        return {}
    return {str(kind): strings(value) for kind, value in principal.items()}
