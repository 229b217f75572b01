"""The pack entry point (policies/__main__.py), PulumiPolicy.yaml, and the selection it is built from.

`PolicyPack(...)` starts a gRPC server and never returns, so the entry point is exercised three ways:
imported (nothing may start), run exactly as `python -m pulumi.policy` runs it with `PolicyPack`
replaced by a recorder, and once for real in a subprocess, asking the served analyzer what it holds.
"""

from __future__ import annotations

import runpy
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi_policy import EnforcementLevel

import lz
from lz.policy.analyzer import PolicyConfigError
from policies import pack

ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = ROOT / "policies"


class Recorder:
    """Stands in for pulumi_policy.PolicyPack: records its arguments instead of serving forever."""

    calls: list[dict[str, Any]] = []

    def __init__(self, **kwargs: Any) -> None:
        Recorder.calls.append(kwargs)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> type[Recorder]:
    import pulumi_policy

    Recorder.calls = []
    monkeypatch.setattr(pulumi_policy, "PolicyPack", Recorder)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv(pack.CONFIG_ENV, raising=False)
    return Recorder


def test_importing_the_entry_point_starts_nothing(recorder: type[Recorder]) -> None:
    namespace = runpy.run_path(str(PACK_DIR / "__main__.py"), run_name="policies_main")
    assert recorder.calls == []
    assert callable(namespace["main"])


def test_run_as_the_pulumi_policy_host_runs_it(recorder: type[Recorder]) -> None:
    # pulumi-analyzer-policy-python -> `python -m pulumi.policy <engine> policies/` -> exactly this:
    runpy.run_path(str(PACK_DIR), run_name="__main__")
    (kwargs,) = recorder.calls
    selected = pack.select()
    assert kwargs["name"] == "council-lz"
    assert kwargs["policies"] == [p for p, _ in selected]
    assert len(kwargs["policies"]) == len(pack.registry())
    assert kwargs["enforcement_level"] is EnforcementLevel.ADVISORY
    assert kwargs["initial_config"] == pack.initial_config(selected)
    assert kwargs["display_name"] == "Council landing zone guardrails"
    assert kwargs["description"].startswith("Council landing zone guardrails for AWS and Azure")
    # the pack directory no longer shadows installed packages; the repository root is importable
    assert all(Path(p or ".").resolve() != PACK_DIR for p in sys.path)
    assert str(ROOT) in sys.path


