"""Which Pulumi SDK names a stack program uses, read from its source, so they can be imported early.

The offline planner spends much of a cold run importing SDK classes (ADR 0006). When a helper
process will plan a stack later (`lz.plan.pipeline`), it can import that stack's SDK names while
it waits for the outputs of the stacks before it. This module finds those names without running
anything: it parses the program's module and the component modules it imports, and collects
every `aws.<service>.<Name>` attribute chain on
a name bound to `pulumi_aws` (likewise `pulumi_random`, `pulumi_azure_native`). Only the program's
own module and the component modules (`modules.*`) it imports, transitively, are read.

Importing a name a program never reaches only costs time in the helper; missing one only means the
program imports it itself, as it always would. The result never changes a plan.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from collections.abc import Iterable
from functools import cache
from pathlib import Path

#: SDK packages whose names are collected, and the local packages whose imports are followed.
SDK_PACKAGES = ("pulumi_aws", "pulumi_azure_native", "pulumi_random")
#: Only components are followed: a layer that imports a helper from another stack program (e.g.
#: `mandatory_tags` from `lz.stacks.service`) does not use that program's components.
LOCAL_PACKAGES = ("modules",)

SdkName = tuple[str, str, str]  # (package, subpackage or "", name)


def _source_of(module: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def _is_local(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in LOCAL_PACKAGES)


def _lazy_exports(package: str) -> dict[str, str]:
    """`modules.aws` re-exports names lazily from `_EXPORTS`: name -> submodule."""
    path = _source_of(package)
    if path is None:
        return {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target: ast.expr | None = None
        value: ast.expr | None = None
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        if isinstance(target, ast.Name) and target.id == "_EXPORTS" and value is not None:
            try:
                exports = ast.literal_eval(value)
            except ValueError:
                return {}
            return {str(k): f"{package}.{v}" for k, v in exports.items()}
    return {}


@cache
def _scan(module: str) -> tuple[frozenset[SdkName], frozenset[str]]:
    """SDK names used in one module's source, and the local modules it imports."""
    path = _source_of(module)
    if path is None:
        return frozenset(), frozenset()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, tuple[str, str]] = {}  # local name -> (sdk package, subpackage)
    local: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in SDK_PACKAGES:
                    parts = alias.name.split(".")
                    if alias.asname:
                        aliases[alias.asname] = (top, parts[1] if len(parts) > 1 else "")
                    else:
                        aliases[top] = (top, "")
                elif _is_local(alias.name):
                    local.add(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            top = node.module.split(".")[0]
            if top in SDK_PACKAGES:
                for alias in node.names:
                    if node.module == top:  # from pulumi_aws import ec2
                        aliases[alias.asname or alias.name] = (top, alias.name)
            elif _is_local(node.module):
                exports = _lazy_exports(node.module)
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    if alias.name in exports:
                        local.add(exports[alias.name])
                    elif _source_of(candidate) is not None:
                        local.add(candidate)
                    else:
                        local.add(node.module)
    names: set[SdkName] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain = [node.attr]
        value = node.value
        while isinstance(value, ast.Attribute):
            chain.append(value.attr)
            value = value.value
        if not isinstance(value, ast.Name) or value.id not in aliases:
            continue
        package, sub = aliases[value.id]
        chain.reverse()
        if not sub and len(chain) >= 2 and package != "pulumi_random":
            sub, chain = chain[0], chain[1:]
        if chain and not chain[0].startswith("_"):
            names.add((package, sub, chain[0]))
    return frozenset(names), frozenset(local - {module})


def sdk_names(modules: Iterable[str], packages: Iterable[str] = SDK_PACKAGES) -> set[SdkName]:
    """Every SDK name the given modules and the local modules they import (transitively) use."""
    wanted = set(packages)
    seen: set[str] = set()
    todo = list(modules)
    found: set[SdkName] = set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        names, imports = _scan(module)
        found |= {n for n in names if n[0] in wanted}
        todo.extend(sorted(imports))
    return found


def warm(names: Iterable[SdkName]) -> int:
    """Import each name (through the lazy SDK packages when installed); returns how many resolved."""
    resolved = 0
    for package, sub, name in sorted(names):
        try:
            owner = importlib.import_module(f"{package}.{sub}" if sub else package)
            getattr(owner, name)
        except Exception:  # a name only a branch uses, or not in this SDK version: the program decides
            continue
        resolved += 1
    return resolved
