"""`modules.aws` and `modules.azure` import each exported name from its module on first use.

Importing one component must not import the others (and the SDK services they use); the lazy map,
`__all__` and the imports type checkers read must name the same things.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ["modules.aws", "modules.azure"]


def _type_checking_imports(package: str) -> dict[str, str]:
    """name -> module, from the `if TYPE_CHECKING:` imports of the package's __init__.py."""
    path = ROOT / package.replace(".", "/") / "__init__.py"
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom) and stmt.module, ast.dump(stmt)
                for alias in stmt.names:
                    found[alias.asname or alias.name] = stmt.module.rpartition(".")[2]
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_lazy_map_all_and_type_checking_imports_agree(package):
    mod = importlib.import_module(package)
    exports = mod._EXPORTS
    assert sorted(exports) == sorted(mod.__all__)
    assert _type_checking_imports(package) == exports


@pytest.mark.parametrize("package", PACKAGES)
def test_every_export_is_the_object_its_module_defines(package):
    mod = importlib.import_module(package)
    for name, module in mod._EXPORTS.items():
        assert getattr(mod, name) is getattr(importlib.import_module(f"{package}.{module}"), name)
    assert set(mod.__all__) <= set(dir(mod))
    with pytest.raises(AttributeError, match="no attribute 'NoSuchComponent'"):
        mod.NoSuchComponent  # noqa: B018


ISOLATION = textwrap.dedent(
    """
    import sys
    import modules.aws, modules.azure
    loaded = [m for m in sys.modules if m.startswith(("modules.aws.", "modules.azure.", "pulumi"))]
    assert not loaded, loaded
    from modules.aws import subnet_cidrs
    assert "modules.aws.cidr" in sys.modules and "modules.aws.bucket" not in sys.modules
    from modules.aws.spoke_vpc import SpokeVpc
    assert "modules.aws.bucket" not in sys.modules and "modules.aws.database" not in sys.modules
    from modules.azure import ResourceGroup
    assert "modules.azure.storage" not in sys.modules
    import modules.aws as aws
    assert aws.SpokeVpc is SpokeVpc
    print("ok")
    """
)


def test_importing_one_component_imports_only_its_module():
    out = subprocess.run([sys.executable, "-c", ISOLATION], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "ok"
