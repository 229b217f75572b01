"""Plan a chain of stacks with two processes: the tail imports its SDK names while the head runs.

A service's verdict plans the organisation layer, then the logging and network layers (each reads
only the organisation), then the service's environments (which read all three). Most of a cold
run is importing SDK classes, and those imports do not depend on any output. So `plan_split` forks
a helper process before anything is planned: the parent plans the head (every platform layer but
the last in the chain: organisation, logging) and sends each plan through a pipe as soon as it is
made; the helper imports the SDK names the tail's programs use (`lz.plan.warm`), plans each tail
stack as soon as the head stacks it reads have arrived (the network layer right after the
organisation's, in parallel with the logging layer) and sends its plans back. Plans are the same as a
single process makes (tests/lz/plan/test_pipeline.py compares the JSON byte for byte).

Only where `os.fork` exists, there are two or more CPUs and the process is still single-threaded
(as `lz plan` is before it plans anything; a process that already ran programs has executor and
gRPC threads a child could deadlock on, so it plans in one process); `LZ_PARALLEL=0` turns it off.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import threading
from collections.abc import Callable, Sequence
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


def plan_split(planner: EstatePlanner, names: Sequence[str], while_waiting: Callable[[], None] | None = None) -> None:
    """Plan `names` (and their dependencies) into `planner`, in two processes when it pays.

    `while_waiting` runs in the parent once its own stacks are planned, while the helper finishes
    (e.g. importing what the caller does next); it must not change any plan.
    """
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
    # A thread writes to the helper so that a full pipe (the helper is still importing) never holds
    # up the next plan; it runs only after the fork, so the helper never inherits it.
    outgoing: queue.SimpleQueue[StackPlan | None] = queue.SimpleQueue()

    def send() -> None:
        with contextlib.suppress(OSError):  # the helper died: the parent reports it when reading
            while (plan := outgoing.get()) is not None:
                _write(to_child_w, plan)
        _close(to_child_w)

    sender = threading.Thread(target=send, name="lz-plan-sender", daemon=True)
    sender.start()
    try:
        for name in head:  # in dependency order; each plan goes to the helper as soon as it is made
            planner.plan_stack(name)
            outgoing.put(planner.plans[name])
        outgoing.put(None)
        if while_waiting is not None:
            while_waiting()
        status, payload = _read(to_parent_r)
    except BaseException:
        outgoing.put(None)
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        sender.join()
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
        clouds = {planner.estate.spec(name).cloud for name in tail}
        packages = ["pulumi_random", *(["pulumi_aws"] if "aws" in clouds else []),
                    *(["pulumi_azure_native"] if "azure" in clouds else [])]
        planner.progress = None  # the parent reports progress
        head = set(chain(planner, names)) - set(tail)

        def receive(needed: set[str]) -> None:
            while not needed <= set(planner.plans):
                plan = _read(inbox)
                planner.plans[plan.name] = plan
                planner.order.append(plan.name)

        warmed: set[tuple[str, str, str]] = set()
        for name in tail:
            # Import this stack's SDK names while its head dependencies are still being planned,
            # then plan it as soon as they have arrived.
            module = planner.estate.spec(name).module
            if module:
                wanted = sdk_names([module], packages) - warmed
                warm(wanted)
                warmed |= wanted
            receive(set(chain(planner, [name])) & head)
            planner.plan_stack(name)
        receive(head)
        for name in names:
            planner.plan_stack(name)
        status, payload = "ok", [planner.plans[n] for n in planner.order if n not in head]
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
    view = memoryview(len(data).to_bytes(8, "big") + data)
    while view:
        view = view[os.write(fd, view):]


def _read(fd: int) -> Any:
    """One message: unbuffered, so nothing of the next message is read ahead and lost."""
    size = int.from_bytes(_read_exactly(fd, 8), "big")
    return pickle.loads(_read_exactly(fd, size))  # our own forked process, over a private pipe


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise RuntimeError("the planning helper stopped before sending its plans")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


__all__ = ["StackPlan", "chain", "parallel_enabled", "plan_split", "single_threaded", "split_point"]
