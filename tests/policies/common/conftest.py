"""Makes the shared policy harness (`tests/policies/policy_harness.py`) importable by plain module name.

`tests/` is not a package (no `__init__.py`), so `from tests.policies.policy_harness import ...` is not
an option. Rather than putting `tests/policies` on `sys.path` (its `azure/`, `aws/` and `tags/`
folders would then shadow or join top-level packages such as Azure SDK's `azure` namespace), the
harness is loaded from its file and registered under its name, once: if another conftest already
loaded it, that module object is reused.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_HARNESS = Path(__file__).resolve().parent.parent / "policy_harness.py"

if "policy_harness" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("policy_harness", _HARNESS)
    assert _spec is not None and _spec.loader is not None, _HARNESS
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["policy_harness"] = _module
    _spec.loader.exec_module(_module)
