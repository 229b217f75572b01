"""aws-ec2-vpc-flow-logs-enabled: every VPC has a flow log that records rejected (or all) traffic.

Why: flow logs are the network record an incident responder needs — which addresses talked to a
compromised host, what was blocked — and cannot be produced after the fact (CIS AWS 3.7).
`modules.aws.spoke_vpc.SpokeVpc` always creates one, to the central log group.

A stack policy: an `aws.ec2.FlowLog` belongs to a VPC through its `vpcId` (a property dependency on
the VPC, or the VPC's id). Its `trafficType` must be `ALL` or `REJECT` (absent counts as set by the
provider). Flow logs of a subnet or a network interface do not cover the VPC.

Messages (reported on the VPC):
* `VPC '<name>' has no flow log: no aws.ec2.FlowLog has it as vpcId`
* `VPC '<name>' only logs ACCEPT traffic; its flow log must record ALL (or at least REJECT) traffic`
"""

from __future__ import annotations

from typing import Final

from pulumi_policy import ReportViolation, StackValidationArgs

from policies.aws import Referrers, known, resources_of
from policies.lib import Frameworks, stack_policy

VPC_TYPES: Final = ("aws:ec2/vpc:Vpc", "aws:ec2/defaultVpc:DefaultVpc")
FLOW_LOG_TYPE: Final = "aws:ec2/flowLog:FlowLog"


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    flow_logs = Referrers(resources_of(args.resources, (FLOW_LOG_TYPE,)), "vpcId")
    for vpc in resources_of(args.resources, VPC_TYPES):
        mine = flow_logs.of(vpc)
        if not mine:
            report(f"VPC '{vpc.name}' has no flow log: no aws.ec2.FlowLog has it as vpcId", vpc.urn)
            continue
        traffic = {str(known(f.props, "trafficType", "ALL")).upper() for f in mine}
        if not traffic & {"ALL", "REJECT"}:
            report(
                f"VPC '{vpc.name}' only logs ACCEPT traffic; its flow log must record ALL (or at least REJECT) traffic",
                vpc.urn,
            )


POLICY, METADATA = stack_policy(
    name="aws-ec2-vpc-flow-logs-enabled",
    description="Every VPC has a flow log recording ALL (or at least REJECT) traffic.",
    severity="high",
    frameworks=Frameworks(
        ncsc="13",
        cis="CIS AWS Foundations Benchmark v3.0.0 3.7",
        cyber_essentials="Firewalls",
        checkov=("CKV2_AWS_11",),
    ),
    remediation=(
        "Build VPCs with `modules.aws.spoke_vpc.SpokeVpc` (`flow_log_destination_arn`: the central "
        "flow-log group of the `platform-aws-network` layer, or an S3 log archive). For any other VPC "
        'add `aws.ec2.FlowLog(vpc_id=vpc.id, traffic_type="ALL", log_destination=...)`.'
    ),
    clouds=("aws",),
    validate=_validate,
    resource_types=(*VPC_TYPES, FLOW_LOG_TYPE),
    topics=("logging", "network"),
)
