"""Azure modules: one ComponentResource per logical entity (see CONVENTIONS.md, Modules)."""

from modules.azure.resource_group import (
    ResourceGroup,
    ResourceGroupArgs,
    RoleAssignmentSpec,
    role_assignment_name,
    validate_resource_group_args,
)
from modules.azure.storage import (
    CmkSpec,
    ContainerSpec,
    StorageAccount,
    StorageAccountArgs,
    validate_storage_account_args,
)

__all__ = [
    "CmkSpec",
    "ContainerSpec",
    "ResourceGroup",
    "ResourceGroupArgs",
    "RoleAssignmentSpec",
    "StorageAccount",
    "StorageAccountArgs",
    "role_assignment_name",
    "validate_resource_group_args",
    "validate_storage_account_args",
]
