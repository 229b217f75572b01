"""Azure through Resource Graph: recorded responses served to the real `ResourceGraphClient`
(serialisation, api-version, paging and deserialisation all run) by a custom azure-core transport."""

from __future__ import annotations

from pathlib import Path

import pytest
from estate_helpers import (
    FIXTURES,
    FakeCredential,
    RecordedTransport,
    SleepRecorder,
    graph_factory,
    load_recordings,
)

from lz.reports.estate.inventory_azure import QUERY, inventory_azure, read_azure_estate
from lz.reports.estate.model import Gap, Scope
from lz.reports.estate.report import build_estate_report, load_state_exports
from lz.reports.retry import ExpiredCredentialsError

SUB = "11111111-1111-4111-8111-111111111111"
DENIED = "22222222-2222-4222-8222-222222222222"
FLAKY = "44444444-4444-4444-8444-444444444444"
SHADOW_VM = f"/subscriptions/{SUB}/resourceGroups/rg-shadow/providers/Microsoft.Compute/virtualMachines/vm-shadow-01"


def read(
    *recordings: str, subscriptions: list[str], sleep: SleepRecorder | None = None
) -> tuple[list, list, RecordedTransport]:
    transport = RecordedTransport(load_recordings(*recordings))
    resources, gaps = inventory_azure(
        FakeCredential(), subscriptions, client_factory=graph_factory(transport), sleep=sleep or SleepRecorder()
    )
    return resources, gaps, transport


def test_all_pages_are_read_and_throttling_is_retried() -> None:
    sleep = SleepRecorder()
    resources, gaps, transport = read("resource-graph-housing.json", subscriptions=[SUB], sleep=sleep)
    assert gaps == []
    assert [r.name for r in resources] == [
        "sthousingprodfiles",
        "kv-housing-prod",
        "vm-shadow-01",
        "vm-shadow-01_OsDisk_1_5d2c",
        "pip-test",
    ]
    # Three pages plus the retry of the throttled second page.
    assert len(transport.requests) == 4
    assert sleep.waits == [0.5]
    first, second = transport.requests[0], transport.requests[1]
    assert first["method"] == "POST"
    assert (
        first["url"]
        == "https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01"
    )
    assert first["headers"]["Authorization"] == "Bearer recorded-token"
    assert first["body"] == {
        "subscriptions": [SUB],
        "query": QUERY,
        "options": {"$top": 1000, "resultFormat": "objectArray", "allowPartialScopes": False},
    }
    assert second["body"]["options"]["$skipToken"].startswith("ew0KICAiJGlkIjogIjEi")


def test_rows_become_cloud_resources() -> None:
    resources, _gaps, _transport = read("resource-graph-housing.json", subscriptions=[SUB])
    vm = next(r for r in resources if r.name == "vm-shadow-01")
    assert (vm.cloud, vm.account, vm.region, vm.type, vm.id, vm.arn_or_id, dict(vm.tags)) == (
        "azure",
        SUB,
        "westeurope",
        "microsoft.compute/virtualmachines",
        SHADOW_VM,
        SHADOW_VM,
        {},
    )
    disk = next(r for r in resources if r.type == "microsoft.compute/disks")
    assert dict(disk.tags) == {}  # Resource Graph sends `null` for a resource that never had tags


def test_an_unreadable_subscription_is_a_gap_and_the_others_are_read() -> None:
    resources, gaps, _transport = read(
        "resource-graph-denied.json", "resource-graph-housing.json", subscriptions=[DENIED, SUB]
    )
    assert len(resources) == 5
    assert [(Gap.parse(g).cloud, Gap.parse(g).account) for g in gaps] == [("azure", DENIED)]
    assert gaps[0] == (
        f"azure subscription={DENIED}: Resource Graph query (page 1): HTTP 400: (BadRequest) Please provide below "
        "info when asking for support: timestamp = 2025-03-04T10:20:03.7654321Z, correlationId = scrubbed."
    )


def test_server_errors_that_outlast_the_retries_are_a_gap() -> None:
    sleep = SleepRecorder()
    resources, gaps, transport = read("resource-graph-unavailable.json", subscriptions=[FLAKY], sleep=sleep)
    assert resources == []
    assert len(transport.requests) == 5
    assert sleep.waits == [0.5, 1.0, 2.0, 4.0]
    assert gaps[0].startswith(f"azure subscription={FLAKY}: Resource Graph query (page 1): HTTP 503:")
    assert gaps[0].endswith("after 5 attempts")


