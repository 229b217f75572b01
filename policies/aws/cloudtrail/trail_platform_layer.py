"""aws-cloudtrail-trail-platform-layer: CloudTrail trails are declared once, as an organisation
trail, in a platform layer.

Why: the landing zone records API activity with one organisation trail owned by the platform's
logging layer, delivering to the log archive that service teams cannot change. A trail declared in
a service stack duplicates that record at the service's expense (every extra trail's management
events are charged), scatters evidence across buckets the service team controls, and disappears
with the service. In the platform layer the trail must be an organisation trail so that every
account is covered, including accounts created later.

A stack policy: the stack is read from the trail's URN (`urn:pulumi:<stack>::...`); platform layers
are the stacks named with config `platform_stack_prefix` (default `platform-`, as in
`lz.stacks.LAYERS`).

Messages (reported on the trail):
* `CloudTrail trail '<name>' is declared in stack '<stack>'; trails belong to a platform layer (stacks named
  platform-*), where one organisation trail covers every account`
* `CloudTrail trail '<name>' in platform layer '<stack>' is not an organisation trail (isOrganizationTrail is not true)`
"""

from __future__ import annotations

from typing import Final

from pulumi_policy import PolicyConfigSchema, ReportViolation, StackValidationArgs

from policies.aws import UNKNOWN, read, resources_of, stack_of
from policies.aws.cloudtrail import TRAIL
from policies.lib import Frameworks, stack_policy

DEFAULT_PREFIX: Final = "platform-"


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    prefix = str(args.get_config().get("platform_stack_prefix", DEFAULT_PREFIX))
    for trail in resources_of(args.resources, (TRAIL,)):
        stack = stack_of(trail.urn)
        if not stack.startswith(prefix):
            report(
                f"CloudTrail trail '{trail.name}' is declared in stack '{stack}'; trails belong to a platform "
                f"layer (stacks named {prefix}*), where one organisation trail covers every account",
                trail.urn,
            )
            continue
        organisation = read(trail.props, "isOrganizationTrail")
        if organisation is not True and organisation is not UNKNOWN:
            report(
                f"CloudTrail trail '{trail.name}' in platform layer '{stack}' is not an organisation trail "
                "(isOrganizationTrail is not true)",
                trail.urn,
            )


POLICY, METADATA = stack_policy(
    name="aws-cloudtrail-trail-platform-layer",
    description="CloudTrail trails are organisation trails declared in a platform layer, not in service stacks.",
    severity="medium",
    frameworks=Frameworks(ncsc="13", cis="CIS AWS Foundations Benchmark v3.0.0 3.1"),
    remediation=(
        "Remove the trail from the service stack: the platform's organisation trail already records the "
        "service's accounts. Data events a service needs (e.g. S3 object-level logging, CIS 3.8/3.9) are "
        "added to the organisation trail's `event_selectors` by the platform team. In the platform "
        "layer, set `is_organization_trail=True` (deployed from the management or delegated "
        "administrator account)."
    ),
    clouds=("aws",),
    validate=_validate,
    resource_types=(TRAIL,),
    topics=("logging", "audit", "governance"),
    config_schema=PolicyConfigSchema(
        properties={
            "platform_stack_prefix": {
                "type": "string",
                "minLength": 1,
                "default": DEFAULT_PREFIX,
                "description": "Name prefix of the platform layer stacks, where trails may be declared.",
            }
        }
    ),
    config_defaults={"platform_stack_prefix": DEFAULT_PREFIX},
)
