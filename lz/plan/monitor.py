"""A resource monitor that records every registration the way the engine would receive it.

It stands where the Pulumi engine stands when a program runs under `pulumi up`. On top of what
Pulumi's `MockMonitor` does, it

* applies resource transforms as the engine does (the resource's own, then each parent's, nearest
  first, then the stack's), because the mock monitor does not run them;
* records parent, provider, dependencies and the resource options from the request;
* records the stack's exported outputs.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from google.protobuf import empty_pb2, json_format
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor, _resolve_callbacks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from lz.plan.mocks import PlanMocks
from lz.plan.model import PlannedResource


def _options(request: Any) -> dict[str, Any]:
    ct = request.customTimeouts
    aliases: list[Any] = []
    for alias in [json_format.MessageToDict(a) for a in request.aliases] + list(request.aliasURNs):
        if alias not in aliases:
            aliases.append(alias)
    return {
        "protect": request.protect if request.HasField("protect") else None,
        "retain_on_delete": request.retainOnDelete if request.HasField("retainOnDelete") else None,
        "ignore_changes": sorted(request.ignoreChanges),
        "replace_on_changes": sorted(request.replaceOnChanges),
        "delete_before_replace": request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None,
        "additional_secret_outputs": sorted(request.additionalSecretOutputs),
        "aliases": aliases,
        "custom_timeouts": {k: v for k, v in (("create", ct.create), ("update", ct.update),
                                              ("delete", ct.delete)) if v},
        "import_id": request.importId or None,
        "deleted_with": request.deletedWith or None,
        "version": request.version or None,
    }


def _transform_options(request: Any, options: Mapping[str, Any]) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(
        protect=options.get("protect"),
        retain_on_delete=options.get("retain_on_delete"),
        ignore_changes=list(options.get("ignore_changes") or []) or None,
        replace_on_changes=list(options.get("replace_on_changes") or []) or None,
        delete_before_replace=options.get("delete_before_replace"),
        additional_secret_outputs=list(options.get("additional_secret_outputs") or []) or None,
        version=request.version or None,
    )


def _merge_transformed_options(options: dict[str, Any], opts: pulumi.ResourceOptions | None) -> None:
    if opts is None:
        return
    for attr, key in (("protect", "protect"), ("retain_on_delete", "retain_on_delete"),
                      ("delete_before_replace", "delete_before_replace")):
        value = getattr(opts, attr, None)
        if value is not None:
            options[key] = value
    for attr in ("ignore_changes", "replace_on_changes", "additional_secret_outputs"):
        value = getattr(opts, attr, None)
        if value is not None:
            options[attr] = sorted(value)


class RecordingMonitor(MockMonitor):
    """Pulumi's mock monitor plus a faithful record of each registration."""

    def __init__(self, mocks: PlanMocks) -> None:
        super().__init__(mocks)
        self.plan_mocks = mocks
        self.records: dict[str, PlannedResource] = {}
        self.transforms_by_urn: dict[str, list[Any]] = {}
        self.stack_urn: str | None = None
        self.stack_outputs: dict[str, Any] = {}
        self.notes: list[str] = []
        self._lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs as the engine makes them: a parent's type qualifies a child's, except the root stack's."""
        if parent:
            qualified = parent.split("::")[2]
            if qualified != "pulumi:pulumi:Stack":
                type_ = qualified + "$" + type_
        return "urn:pulumi:" + "::".join([pulumi.get_stack(), pulumi.get_project(), type_, name])

    def _chain_transforms(self, own: Sequence[Any], parent: str) -> list[Any]:
        chain = list(own)
        seen: set[str] = set()
        while parent and parent not in seen:
            seen.add(parent)
            chain.extend(self.transforms_by_urn.get(parent, ()))
            rec = self.records.get(parent)
            parent = rec.parent if rec and rec.parent else ""
        chain.extend(self._stack_transforms)
        return chain

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        options = _options(request)

        if request.type == "pulumi:pulumi:Stack":
            with self._lock:
                self.stack_urn = urn
                self.records[urn] = PlannedResource(
                    urn=urn, type=request.type, name=request.name, custom=False, parent=None, provider=None,
                    dependencies=[], property_dependencies={}, raw_inputs={}, options=options,
                )
            return resource_pb2.RegisterResourceResponse(urn=urn)

        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
        own = _resolve_callbacks(request.transforms)
        chain = self._chain_transforms(own, request.parent)
        wire = request.object
        if chain:
            inputs, changed = self._run_transforms(chain, request, inputs, options)
            if changed:
                wire = _sync_await(rpc.serialize_properties(inputs, {}, keep_output_values=False))
        with self._lock:
            self.transforms_by_urn[urn] = own

        resource_args = pulumi.runtime.MockResourceArgs(
            typ=request.type,
            name=request.name,
            inputs=inputs,
            provider=request.provider,
            resource_id=request.importId,
            custom=request.custom or False,
            transforms=own,
        )
        id_, state = self.mocks.new_resource(resource_args)
        obj_proto = _sync_await(rpc.serialize_properties(state, {}))

        record = PlannedResource(
            urn=urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            parent=request.parent or None,
            provider=request.provider or None,
            dependencies=sorted(set(request.dependencies)),
            property_dependencies={
                k: sorted(set(v.urns)) for k, v in sorted(request.propertyDependencies.items()) if v.urns
            },
            raw_inputs=inputs,
            options=options,
            id=id_ or None,
            raw_outputs=state,
            wire=wire,
        )
        if request.remote:
            self._note(
                f"{request.type} '{request.name}' is a remote (multi-language) component: under the mock "
                "runtime only the component registers, so its children are not shown in this plan"
            )
        with self._lock:
            self.records[urn] = record
            if request.type.startswith("pulumi:providers:"):
                self.plan_mocks.providers[f"{urn}::{id_}"] = inputs
            self.resources[urn] = MockMonitor.ResourceRegistration(urn, id_ or "", state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_ or "", object=obj_proto)

    def _run_transforms(
        self, chain: Sequence[Any], request: Any, props: dict[str, Any], options: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        changed = False
        for transform in chain:
            args = pulumi.ResourceTransformArgs(
                custom=bool(request.custom),
                type_=request.type,
                name=request.name,
                props=props,
                opts=_transform_options(request, options),
            )
            result = transform(args)
            if inspect.isawaitable(result):
                result = _sync_await(result)
            if result is None:
                continue
            props = dict(result.props)
            _merge_transformed_options(options, result.opts)
            changed = True
        return props, changed

    def ReadResource(self, request: Any) -> Any:
        """Reads (`Resource.get`, `StackReference`) are recorded too, marked `read` in the options."""
        response = super().ReadResource(request)
        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.properties, keep_unknowns=True)
        reg = self.resources[response.urn]
        record = PlannedResource(
            urn=response.urn,
            type=request.type,
            name=request.name,
            custom=True,
            parent=request.parent or None,
            provider=request.provider or None,
            dependencies=sorted(set(request.dependencies)),
            property_dependencies={},
            raw_inputs=inputs,
            options={"read": True, "id": request.id, "version": request.version or None},
            id=reg.id,
            raw_outputs=reg.state,
            wire=request.properties,
        )
        with self._lock:
            self.records[response.urn] = record
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        if self.stack_urn is not None and request.urn == self.stack_urn:
            _ensure_event_loop()
            self.stack_outputs = rpc.deserialize_properties(request.outputs, keep_unknowns=True)
        return empty_pb2.Empty()

    def _note(self, text: str) -> None:
        with self._lock:
            if text not in self.notes:
                self.notes.append(text)
