"""`ResourceGroup`: an Azure resource group with its delete lock and role assignments.

Also home of the pieces every Azure module shares (they are part of each module's interface):
`RoleAssignmentSpec` and the deterministic role assignment names, the `CanNotDelete` lock notes, and
the tag (`lz.tags` contract), name (`lz.naming` rules) and location checks.

Role assignment names are UUIDs derived with `uuid5` from (scope, principal, role), never random, so
re-running a program never creates a second assignment, and the same grant always has the same name.
Role definitions may be given as a bare GUID or as a full `roleDefinitions/<guid>` id; either way
the assignment references `/subscriptions/<scope's subscription>/providers/Microsoft.Authorization/
roleDefinitions/<guid>`, which is the form ARM returns, so the state never drifts from the input.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.resources as resources

from lz.naming import NAME_RULES, check_name
from lz.regions import UK_REGIONS
from lz.tags import check_tags

TYPE_TOKEN = "lz:azure:ResourceGroup"

#: Built-in Owner: never granted by a module (least privilege; Owner can also grant access to others).
OWNER_ROLE_ID = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"

#: Namespace of role assignment names. Changing it would rename (replace) every assignment: never do.
ROLE_ASSIGNMENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:council-lz:azure:role-assignment")

#: Name of the management lock each module places when `lock` is set (lock names are per scope).
LOCK_NAME = "lz-cannot-delete"

PrincipalType = Literal["Group", "ServicePrincipal", "User"]

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_GUID_RE = re.compile(rf"^{_GUID}$")
_ROLE_DEFINITION = re.compile(
    rf"^(?:/subscriptions/{_GUID})?/providers/Microsoft\.Authorization/roleDefinitions/(?P<guid>{_GUID})$",
    re.IGNORECASE,
)
_SUBSCRIPTION_OF = re.compile(rf"^/subscriptions/(?P<sub>{_GUID})(?:/|$)", re.IGNORECASE)
_MAP_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")


@dataclass(frozen=True, kw_only=True)
class RoleAssignmentSpec:
    """One Azure RBAC grant on the module's main resource."""

    principal_id: pulumi.Input[str]
    """Required. Object id of the Entra ID group, service principal or user."""

    role_definition_id: str
    """Required. The role: a GUID or `/providers/Microsoft.Authorization/roleDefinitions/<guid>` (a
    `/subscriptions/<sub>/...` form is accepted too). Owner is refused."""

    principal_type: PrincipalType = "Group"
    """Optional. `"Group"` (default), `"ServicePrincipal"` or `"User"`; grant to groups where you can."""


# -- pure helpers shared by the Azure modules --------------------------------------------------------


def role_definition_guid(role_definition_id: str) -> str | None:
    """The GUID of a role definition given as a GUID or a roleDefinitions id; None when neither."""
    if _GUID_RE.match(role_definition_id):
        return role_definition_id.lower()
    m = _ROLE_DEFINITION.match(role_definition_id)
    return m.group("guid").lower() if m else None


def role_definition_resource_id(scope: str, role_definition_id: str) -> str:
    """The role definition id to send for an assignment at `scope` (the form ARM stores and returns)."""
    guid = role_definition_guid(role_definition_id)
    if guid is None:
        raise ValueError(f"{role_definition_id!r} is not a role definition GUID or id")
    m = _SUBSCRIPTION_OF.match(scope)
    prefix = f"/subscriptions/{m.group('sub').lower()}" if m else ""
    return f"{prefix}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def role_assignment_name(scope: str, principal_id: str, role_definition_id: str) -> str:
    """The deterministic role assignment name (a UUID) for granting a role to a principal at a scope.

    ARM ids and GUIDs are case-insensitive, so the inputs are lower-cased first.
    """
    guid = role_definition_guid(role_definition_id)
    if guid is None:
        raise ValueError(f"{role_definition_id!r} is not a role definition GUID or id")
    key = "|".join((scope.rstrip("/").lower(), principal_id.lower(), guid))
    return str(uuid.uuid5(ROLE_ASSIGNMENT_NAMESPACE, key))


def validate_role_assignments(role_assignments: Mapping[str, RoleAssignmentSpec]) -> list[str]:
    """Problems with a module's `role_assignments` map."""
    problems: list[str] = []
    for key, spec in role_assignments.items():
        where = f"role_assignments[{key!r}]"
        if not _MAP_KEY.match(key):
            problems.append(f"{where}: keys must be 1-63 letters, digits, '-' or '_', starting with a letter or digit")
        guid = role_definition_guid(spec.role_definition_id)
        if guid is None:
            problems.append(
                f"{where}: role_definition_id {spec.role_definition_id!r} is not a role definition GUID or "
                "/providers/Microsoft.Authorization/roleDefinitions/<guid> id"
            )
        elif guid == OWNER_ROLE_ID:
            problems.append(f"{where}: the Owner role is not granted by modules (least privilege); use a narrower role")
        if isinstance(spec.principal_id, str) and not _GUID_RE.match(spec.principal_id):
            problems.append(f"{where}: principal_id {spec.principal_id!r} is not an object id (GUID)")
        if spec.principal_type not in get_args(PrincipalType):
            problems.append(
                f"{where}: principal_type must be one of Group, ServicePrincipal, User, got {spec.principal_type!r}"
            )
    return problems


