"""`CostAllocationTags`: activate user-defined tag keys as cost allocation tags (payer account).

Children (logical names `<name>-<suffix>`, all parented to the component):

| suffix      | resource                                             | when                |
|-------------|------------------------------------------------------|---------------------|
| `<tag-key>` | `aws.costexplorer.CostAllocationTag` (status Active) | one per `tag_keys`  |

Only the management (payer) account of an organisation can activate cost allocation tags, and AWS
offers a key for activation only after it has been used on at least one resource (Billing and Cost
Management User Guide, "Activating user-defined cost allocation tags"): on a brand-new organisation
run this after the first tagged resources exist. Once active, a key shows up in Cost Explorer,
Budgets filters (`user:<key>`) and the CUR 2.0 `resource_tags` column (`user_<key>`) for usage
from then on; activation is not retroactive. `CostAllocationTag` takes no tags of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import pulumi
import pulumi_aws as aws

from lz.tags import MANDATORY_TAG_KEYS

TYPE_TOKEN: Final = "lz:aws:CostAllocationTags"

#: Cost Explorer's limit on a user-defined tag key (the AWS tag key limit).
MAX_TAG_KEY_LENGTH: Final = 128


@dataclass(frozen=True, kw_only=True)
class CostAllocationTagsArgs:
    """Inputs of `CostAllocationTags`."""

    tag_keys: Sequence[str] = field(default_factory=lambda: list(MANDATORY_TAG_KEYS))
    """Optional. Tag keys to activate; default the mandatory keys of the tag contract (`lz.tags`)."""


def validate_cost_allocation_tags_args(args: CostAllocationTagsArgs) -> list[str]:
    """Every problem with `args`; empty when a `CostAllocationTags` can be built from them."""
    problems: list[str] = []
    if not args.tag_keys:
        problems.append("tag_keys must name at least one tag key")
    for key in args.tag_keys:
        if not key or len(key) > MAX_TAG_KEY_LENGTH:
            problems.append(f"tag_keys: {key!r} must be 1-{MAX_TAG_KEY_LENGTH} characters")
        elif key.lower().startswith("aws:"):
            problems.append(f"tag_keys: {key!r} is an AWS-generated tag; only user-defined keys are activated here")
    dupes = sorted({k for k in args.tag_keys if list(args.tag_keys).count(k) > 1})
    if dupes:
        problems.append(f"tag_keys: {dupes} appear more than once")
    return problems


class CostAllocationTags(pulumi.ComponentResource):
    """The tag keys billing data is broken down by: one active cost allocation tag per key."""

    tag_keys: pulumi.Output[list[str]]
    """The activated keys, in the order given."""

    def __init__(
        self, name: str, args: CostAllocationTagsArgs | None = None, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        args = args or CostAllocationTagsArgs()
        problems = validate_cost_allocation_tags_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        activated = [
            aws.costexplorer.CostAllocationTag(
                f"{name}-{key}",
                tag_key=key,
                status="Active",
                opts=pulumi.ResourceOptions(parent=self),
            )
            for key in args.tag_keys
        ]
        self.tag_keys = pulumi.Output.all(*(tag.tag_key for tag in activated)).apply(list)
        self.register_outputs({"tag_keys": self.tag_keys})
