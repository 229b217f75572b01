"""aws-ecr-repository-scan-on-push: ECR repositories scan images for vulnerabilities on push.

Why: container images bundle an operating system and libraries that go out of date; scanning each
pushed image finds known vulnerabilities (CVEs) before the image reaches a council service.
(An account-level enhanced scanning configuration, `aws.ecr.RegistryScanningConfiguration`,
replaces per-repository basic scanning; repositories still declare scan on push so that nothing
depends on it being there.)

Message:
* `Repository does not scan images on push (imageScanningConfiguration.scanOnPush is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "imageScanningConfiguration.scanOnPush") is not True:
        report("Repository does not scan images on push (imageScanningConfiguration.scanOnPush is not true)", None)


POLICY, METADATA = resource_policy(
    name="aws-ecr-repository-scan-on-push",
    description="ECR repositories scan images on push.",
    severity="high",
    frameworks=Frameworks(ncsc="5.2", cyber_essentials="Security update management", checkov=("CKV_AWS_163",)),
    remediation=(
        "Set `image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True)`; "
        "prefer enhanced (Inspector) scanning for the registry, which also rescans images as new CVEs appear."
    ),
    resource_types=("aws:ecr/repository:Repository",),
    validate=_validate,
    topics=("containers", "vulnerability-management"),
)
