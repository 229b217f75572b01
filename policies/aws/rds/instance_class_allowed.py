"""aws-rds-instance-class-allowed: RDS instance classes come from the allowlist of the environment.

Why: database instances are the largest line in most council cloud bills. Outside production,
small burstable classes are enough; production may also use current general-purpose and
memory-optimised classes up to 2xlarge. Bigger or older classes are a decision for the cloud board,
made in the policy config. The environment is read from the `environment` tag.

Checks `instanceClass` of DB instances and Aurora cluster instances (Aurora Serverless v2's
`db.serverless` must be allowed in config explicitly).

Config (exact names or globs such as `db.t4g.*`):
* `non_production` (default: db.t4g and db.t3, micro to large)
* `production` (default: those, plus db.m7g, db.r7g, db.m6i and db.r6i from large to 2xlarge)

Messages:
* `Instance class 'db.m7g.large' is not allowed in non-production environments (environment 'dev'); allowed:
  db.t4g.micro, ...`
* `Instance class 'db.r5.8xlarge' is not allowed in production environments (environment 'prod'); allowed: ...`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.aws import allowlist_schema, sizes
from policies.aws.ec2.instance_type_allowed import allowlist_problem
from policies.aws.rds import CLUSTER_INSTANCE, INSTANCE
from policies.lib import Frameworks, get, resource_policy

NON_PRODUCTION: Final = tuple(sizes(("t4g", "t3"), ("micro", "small", "medium", "large"), prefix="db."))
PRODUCTION: Final = (
    *NON_PRODUCTION,
    *sizes(("m7g", "r7g", "m6i", "r6i"), ("large", "xlarge", "2xlarge"), prefix="db."),
)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    problem = allowlist_problem("Instance class", get(props, "instanceClass"), props, args.get_config())
    if problem:
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-rds-instance-class-allowed",
    description="RDS instance classes (instances and cluster instances) are on the allowlist of their environment.",
    severity="medium",
    frameworks=Frameworks(ncsc="4"),
    remediation=(
        "Pick a class from the allowlist: `DatabaseArgs.size` of `modules.aws.database.Database` maps "
        "`small` to db.t4g.small. Outside production use db.t4g/db.t3 up to large; in production also "
        "db.m7g, db.r7g, db.m6i or db.r6i up to 2xlarge. A justified exception is made by the platform "
        "team widening the policy config (`non_production`/`production`)."
    ),
    resource_types=(INSTANCE, CLUSTER_INSTANCE),
    validate=_validate,
    topics=("cost", "database"),
    config_schema=PolicyConfigSchema(properties=allowlist_schema(NON_PRODUCTION, PRODUCTION, "RDS instance classes")),
    config_defaults={"non_production": list(NON_PRODUCTION), "production": list(PRODUCTION)},
)