def test_the_override_file_reaches_the_initial_config(
    recorder: type[Recorder], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "policy-config.yaml"
    config.write_text("all: advisory\nlz-all-resources-mandatory-tags:\n  required_tags: [service]\n")
    monkeypatch.setenv(pack.CONFIG_ENV, str(config))
    runpy.run_path(str(PACK_DIR), run_name="__main__")
    initial = recorder.calls[0]["initial_config"]
    assert {entry["enforcementLevel"] for entry in initial.values()} == {EnforcementLevel.ADVISORY}
    assert initial["lz-all-resources-mandatory-tags"] == {
        "enforcementLevel": EnforcementLevel.ADVISORY, "required_tags": ["service"],
    }


def test_the_pack_serves_every_policy_under_the_real_policy_host() -> None:
    import grpc
    from google.protobuf import empty_pb2
    from pulumi.runtime.proto import analyzer_pb2_grpc

    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "policies"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None and server.stderr is not None
        ready, _, _ = select.select([server.stdout], [], [], 60)
        line = server.stdout.readline() if ready else ""
        if not line.strip().isdigit():
            server.kill()
            pytest.fail(f"the pack did not start: {line!r}\n{server.stderr.read()}")
        port = int(line)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            info = analyzer_pb2_grpc.AnalyzerStub(channel).GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert info.name == "council-lz"
    assert sorted(p.name for p in info.policies) == sorted(e.name for e in pack.registry())
    assert set(info.initialConfig) == {e.name for e in pack.registry()}


def test_policy_yaml_runs_the_pack_in_the_repository_virtualenv() -> None:
    manifest = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    assert manifest["runtime"] == {"name": "python", "options": {"virtualenv": "../.venv"}}
    assert (PACK_DIR / manifest["runtime"]["options"]["virtualenv"]).resolve() == ROOT / ".venv"
    assert manifest["version"] == lz.__version__
    assert manifest["description"]


# -- selection by metadata ------------------------------------------------------------------------


def names(selected: list[Any]) -> set[str]:
    return {m.name for _, m in selected}


def test_select_by_cloud_keeps_cross_cloud_policies() -> None:
    aws = names(pack.select(clouds=["aws"]))
    assert "lz-all-resources-mandatory-tags" in aws
    assert all(not n.startswith("azure-") for n in aws)
    assert names(pack.select(clouds=["aws", "azure"])) == names(pack.select())
    assert pack.select(clouds=[]) == []


def test_select_by_severity_topic_and_framework() -> None:
    for _, meta in pack.select(severities=["critical"]):
        assert meta.severity == "critical"
    assert "lz-all-resources-mandatory-tags" in names(pack.select(topics=["tagging"]))
    assert "lz-all-resources-mandatory-tags" in names(pack.select(frameworks=["ncsc:5"]))
    assert "lz-all-resources-mandatory-tags" not in names(pack.select(frameworks=["ncsc:11"]))
    assert "lz-all-resources-mandatory-tags" in names(pack.select(frameworks=["cis:Controls v8"]))
    for _, meta in pack.select(frameworks=["checkov"]):
        assert meta.frameworks.checkov
    with pytest.raises(pack.PackError, match="unknown framework 'iso'"):
        pack.select(frameworks=["iso"])


def test_selection_is_sorted_by_name() -> None:
    selected = [m.name for _, m in pack.select()]
    assert selected == sorted(selected)


def test_initial_config_sets_levels_by_severity_and_config_defaults() -> None:
    selected = pack.select(topics=["tagging"])
    config = pack.initial_config(selected)
    for _, meta in selected:
        assert config[meta.name] == {"enforcementLevel": meta.default_level, **meta.config_defaults}


def test_overrides_apply_all_then_each_policy_and_ignore_unselected_pack_policies() -> None:
    selected = pack.select(topics=["tagging"])
    other = next(e.name for e in pack.registry() if e.name not in names(selected))
    config = pack.initial_config(selected, {
        "all": "disabled", "lz-all-resources-mandatory-tags": {"enforcementLevel": "mandatory"}, other: "mandatory",
    })
    assert other not in config
    assert config["lz-all-resources-mandatory-tags"]["enforcementLevel"] is EnforcementLevel.MANDATORY
    assert {v["enforcementLevel"] for k, v in config.items() if k != "lz-all-resources-mandatory-tags"} <= {
        EnforcementLevel.DISABLED
    }


def test_overrides_naming_no_policy_are_refused() -> None:
    with pytest.raises(PolicyConfigError, match="'lz-all-resources-mandatory-tag', which is not a policy"):
        pack.initial_config(pack.select(), {"lz-all-resources-mandatory-tag": "disabled"})


def test_load_overrides_from_a_path_or_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text('{"all": "advisory"}')
    assert pack.load_overrides(config, environ={}) == {"all": "advisory"}
    assert pack.load_overrides(environ={pack.CONFIG_ENV: str(config)}) == {"all": "advisory"}
    assert pack.load_overrides(environ={}) == {}
    (tmp_path / "empty.yaml").write_text("")
    assert pack.load_overrides(tmp_path / "empty.yaml", environ={}) == {}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- a\n- b\n", "the policy config must be a mapping of policy name to level or settings"),
        ("all: strict\n", "all: 'strict' is not an enforcement level"),
        ("all: [\n", "cannot read the policy config"),
    ],
)
def test_load_overrides_reports_bad_files(tmp_path: Path, text: str, problem: str) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(text)
    with pytest.raises(PolicyConfigError) as caught:
        pack.load_overrides(config, environ={})
    assert caught.value.problems[0].startswith(str(config))
    assert problem in caught.value.problems[0]
