"""The estate report's public API: inventory, state, and the report built from them.

```python
resources, gaps = inventory_aws(boto3.Session(), regions=["eu-west-2"], role_name="lz-estate-read")
azure, azure_gaps = inventory_azure(DefaultAzureCredential(), ["<subscription id>"])
state = load_state_exports(["housing-prod.json", "s3://council-pulumi-state"])
report = build_estate_report([*resources, *azure], state, [*gaps, *azure_gaps])
```

`report.findings` has one `Finding` per cloud resource (managed or unmanaged) and per orphaned
state resource; `report.gaps` lists every account, region, service or subscription that could not
be read; `report.unchecked` lists state resources that lie in a gap or outside the scope read, so
they were neither confirmed nor called orphaned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lz.reports.estate.classify import Unchecked, classify
from lz.reports.estate.inventory_aws import inventory_aws
from lz.reports.estate.inventory_azure import inventory_azure
from lz.reports.estate.model import STATUS_ORDER, CloudResource, Finding, Gap, Scope, Status
from lz.reports.estate.state import StateResource, load_state_exports

__all__ = [
    "CloudResource",
    "EstateReport",
    "Finding",
    "Gap",
    "Scope",
    "StateResource",
    "Unchecked",
    "build_estate_report",
    "inventory_aws",
    "inventory_azure",
    "load_state_exports",
]


@dataclass(frozen=True)
class EstateReport:
    """Everything the estate report says; render it with `lz.reports.estate.render`."""

    findings: tuple[Finding, ...]
    """Required. Unmanaged first, then orphaned, then managed; sorted within each."""
    gaps: tuple[str, ...]
    """Required. What could not be read (each a `Gap`'s text)."""
    unchecked: tuple[Unchecked, ...] = ()
    """Optional. State resources in a gap or outside the scope read."""
    not_compared: Mapping[str, int] = field(default_factory=dict)
    """Optional. State resource types the inventory does not list, with counts."""
    stacks: tuple[str, ...] = ()
    """Optional. Every `project/stack` whose state was read."""
    scope: Scope = field(default_factory=Scope)
    """Optional. What the inventory set out to read."""
    generated_at: str = ""
    """Optional. When the report was built (ISO 8601, UTC)."""

    def with_status(self, status: Status) -> list[Finding]:
        return [f for f in self.findings if f.status == status]

    @property
    def complete(self) -> bool:
        """True when nothing was left unread (no gaps)."""
        return not self.gaps

    def summary(self) -> dict[str, Any]:
        """Counts for the summary table and the JSON `summary` object."""
        statuses = Counter(f.status for f in self.findings)
        in_cloud = [f for f in self.findings if f.status != "orphaned"]
        return {
            "cloud_resources": len(in_cloud),
            **{status: statuses.get(status, 0) for status in STATUS_ORDER},
            "tag_compliant": sum(1 for f in in_cloud if f.tag_compliant),
            "tag_non_compliant": sum(1 for f in in_cloud if not f.tag_compliant),
            "unchecked": len(self.unchecked),
            "gaps": len(self.gaps),
            "stacks": len(self.stacks),
        }

    def by_place(self) -> list[dict[str, Any]]:
        """Status counts per cloud account / subscription (the chart's bars), sorted."""
        counts: dict[tuple[str, str], Counter[str]] = {}
        for finding in self.findings:
            place = (finding.resource.cloud, finding.resource.account or "(unknown)")
            counts.setdefault(place, Counter())[finding.status] += 1
            if finding.status != "orphaned" and not finding.tag_compliant:
                counts[place]["non_compliant"] += 1
        return [
            {"cloud": cloud, "account": account, **{s: c.get(s, 0) for s in (*STATUS_ORDER, "non_compliant")}}
            for (cloud, account), c in sorted(counts.items())
        ]


def build_estate_report(
    cloud: Sequence[CloudResource],
    state: Sequence[StateResource],
    gaps: Sequence[str],
    *,
    scope: Scope | None = None,
    now: datetime | None = None,
) -> EstateReport:
    """Classify every resource and assemble the report.

    `scope` says what the inventory set out to read (the CLI passes it); without one, every
    account, region and subscription counts as read, and only `gaps` keep state resources from
    being called orphaned.
    """
    classified = classify(cloud, state, gaps, scope)
    return EstateReport(
        findings=classified.findings,
        gaps=tuple(Gap.parse(g) for g in gaps),
        unchecked=classified.unchecked,
        not_compared=classified.not_compared,
        stacks=classified.stacks,
        scope=scope or Scope(),
        generated_at=(now or datetime.now(UTC)).replace(microsecond=0).isoformat(),
    )
