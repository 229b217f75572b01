"""Import the Pulumi SDKs' generated service packages lazily, for the offline planner (ADR 0006).

`pulumi_aws.ec2/__init__.py` is generated as one `from .<module> import *` per resource, function
and type module (about 180 for EC2), so the first `aws.ec2.Vpc` executes all of them. A short-lived
`lz plan` process uses a handful of classes per service and spent most of its time there.

`install()` puts a finder on `sys.meta_path` for the subpackages of `pulumi_aws` and
`pulumi_azure_native`. It finds each package exactly as the normal path finder does and only
replaces its loader: when the package is executed, the loader reads its generated `__init__.py`
and, if every statement is one of the generated forms (the three header imports, `from .m import
*`, `from . import m`), runs the header imports and leaves the rest to be resolved per name on
first access:

* `Vpc`, `VpcArgs` (`VpcInitArgs` where a nested type took `VpcArgs`) -> `vpc.py`; `get_vpc`,
  `get_vpc_output`, `GetVpcResult`, `AwaitableGetVpcResult` -> `get_vpc.py` (module names are
  compared without underscores and case, so acronyms map as the code generator writes them);
  nested `...Args` / `...ArgsDict` -> `_inputs.py`; enums -> `_enums.py`. A candidate counts only
  if the name is in what `from <module> import *` would bind (its `__all__`);
* a submodule name (`outputs`, `vpc`, `_inputs`) -> that submodule;
* anything else, `dir()`, `from pkg import *` (which asks for `__all__`) and any package whose
  `__init__.py` has another form (e.g. `pulumi_aws.config`) -> the real `__init__.py` runs in the
  package, which from then on is an ordinary, fully loaded module.

Resolved names are stored in the package, so each is resolved once. The objects are the very
ones the real package binds (tests/lz/plan/test_lazy_sdk.py checks every name of every subpackage
of both SDKs). Resource references deserialise as before: the SDK's registered resource modules
look classes up with `getattr` on the package. Nothing changes for type checkers, which read the
real sources. Only `package.__loader__` differs (this module's loader, which delegates the
source and resource methods to the original one).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import re
import sys
import threading
import types
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

#: SDKs whose generated subpackages are loaded lazily.
ROOTS: tuple[str, ...] = ("pulumi_aws", "pulumi_azure_native")

#: Set `LZ_LAZY_SDK=0` to plan with the SDKs' own eager packages (for comparison or debugging).
ENV_SWITCH = "LZ_LAZY_SDK"

_HEADER = frozenset({"import builtins as _builtins", "from .. import _utilities", "import typing"})
_STAR = re.compile(r"from \.([A-Za-z_][A-Za-z0-9_]*) import \*")
_SUBMODULE = re.compile(r"from \. import ([A-Za-z_][A-Za-z0-9_]*)")
_LOCK = threading.RLock()


def _key(name: str) -> str:
    return name.replace("_", "").lower()


@dataclass
class _Layout:
    """What a generated package `__init__.py` does, read from its source."""

    loader: _LazyPackageLoader
    header: str
    star: tuple[str, ...]
    submodules: frozenset[str]
    by_key: dict[str, list[str]] = field(default_factory=dict)
    exports: dict[str, frozenset[str]] = field(default_factory=dict)


#: Packages loaded lazily and not yet fully loaded, by name.
_LAYOUTS: dict[str, _Layout] = {}


def _read_layout(source: str, loader: _LazyPackageLoader) -> _Layout | None:
    """The package's layout, or None if its `__init__.py` does anything but the generated forms."""
    header: list[str] = []
    star: list[str] = []
    submodules: set[str] = set()
    for raw in source.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line in _HEADER:
            header.append(line)
        elif m := _STAR.fullmatch(line):
            star.append(m.group(1))
        elif m := _SUBMODULE.fullmatch(line):
            submodules.add(m.group(1))
        else:
            return None
    layout = _Layout(loader, "\n".join(header), tuple(star), frozenset(submodules | set(star)))
    for module in star:
        layout.by_key.setdefault(_key(module), []).append(module)
    return layout


def _exports(layout: _Layout, package: str, module: str) -> tuple[types.ModuleType, frozenset[str]]:
    """Import `package.module` and the names `from .module import *` binds from it."""
    mod = importlib.import_module(f"{package}.{module}")
    names = layout.exports.get(module)
    if names is None:
        public = getattr(mod, "__all__", None)
        if public is None:
            public = [n for n in vars(mod) if not n.startswith("_")]
        names = layout.exports[module] = frozenset(public)
    return mod, names


def _resolve(package: types.ModuleType, name: str) -> Any:
    spec_name = package.__spec__.name if package.__spec__ else package.__name__
    layout = _LAYOUTS.get(spec_name)
    if layout is None:  # fully loaded meanwhile (by another thread)
        return _loaded_attribute(package, name)
    if name.startswith("__") and name.endswith("__"):
        if name != "__all__":  # the generated forms bind no other dunder names
            raise AttributeError(f"module {spec_name!r} has no attribute {name!r}")
        _load_fully(package)
        return _loaded_attribute(package, name)
    if not name.startswith("_"):
        for module in _module_candidates(layout, name):
            mod, names = _exports(layout, spec_name, module)
            if name in names:
                value = getattr(mod, name)
                package.__dict__[name] = value
                return value
    if name in layout.submodules:
        value = package.__dict__[name] = importlib.import_module(f"{spec_name}.{name}")
        return value
    _load_fully(package)
    return _loaded_attribute(package, name)


