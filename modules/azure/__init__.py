"""Azure modules: one ComponentResource per logical entity (see CONVENTIONS.md, Modules).

The package imports nothing itself: each name below is imported from its module on first use, so
a program that needs one component does not import the others and the SDK services they use.
To export another name, add one line to `_EXPORTS` (name -> module), then the name to `__all__`
and to the imports type checkers read; tests/lz/plan/test_lazy_modules.py checks the three agree.
"""

from typing import TYPE_CHECKING, Any

#: Exported name -> the module of this package that defines it.
_EXPORTS: dict[str, str] = {
    "CmkSpec": "storage",
    "ContainerSpec": "storage",
    "ResourceGroup": "resource_group",
    "ResourceGroupArgs": "resource_group",
    "RoleAssignmentSpec": "resource_group",
    "StorageAccount": "storage",
    "StorageAccountArgs": "storage",
    "role_assignment_name": "resource_group",
    "validate_resource_group_args": "resource_group",
    "validate_storage_account_args": "storage",
}

if TYPE_CHECKING:
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
else:

    def __getattr__(name: str) -> Any:
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = globals()[name] = getattr(import_module(f"{__name__}.{module}"), name)
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(_EXPORTS))


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
