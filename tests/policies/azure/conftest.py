"""Makes the shared policy harness (`tests/policies/policy_harness.py`) and this directory's baselines
(`azure_policy_fixtures.py`) importable by plain module name.

`tests/` is not a package (no `__init__.py`), so `from tests.policies.policy_harness import ...` is not
an option. Rather than putting `tests/policies` on `sys.path` (its `azure/`, `aws/` and `tags/`
folders would then shadow or join top-level packages such as Azure SDK's `azure` namespace), each
module is loaded from its file and registered under its name, once: if another conftest already
loaded it, that module object is reused.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _load(name: str, path: Path) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


_load("policy_harness", _HERE.parent / "policy_harness.py")
_load("azure_policy_fixtures", _HERE / "azure_policy_fixtures.py")
