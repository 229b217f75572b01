"""aws-eks-cluster-private-endpoint: EKS cluster API endpoints are not reachable from the internet.

Why: the Kubernetes API is the control plane of every workload on the cluster. A public endpoint
exposes it to credential stuffing and to every future Kubernetes or EKS authentication bug; council
clusters are administered from the council network, through the hub. `vpcConfig.endpointPublicAccess`
defaults to true, so it must be set to false.

Message:
* `EKS cluster API endpoint is public (vpcConfig.endpointPublicAccess is not false)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "vpcConfig.endpointPublicAccess") is not False:
        report("EKS cluster API endpoint is public (vpcConfig.endpointPublicAccess is not false)", None)


POLICY, METADATA = resource_policy(
    name="aws-eks-cluster-private-endpoint",
    description="EKS clusters disable the public API endpoint (private endpoint only).",
    severity="high",
    frameworks=Frameworks(ncsc="12", cyber_essentials="Firewalls", checkov=("CKV_AWS_39",)),
    remediation=(
        "Set `vpc_config.endpoint_public_access=False` and `endpoint_private_access=True`; run kubectl "
        "and CI deployments from inside the VPC or over the hub (VPN, Direct Connect), e.g. from a "
        "runner in the spoke."
    ),
    resource_types=("aws:eks/cluster:Cluster",),
    validate=_validate,
    topics=("network", "public-access", "containers"),
)