def _module_candidates(layout: _Layout, name: str) -> Iterator[str]:
    """Star-imported modules that, by the code generator's naming, may define `name`; likeliest first."""
    bases = [name]
    if name[:1].isupper():
        stem = name.removeprefix("Awaitable")
        # `XInitArgs` is the resource's args class when a nested type already took `XArgs`.
        suffixes = ("ArgsDict", "InitArgs", "Args", "Result")
        bases += [stem[: -len(suffix)] for suffix in suffixes if stem.endswith(suffix)]
    elif name.endswith("_output"):
        bases.append(name.removesuffix("_output"))
    seen: set[str] = set()
    for base in bases:
        for module in layout.by_key.get(_key(base), ()):
            if module not in seen:
                seen.add(module)
                yield module
    if name[:1].isupper():
        for module in ("_inputs", "_enums") if name.endswith(("Args", "ArgsDict")) else ("_enums", "_inputs"):
            if module in layout.star and module not in seen:
                seen.add(module)
                yield module


def _loaded_attribute(package: types.ModuleType, name: str) -> Any:
    try:
        return package.__dict__[name]
    except KeyError:
        raise AttributeError(f"module {package.__name__!r} has no attribute {name!r}") from None


def _load_fully(package: types.ModuleType) -> None:
    """Run the real `__init__.py` in the package: from now on it is the SDK's own module."""
    spec_name = package.__spec__.name if package.__spec__ else package.__name__
    with _LOCK:
        layout = _LAYOUTS.pop(spec_name, None)
    if layout is None:
        return
    # Not under the lock: the init imports, and a thread holding an import lock may be binding a
    # submodule here. Like the SDK's own lazy modules, others may meanwhile see a partial package.
    package.__class__ = types.ModuleType
    try:
        layout.loader.real.exec_module(package)
    except BaseException:
        _LAYOUTS[spec_name] = layout
        package.__class__ = LazyPackage
        raise
    # As after an eager import, every submodule imported so far is bound on the package unless a
    # star import bound the same name (`get_vpc`, the function, over `get_vpc`, its module).
    prefix = spec_name + "."
    for module_name, module in list(sys.modules.items()):
        child = module_name[len(prefix):]
        if module_name.startswith(prefix) and "." not in child:
            package.__dict__.setdefault(child, module)


class LazyPackage(types.ModuleType):
    """A generated SDK package whose names are imported on first access (see the module doc)."""

    def __getattr__(self, name: str) -> Any:
        return _resolve(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        # The import system binds each submodule it imports on its package. In the real package a
        # star import may rebind that name (`get_vpc` is the function, not the module `get_vpc`),
        # so while lazy the binding is left out and the name is resolved like any other; a full
        # load binds the submodules imported by then, as an eager import would have.
        spec = self.__spec__
        if spec is not None and isinstance(value, types.ModuleType) and value.__name__ == f"{spec.name}.{name}":
            return
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        _load_fully(self)
        return list(self.__dict__)


def fully_loaded(package: types.ModuleType) -> bool:
    """Whether `package` is not (or no longer) a lazy package of this module: its real `__init__` ran or will."""
    return not isinstance(package, LazyPackage)


class _LazyPackageLoader(importlib.abc.Loader):
    """Wraps the path finder's loader of one package; everything but `exec_module` is delegated."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        module: types.ModuleType | None = self.real.create_module(spec)
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        spec = module.__spec__
        layout = None
        if spec is not None and spec.origin:
            try:
                source = self.real.get_data(spec.origin).decode("utf-8")
            except (OSError, UnicodeDecodeError):
                source = None
            if source is not None:
                layout = _read_layout(source, self)
        if layout is None or spec is None:
            self.real.exec_module(module)
            return
        exec(compile(layout.header, spec.origin or spec.name, "exec"), module.__dict__)  # the header imports
        with _LOCK:
            _LAYOUTS[spec.name] = layout
        module.__class__ = LazyPackage


class _LazySdkFinder(importlib.abc.MetaPathFinder):
    """Finds the SDKs' subpackages as the path finder does, with `_LazyPackageLoader` as loader."""

    def __init__(self, roots: Sequence[str]) -> None:
        self.roots = tuple(roots)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        root, dot, rest = fullname.partition(".")
        if not dot or root not in self.roots or not path:
            return None
        last = rest.rpartition(".")[2]
        # Only packages are wrapped; a plain module is left to the normal finders (one stat each).
        if not any(os.path.isfile(os.path.join(entry, last, "__init__.py")) for entry in path):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            return None
        if not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None  # compiled-only or unusual installs: leave them alone
        spec.loader = _LazyPackageLoader(spec.loader)
        return spec


_FINDER: _LazySdkFinder | None = None


def install(roots: Sequence[str] = ROOTS) -> bool:
    """Load the SDKs' subpackages lazily from now on; idempotent.

    Returns False if nothing can change: a root SDK already imported has created its subpackages
    (lazily, with the path finder's loaders), so they stay as they are.
    """
    global _FINDER
    with _LOCK:
        if _FINDER is None:
            _FINDER = _LazySdkFinder(roots)
            sys.meta_path.insert(0, _FINDER)
    return not any(root in sys.modules for root in roots)


def install_unless_disabled() -> bool:
    """`install()` unless `LZ_LAZY_SDK=0`; what the `lz` CLI calls before planning."""
    if os.environ.get(ENV_SWITCH, "1").strip() in ("0", "false", "no", "off"):
        return False
    return install()


def uninstall() -> None:
    """Stop loading packages lazily; packages already lazy keep resolving names as before."""
    global _FINDER
    with _LOCK:
        if _FINDER is not None:
            sys.meta_path.remove(_FINDER)
            _FINDER = None


__all__ = ["ENV_SWITCH", "ROOTS", "LazyPackage", "fully_loaded", "install", "install_unless_disabled", "uninstall"]
