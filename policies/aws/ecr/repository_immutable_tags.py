"""aws-ecr-repository-immutable-tags: ECR repositories make image tags immutable.

Why: with mutable tags, whoever can push can silently replace the image a council service runs
(`app:1.4.2` today is not `app:1.4.2` tomorrow), bypassing review and the scan that approved it.
Immutable tags make a tag name one image for ever. `IMMUTABLE_WITH_EXCLUSION` lets chosen tags move
again and is not accepted; the default is `MUTABLE`.

Messages:
* `Repository tags are mutable (imageTagMutability is not set, so MUTABLE); set IMMUTABLE`
* `Repository tags are mutable (imageTagMutability is 'MUTABLE'); set IMMUTABLE`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    mutability = get(props, "imageTagMutability")
    if mutability == "IMMUTABLE":
        return
    now = "is not set, so MUTABLE" if mutability is None else f"is {mutability!r}"
    report(f"Repository tags are mutable (imageTagMutability {now}); set IMMUTABLE", None)


POLICY, METADATA = resource_policy(
    name="aws-ecr-repository-immutable-tags",
    description="ECR repositories use immutable image tags.",
    severity="high",
    frameworks=Frameworks(ncsc="7", cyber_essentials="Secure configuration", checkov=("CKV_AWS_51",)),
    remediation=(
        'Set `image_tag_mutability="IMMUTABLE"` and tag each build uniquely (version or commit SHA); '
        "deploy by tag or, better, by image digest."
    ),
    resource_types=("aws:ecr/repository:Repository",),
    validate=_validate,
    topics=("containers", "supply-chain"),
)
