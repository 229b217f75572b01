"""The lazy SDK loader (lz/plan/lazy_sdk.py, ADR 0006) must be indistinguishable from the SDKs' own packages.

Every check runs in a fresh interpreter: the loader acts when `pulumi_aws` is first imported, and
the test process has its own copy of the SDK already.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

#: For each subpackage named on stdin: run the real generated `__init__.py` into a fresh namespace
#: (the very code an eager import runs, sharing sys.modules), then ask the lazy package for every
#: name the real package binds, and demand the same object without the package falling back to
#: its real `__init__`; then `dir()` (which does fall back) must list exactly those names.
CHECK = textwrap.dedent(
    """
    import importlib, json, sys, types
    from lz.plan import lazy_sdk

    assert lazy_sdk.install(), "an SDK was imported before the loader"
    METADATA = {"__name__", "__doc__", "__package__", "__loader__", "__spec__", "__path__", "__file__",
                "__cached__", "__builtins__"}
    report = {"checked": 0, "names": 0, "eager": [], "problems": []}
    for name in json.load(sys.stdin):
        package = importlib.import_module(name)
        getattr(package, "_utilities", None)  # the first attribute access runs the (lazy) loader
        if not isinstance(package, lazy_sdk.LazyPackage):
            report["eager"].append(name)  # a hand-written __init__ (e.g. pulumi_aws.config): the real one ran
            continue
        loader = package.__spec__.loader.real
        namespace = {"__name__": name, "__package__": name, "__path__": package.__path__,
                     "__file__": package.__file__}
        exec(loader.get_code(name), namespace)
        expected = {k: v for k, v in namespace.items() if k not in METADATA}
        prefix = name + "."
        for module_name, module in list(sys.modules.items()):
            child = module_name[len(prefix):]
            if module_name.startswith(prefix) and "." not in child:
                expected.setdefault(child, module)  # the import system binds submodules on the package
        for attr, value in sorted(expected.items()):
            got = getattr(package, attr)
            if got is not value:
                report["problems"].append(f"{name}.{attr}: {got!r} is not {value!r}")
            if not isinstance(package, lazy_sdk.LazyPackage):
                report["problems"].append(f"{name}.{attr}: resolved only by running the real __init__")
                break
        for probe in ("__wrapped__", "__version__", "NoSuchResourceAnywhere"):
            try:
                getattr(package, probe)
            except AttributeError:
                pass
            else:
                report["problems"].append(f"{name}.{probe} exists")
        listed = set(dir(package)) - METADATA
        if listed != set(expected):
            report["problems"].append(f"{name}: dir() differs: {sorted(listed ^ set(expected))[:10]}")
        for attr, value in expected.items():
            if getattr(package, attr) is not value:
                report["problems"].append(f"{name}.{attr} changed when the real __init__ ran")
        if not lazy_sdk.fully_loaded(package) or type(package) is not types.ModuleType:
            report["problems"].append(f"{name}: still lazy after dir()")
        report["checked"] += 1
        report["names"] += len(expected)
    print(json.dumps(report))
    """
)


def _python(code: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 900) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )
    assert out.returncode == 0, out.stderr[-4000:]
    return out.stdout


def _check(packages: list[str]) -> dict[str, object]:
    report: dict[str, object] = json.loads(_python(CHECK, json.dumps(packages)).splitlines()[-1])
    assert report["problems"] == []
    return report


def _used_subpackages() -> list[str]:
    """Every SDK subpackage the toolkit's programs and modules name (`aws.ec2.`, `pulumi_azure_native.storage`)."""
    found = {"pulumi_aws.ec2", "pulumi_aws.s3", "pulumi_aws.iam"}
    for folder in ("lz", "modules"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            found |= {f"pulumi_aws.{m}" for m in re.findall(r"\baws\.([a-z][a-z0-9_]*)\.", text)}
            found |= {f"pulumi_azure_native.{m}" for m in re.findall(r"pulumi_azure_native\.([a-z][a-z0-9_]*)", text)}
    sdk = {name: Path(__import__(name).__file__).parent for name in ("pulumi_aws", "pulumi_azure_native")}
    return sorted(n for n in found if (sdk[n.partition(".")[0]] / n.partition(".")[2] / "__init__.py").is_file())


def _all_subpackages(root: str) -> list[str]:
    folder = Path(__import__(root).__file__).parent
    return sorted(f"{root}.{p.parent.name}" for p in folder.glob("*/__init__.py"))


def test_subpackages_the_toolkit_uses_resolve_every_name_to_the_real_object():
    packages = _used_subpackages()
    assert "pulumi_aws.ec2" in packages and "pulumi_azure_native.storage" in packages
    report = _check(packages)
    assert report["checked"] == len(packages) and report["eager"] == []


@pytest.mark.slow
@pytest.mark.parametrize("root", ["pulumi_aws", "pulumi_azure_native"])
def test_every_subpackage_of_the_sdk_resolves_every_name_to_the_real_object(root):
    packages = _all_subpackages(root)
    report = _check(packages)
    # Only the hand-written config package is left to its own __init__.
    assert report["eager"] == [f"{root}.config"]
    assert report["checked"] == len(packages) - 1


BEHAVIOUR = textwrap.dedent(
    """
    import sys, types
    from lz.plan import lazy_sdk
    lazy_sdk.install()
    import pulumi_aws as aws
    import pulumi_aws.ec2 as ec2
    from pulumi_aws.ec2 import Vpc, VpcArgs, SecurityGroupIngressArgs, get_vpc_output, AwaitableGetVpcResult
    from pulumi_aws.ec2 import outputs

    assert isinstance(ec2, lazy_sdk.LazyPackage) and ec2 is aws.ec2 is sys.modules["pulumi_aws.ec2"]
    assert Vpc.__module__ == "pulumi_aws.ec2.vpc" and VpcArgs.__module__ == "pulumi_aws.ec2.vpc"
    assert SecurityGroupIngressArgs.__module__ == "pulumi_aws.ec2._inputs"
    assert get_vpc_output.__module__ == "pulumi_aws.ec2.get_vpc"
    assert AwaitableGetVpcResult.__qualname__ == "AwaitableGetVpcResult"
    assert outputs is sys.modules["pulumi_aws.ec2.outputs"]
    # Importing a function's module does not hide the function of the same name.
    import pulumi_aws.ec2.get_subnet
    assert callable(ec2.get_subnet) and not isinstance(ec2.get_subnet, types.ModuleType)
    assert "pulumi_aws.ec2.vpc_peering_connection" not in sys.modules  # only what was asked for
    # Resource references deserialise through the SDK's registered resource modules.
    from pulumi.runtime.rpc import get_resource_module
    assert get_resource_module("aws", "ec2/subnet", "").mod_info["fqn"] == "pulumi_aws.ec2"
    from pulumi_aws import _utilities
    assert getattr(_utilities.lazy_import("pulumi_aws.ec2"), "Subnet") is ec2.Subnet
    # The hand-written config package is left alone.
    assert not isinstance(aws.config, lazy_sdk.LazyPackage)
    # A name no rule finds runs the real __init__, then answers as the real package does.
    aws.s3._utilities  # the first attribute access runs the loader
    assert isinstance(aws.s3, lazy_sdk.LazyPackage)
    try:
        aws.s3.NoSuchThing
    except AttributeError as exc:
        assert "pulumi_aws.s3" in str(exc)
    else:
        raise AssertionError("aws.s3.NoSuchThing")
    assert lazy_sdk.fully_loaded(aws.s3) and type(aws.s3) is types.ModuleType and "Bucket" in vars(aws.s3)
    # `from package import *` binds what the real package binds.
    namespace = {}
    exec("from pulumi_aws.iam import *", namespace)
    assert "Role" in namespace and "get_policy_document" in namespace and lazy_sdk.fully_loaded(aws.iam)
    print("ok")
    """
)


def test_lazy_packages_behave_like_the_real_ones():
    assert _python(BEHAVIOUR).strip().splitlines()[-1] == "ok"


PLAN = textwrap.dedent(
    """
    import sys
    from lz.cli import main
    try:
        main()
    finally:
        from lz.plan.lazy_sdk import LazyPackage
        print("lazy" if isinstance(sys.modules.get("pulumi_aws.ec2"), LazyPackage) else "eager", file=sys.stderr)
    """
)


@pytest.mark.slow
def test_the_estate_plans_byte_identically_with_and_without_the_loader(tmp_path):
    outputs = {}
    for mode in ("1", "0"):
        out = tmp_path / f"plan-{mode}.json"
        proc = subprocess.run(
            [sys.executable, "-c", PLAN, "plan", "--all", "--json", str(out), "--quiet"], capture_output=True,
            text=True, cwd=ROOT, env={**os.environ, "LZ_LAZY_SDK": mode}, timeout=900,
        )
        assert proc.returncode in (0, 1), proc.stderr[-4000:]
        assert proc.stderr.strip().splitlines()[-1] == ("lazy" if mode == "1" else "eager")
        outputs[mode] = out.read_bytes()
    assert outputs["1"] == outputs["0"]
