"""Plan a chain of stacks with two processes: the tail imports its SDK names while the head runs.

A service's verdict plans a chain: organisation → logging → network → the service's environments.
Each stack needs the outputs of the one before, so the chain itself cannot run in parallel, but
most of a cold run is importing SDK classes, and those imports do not depend on any output. So
`plan_split` forks a helper process before anything is planned: the parent plans the head of the
chain; the helper imports the SDK names the tail's programs use (`lz.plan.warm`), receives the
head's plans through a pipe, plans the tail and sends its plans back. Plans are the same as a
single process makes (tests/lz/plan/test_pipeline.py compares the JSON byte for byte).

Only where `os.fork` exists, there are two or more CPUs and the process is still single-threaded
(as `lz plan` is before it plans anything; a process that already ran programs has executor and
gRPC threads a child could deadlock on, so it plans in one process); `LZ_PARALLEL=0` turns it off.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Sequence
from typing import Any

from lz.plan.estate import EstatePlanner
from lz.plan.model import StackPlan
from lz.plan.runner import ProgramError
from lz.plan.warm import sdk_names, warm
from lz.problems import InputError


def parallel_enabled() -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and os.environ.get("LZ_PARALLEL", "1") != "0"


def single_threaded() -> bool:
    """Whether this process has one thread: only then is a fork safe.

    A process that has already run programs has worker threads (an asyncio executor, gRPC's timer);
    a forked child would inherit their locks but not the threads and could wait forever.
    """
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        import threading

        return threading.active_count() == 1


def chain(planner: EstatePlanner, names: Sequence[str]) -> list[str]:
    """`names` and the stacks they depend on (declared `depends_on`), dependencies first."""
    assert planner.estate is not None
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in order:
            return
        if name in path:
            raise InputError(f"stack dependencies form a cycle: {' -> '.join((*path, name))}")
        for dependency in planner.estate.spec(name).depends_on:  # type: ignore[union-attr]
            visit(dependency, (*path, name))
        order.append(name)

    for name in names:
        visit(name, ())
    return order


def split_point(planner: EstatePlanner, order: Sequence[str]) -> int:
    """How many stacks the parent plans: every platform layer but the last one in the chain."""
    assert planner.estate is not None
    layers = [i for i, name in enumerate(order) if planner.estate.spec(name).kind == "platform"]
    return layers[-1] if len(layers) >= 2 else 0


def plan_split(planner: EstatePlanner, names: Sequence[str]) -> None:
    """Plan `names` (and their dependencies) into `planner`, in two processes when it pays."""
    order = chain(planner, names)
    head_size = split_point(planner, order)
    if not parallel_enabled() or not single_threaded() or head_size == 0 or head_size == len(order):
        for name in names:
            planner.plan_stack(name)
        return
    head, tail = order[:head_size], order[head_size:]
    to_child_r, to_child_w = os.pipe()
    to_parent_r, to_parent_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper: never returns
        os.close(to_child_w)
        os.close(to_parent_r)
        _child(planner, tail, names, to_child_r, to_parent_w)
    os.close(to_child_r)
    os.close(to_parent_w)
    try:
        for name in head:
            planner.plan_stack(name)
        _write(to_child_w, [planner.plans[name] for name in head])
        status, payload = _read(to_parent_r)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        _close(to_child_w)
        _close(to_parent_r)
        os.waitpid(pid, 0)
    if status == "input":
        raise InputError(payload)
    if status == "program":
        raise ProgramError(payload)
    if status != "ok":
        raise RuntimeError(f"the planning helper failed: {payload}")
    for plan in payload:
        if plan.name not in planner.plans:
            if planner.progress:
                planner.progress(plan.name)
            planner.plans[plan.name] = plan
            planner.order.append(plan.name)


def _child(planner: EstatePlanner, tail: Sequence[str], names: Sequence[str], inbox: int, outbox: int) -> None:
    status: str
    payload: Any
    try:
        assert planner.estate is not None
        specs = [planner.estate.spec(name) for name in tail]
        clouds = {spec.cloud for spec in specs}
        packages = ["pulumi_random", *(["pulumi_aws"] if "aws" in clouds else []),
                    *(["pulumi_azure_native"] if "azure" in clouds else [])]
        warm(sdk_names([spec.module for spec in specs if spec.module], packages))
        planner.progress = None  # the parent reports progress
        for plan in _read(inbox):
            planner.plans[plan.name] = plan
            planner.order.append(plan.name)
        before = len(planner.order)
        for name in names:
            planner.plan_stack(name)
        status, payload = "ok", [planner.plans[n] for n in planner.order[before:]]
    except InputError as exc:
        status, payload = "input", [p for p in exc.problems]
    except ProgramError as exc:
        status, payload = "program", str(exc)
    except BaseException as exc:  # reported by the parent, which exits cleanly
        status, payload = "error", f"{type(exc).__name__}: {exc}"
    try:
        _write(outbox, (status, payload))
    finally:
        os._exit(0)  # no atexit handlers, no flushing of buffers inherited from the parent


def _write(fd: int, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    with os.fdopen(fd, "wb", closefd=False) as out:
        out.write(len(data).to_bytes(8, "big"))
        out.write(data)


def _read(fd: int) -> Any:
    with os.fdopen(fd, "rb", closefd=False) as inp:
        size = int.from_bytes(inp.read(8), "big")
        data = inp.read(size)
    if len(data) != size:
        raise RuntimeError("the planning helper stopped before sending its plans")
    return pickle.loads(data)  # our own forked process, over a private pipe


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


__all__ = ["StackPlan", "chain", "parallel_enabled", "plan_split", "single_threaded", "split_point"]
