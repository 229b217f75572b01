"""The end-to-end organisation of test_estate_aws.py through ThreadedMotoServer on 127.0.0.1,
found through AWS_ENDPOINT_URL: the same expectations, over HTTP."""

from __future__ import annotations

from pathlib import Path

import boto3
from estate_helpers import ADULTS_OWNER, HOUSING_OWNER, seed_organisation
from estate_scenario import expected_managed, expected_unmanaged, keyed, read_estate


def test_moto_server_gives_the_same_answer(moto_server: str, tmp_path: Path) -> None:
    """The same organisation through ThreadedMotoServer on 127.0.0.1, found via AWS_ENDPOINT_URL."""
    session = boto3.Session(region_name="eu-west-2")
    org = seed_organisation(session)
    report, _state = read_estate(session, org, tmp_path)
    assert keyed(report, "unmanaged") == expected_unmanaged(org)
    assert keyed(report, "managed") == expected_managed(org)
    assert {(f.resource.name, f.owner) for f in report.findings if f.status == "orphaned"} == {
        ("housing-old-queue", HOUSING_OWNER),
        ("adults-legacy-table", ADULTS_OWNER),
    }
    # Server mode gives queue URLs on the endpoint's host; matching is by ARN, so it still matches.
    jobs = next(f for f in report.findings if f.resource.name == "housing-repairs-jobs")
    assert jobs.resource.id.startswith(moto_server)
    assert len(report.gaps) == 2
