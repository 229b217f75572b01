"""The repository's shape, and the promises the README makes about set-up."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_platform_at_the_root_is_the_standard_library() -> None:
    # A process started at the root has the root on sys.path (python -c, pytest, pulumi's exec).
    out = subprocess.run(
        [sys.executable, "-c", "import platform, sys; print(platform.__file__); print(platform.python_version())"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    module_file, version = out.stdout.split()
    assert Path(module_file).parent != ROOT / "platform"
    assert Path(module_file).name == "platform.py"
    assert version == ".".join(str(x) for x in sys.version_info[:3])


def test_platform_directory_is_a_program_not_a_package() -> None:
    assert not (ROOT / "platform" / "__init__.py").exists()
    assert (ROOT / "platform" / "__main__.py").is_file()
    # nothing in it may shadow a standard-library module for the program run from it
    stdlib = sys.stdlib_module_names
    clashes = [p.stem for p in (ROOT / "platform").glob("*.py") if p.stem in stdlib]
    assert clashes == []


def test_design_card_layout_exists() -> None:
    for name in ("platform", "stacks", "modules", "policies", "templates", "scripts", "tests", "lz", "schemas", "docs",
                 "bench"):
        assert (ROOT / name).is_dir(), name
    for name in ("Pulumi.yaml", "pyproject.toml", "README.md", ".ci/run"):
        assert (ROOT / name).is_file(), name


def test_pulumi_project_runs_the_platform_program_with_stack_config_in_stacks() -> None:
    import yaml

    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["name"] == "council-lz"
    assert project["main"] == "platform/"
    assert project["stackConfigDir"] == "stacks"
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", text, re.S)
    assert block, "README has a quick-start shell block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_has_exactly_two_setup_commands() -> None:
    assert _readme_commands() == ["python3 scripts/dev.py plan", "python3 scripts/dev.py test"]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "exec python3 scripts/dev.py test\n" in ci


def test_readme_layer_table_lists_every_layer_in_order() -> None:
    from lz.stacks import LAYERS

    text = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| (\d+) \| `([^`]+)` \|", text, re.M)
    assert [name for _, name in rows][: len(LAYERS)] == [layer.name for layer in LAYERS]
