"""AWS components: one logical entity per module (see CONVENTIONS.md, "Modules").

`Bucket` (`lz:aws:Bucket`), `StaticSite` (`lz:aws:StaticSite`) and `Database` (`lz:aws:Database`),
with their typed args and pure validators. The policy documents they attach are built by the pure
functions in `modules.aws.iam_docs`.
"""

from modules.aws.bucket import Bucket, BucketAccess, BucketArgs, validate_bucket_args
from modules.aws.cidr import subnet_cidrs
from modules.aws.database import Database, DatabaseArgs, validate_database_args
from modules.aws.spoke_vpc import SpokeVpc, SpokeVpcArgs, validate_spoke_vpc_args
from modules.aws.static_site import StaticSite, StaticSiteArgs, validate_static_site_args

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