def validate_tags(tags: Mapping[str, str]) -> list[str]:
    """Problems with a module's tag set, by the toolkit's tag contract (mandatory keys, both clouds' limits)."""
    return [f"tags: {p}" for p in check_tags(tags)]


def validate_location(location: str) -> list[str]:
    """Problems with a location: only the UK regions are allowed."""
    allowed = UK_REGIONS["azure"]
    if location not in allowed:
        return [f"location {location!r} is not allowed; use one of {', '.join(allowed)}"]
    return []


def validate_resource_group_name(name: pulumi.Input[str], field: str = "resource_group_name") -> list[str]:
    """Problems with a literal resource group name (values from other resources are not checked)."""
    if not isinstance(name, str):
        return []
    return [f"{field} {name!r} {p}" for p in check_name(NAME_RULES["azure"]["resource_group"], name)]


def lock_notes(type_token: str) -> str:
    """The notes on a module's management lock: who placed it and how to remove it."""
    return f"Managed by the landing zone ({type_token}): deploy with lock=False before deleting."


def create_role_assignments(
    parent: pulumi.Resource,
    name: str,
    scope: pulumi.Output[str],
    role_assignments: Mapping[str, RoleAssignmentSpec],
) -> list[authorization.RoleAssignment]:
    """One `RoleAssignment` per map entry at `scope`, named `{name}-ra-{key}`, children of `parent`."""
    created: list[authorization.RoleAssignment] = []
    for key, spec in role_assignments.items():
        role = spec.role_definition_id

        def assignment_name(values: list[Any], role: str = role) -> str:
            return role_assignment_name(str(values[0]), str(values[1]), role)

        def definition_id(scope_id: str, role: str = role) -> str:
            return role_definition_resource_id(scope_id, role)

        created.append(
            authorization.RoleAssignment(
                f"{name}-ra-{key}",
                scope=scope,
                principal_id=spec.principal_id,
                principal_type=spec.principal_type,
                role_definition_id=scope.apply(definition_id),
                role_assignment_name=pulumi.Output.all(scope, spec.principal_id).apply(assignment_name),
                opts=pulumi.ResourceOptions(parent=parent),
            )
        )
    return created


# -- the module -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ResourceGroupArgs:
    """Inputs of `ResourceGroup`."""

    resource_group_name: str
    """Required. Physical name, e.g. from `naming` (`{prefix}-{env}-{region}-rg-{name}`)."""

    location: str
    """Required. `uksouth` or `ukwest`."""

    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included."""

    lock: bool = False
    """Optional. Place a `CanNotDelete` management lock on the group (it covers everything inside)."""

    role_assignments: Mapping[str, RoleAssignmentSpec] = field(default_factory=dict)
    """Optional. RBAC grants at the group's scope, keyed by stable names."""


def validate_resource_group_args(args: ResourceGroupArgs) -> list[str]:
    """Every problem with `args`, as messages; an empty list means the arguments are valid."""
    problems = validate_resource_group_name(args.resource_group_name)
    problems += validate_location(args.location)
    problems += validate_tags(args.tags)
    problems += validate_role_assignments(args.role_assignments)
    if not isinstance(args.lock, bool):
        problems.append(f"lock must be True or False, got {args.lock!r}")
    return problems


class ResourceGroup(pulumi.ComponentResource):
    """A resource group, optionally locked against deletion, with its RBAC grants."""

    name: pulumi.Output[str]
    """The group's name (as `resource_group_name`)."""
    id: pulumi.Output[str]
    """The group's ARM id, `/subscriptions/<sub>/resourceGroups/<name>`."""
    location: pulumi.Output[str]
    """The group's location."""

    def __init__(self, name: str, args: ResourceGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_resource_group_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)

        group = resources.ResourceGroup(
            f"{name}-rg",
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        assignments = create_role_assignments(self, name, group.id, args.role_assignments)
        if args.lock:
            # Depending on the grants makes a destroy remove the lock before anything it would block.
            authorization.ManagementLockAtResourceGroupLevel(
                f"{name}-lock",
                resource_group_name=group.name,
                lock_name=LOCK_NAME,
                level=authorization.LockLevel.CAN_NOT_DELETE,
                notes=lock_notes(TYPE_TOKEN),
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(assignments)),
            )

        self.name = group.name
        self.id = group.id
        self.location = group.location
        self.register_outputs({"name": self.name, "id": self.id, "location": self.location})
