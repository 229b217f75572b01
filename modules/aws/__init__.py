"""AWS components: one logical entity per module (see CONVENTIONS.md, "Modules").

`Bucket` (`lz:aws:Bucket`), `StaticSite` (`lz:aws:StaticSite`) and `Database` (`lz:aws:Database`),
with their typed args and pure validators. The policy documents they attach are built by the pure
functions in `modules.aws.iam_docs`.

The package imports nothing itself: each name below is imported from its module on first use, so
a program that needs one component does not import the others and the SDK services they use.
To export another name, add one line to `_EXPORTS` (name -> module), then the name to `__all__`
and to the imports type checkers read; tests/lz/plan/test_lazy_modules.py checks the three agree.
"""

from typing import TYPE_CHECKING, Any

#: Exported name -> the module of this package that defines it.
_EXPORTS: dict[str, str] = {
    "Bucket": "bucket",
    "BucketAccess": "bucket",
    "BucketArgs": "bucket",
    "Database": "database",
    "DatabaseArgs": "database",
    "SpokeVpc": "spoke_vpc",
    "SpokeVpcArgs": "spoke_vpc",
    "StaticSite": "static_site",
    "StaticSiteArgs": "static_site",
    "subnet_cidrs": "cidr",
    "validate_bucket_args": "bucket",
    "validate_database_args": "database",
    "validate_spoke_vpc_args": "spoke_vpc",
    "validate_static_site_args": "static_site",
}

if TYPE_CHECKING:
    from modules.aws.bucket import Bucket, BucketAccess, BucketArgs, validate_bucket_args
    from modules.aws.cidr import subnet_cidrs
    from modules.aws.database import Database, DatabaseArgs, validate_database_args
    from modules.aws.spoke_vpc import SpokeVpc, SpokeVpcArgs, validate_spoke_vpc_args
    from modules.aws.static_site import StaticSite, StaticSiteArgs, validate_static_site_args
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
    "Bucket",
    "BucketAccess",
    "BucketArgs",
    "Database",
    "DatabaseArgs",
    "SpokeVpc",
    "SpokeVpcArgs",
    "StaticSite",
    "StaticSiteArgs",
    "subnet_cidrs",
    "validate_bucket_args",
    "validate_database_args",
    "validate_spoke_vpc_args",
    "validate_static_site_args",
]