def test_a_truncated_answer_without_a_skip_token_is_a_gap_not_a_short_list() -> None:
    resources, gaps, _transport = read("resource-graph-truncated.json", subscriptions=[SUB])
    assert len(resources) == 2  # what was read is kept...
    assert gaps == [
        f"azure subscription={SUB}: Resource Graph query (page 1): results truncated at 2 of 1500 rows"
    ]  # ...and the rest is declared missing


def test_a_token_expiring_between_pages_stops_the_run_loudly() -> None:
    sleep = SleepRecorder()
    with pytest.raises(ExpiredCredentialsError) as raised:
        read("resource-graph-expired.json", "resource-graph-denied.json", subscriptions=[SUB, DENIED], sleep=sleep)
    assert str(raised.value).startswith(
        f"Azure subscription {SUB}: Resource Graph query (page 2): CREDENTIALS EXPIRED OR MISSING"
    )
    assert sleep.waits == []

    transport = RecordedTransport(load_recordings("resource-graph-expired.json", "resource-graph-denied.json"))
    inventory = read_azure_estate(FakeCredential(), [SUB, DENIED], client_factory=graph_factory(transport))
    assert len(inventory.resources) == 2  # page 1 is kept
    assert [(Gap.parse(g).account, g.split(": ")[1].split(",")[0]) for g in inventory.gaps] == [
        (SUB, "CREDENTIALS EXPIRED"),
        (DENIED, "not read"),
    ]


def test_a_credential_that_cannot_get_a_token_is_loud() -> None:
    transport = RecordedTransport(load_recordings("resource-graph-housing.json"))
    with pytest.raises(ExpiredCredentialsError, match="CREDENTIALS EXPIRED OR MISSING"):
        inventory_azure(FakeCredential(expired=True), [SUB], client_factory=graph_factory(transport))
    assert transport.requests == []


def test_no_subscriptions_reads_nothing() -> None:
    def refuse(credential: object) -> object:
        raise AssertionError("no client is needed")

    assert inventory_azure(FakeCredential(), [], client_factory=refuse) == ([], [])


def test_classified_against_azure_native_state(tmp_path: Path) -> None:
    resources, gaps, _transport = read(
        "resource-graph-housing.json", "resource-graph-denied.json", subscriptions=[SUB, DENIED]
    )
    state = load_state_exports([str(FIXTURES / "state" / "council-azure-prod.json")])
    report = build_estate_report(
        resources, state, gaps, scope=Scope(aws_accounts=(), azure_subscriptions=(SUB, DENIED))
    )
    by_status = {
        status: {f.resource.name for f in report.findings if f.status == status}
        for status in ("managed", "unmanaged", "orphaned")
    }
    assert by_status == {
        # The state spells `resourcegroups` in lower case: Azure IDs match case-insensitively.
        "managed": {"sthousingprodfiles", "kv-housing-prod"},
        "unmanaged": {"vm-shadow-01", "vm-shadow-01_OsDisk_1_5d2c", "pip-test"},
        "orphaned": {"app-housing-old"},
    }
    assert {(u.resource.name, u.reason.split(":")[0]) for u in report.unchecked} == {
        ("stadultsfiles", "in a gap"),
        ("stelsewhere", "subscription 33333333-3333-4333-8333-333333333333 was not read"),
    }
    # Resource groups, child resources and role assignments are not in Resource Graph's Resources table.
    assert report.not_compared == {
        "azure-native:authorization:RoleAssignment": 1,
        "azure-native:network:Subnet": 1,
        "azure-native:resources:ResourceGroup": 1,
    }
    findings = {f.resource.name: f for f in report.findings}
    # `Owner` counts as `owner` on Azure, which compares tag keys case-insensitively.
    vault = findings["kv-housing-prod"]
    assert (vault.tag_compliant, vault.owner) == (True, "housing-digital@example.gov.uk")
    assert findings["pip-test"].owner == "jo.bloggs@example.gov.uk"
    assert findings["vm-shadow-01"].resource.region == "westeurope"
    orphan = findings["app-housing-old"]
    assert (orphan.resource.type, orphan.resource.account, orphan.stack) == (
        "microsoft.web/sites",
        SUB,
        "council-azure/prod",
    )
