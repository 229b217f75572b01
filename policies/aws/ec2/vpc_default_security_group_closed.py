"""aws-ec2-vpc-default-security-group-closed: every VPC adopts its default security group and
leaves it without rules.

Why: AWS gives each VPC a default security group that allows all traffic between its members and
all egress. Anything launched without an explicit group lands in it, so an accident becomes an
open path. Adopting it with `aws.ec2.DefaultSecurityGroup` and no rules removes those rules
(CIS AWS 5.4); `modules.aws.spoke_vpc.SpokeVpc` does this.

A stack policy: the default group belongs to a VPC through its `vpcId`. A rule list that is unknown
during a preview is judged at the update.

Messages (reported on the VPC):
* `VPC '<name>' leaves its default security group unmanaged, with AWS's allow-all rules: adopt it with
  aws.ec2.DefaultSecurityGroup and no rules`
* `Default security group of VPC '<name>' has 1 ingress and 1 egress rules; it must have none`
"""

from __future__ import annotations

from typing import Final

from pulumi_policy import ReportViolation, StackValidationArgs
from pulumi_policy.proxy import UnknownValueError

from policies.aws import Referrers, resources_of
from policies.aws.ec2.vpc_flow_logs_enabled import VPC_TYPES
from policies.lib import Frameworks, as_list, get, stack_policy

DEFAULT_SG_TYPE: Final = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    groups = Referrers(resources_of(args.resources, (DEFAULT_SG_TYPE,)), "vpcId")
    for vpc in resources_of(args.resources, VPC_TYPES):
        mine = groups.of(vpc)
        if not mine:
            report(
                f"VPC '{vpc.name}' leaves its default security group unmanaged, with AWS's allow-all rules: "
                "adopt it with aws.ec2.DefaultSecurityGroup and no rules",
                vpc.urn,
            )
            continue
        for group in mine:
            try:
                ingress = len(as_list(get(group.props, "ingress")))
                egress = len(as_list(get(group.props, "egress")))
            except UnknownValueError:
                continue
            if ingress or egress:
                report(
                    f"Default security group of VPC '{vpc.name}' has {ingress} ingress and {egress} egress "
                    "rules; it must have none",
                    vpc.urn,
                )


POLICY, METADATA = stack_policy(
    name="aws-ec2-vpc-default-security-group-closed",
    description="Every VPC's default security group is adopted and has no ingress or egress rules.",
    severity="medium",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS AWS Foundations Benchmark v3.0.0 5.4",
        cyber_essentials="Firewalls",
        checkov=("CKV2_AWS_12",),
    ),
    remediation=(
        "Build VPCs with `modules.aws.spoke_vpc.SpokeVpc`, which adopts the default group with no "
        "rules. Otherwise add `aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id, ingress=[], egress=[])` and "
        "give every workload its own security group."
    ),
    clouds=("aws",),
    validate=_validate,
    resource_types=(*VPC_TYPES, DEFAULT_SG_TYPE),
    topics=("network",),
)
