"""Read a manifest file: YAML with the position of every key and value, then the schema pass.

PyYAML's composer keeps a start mark on every node, so the data is built here from the node graph
rather than by `yaml.safe_load`: that is how each problem gets its line and column, and how
duplicate keys (which YAML silently resolves to the last one) are caught.

Every pydantic error becomes a `Problem` in plain English. When the schema pass fails, a partial
manifest is salvaged from everything that did validate, so the semantic pass can still check it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Final, Literal, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from lz.manifest.model import COMPONENT_TYPES, PATTERN_HINTS, ServiceManifest
from lz.problems import InputError, Problem

FieldPath = tuple[str | int, ...]
Position = tuple[int, int]

#: A service manifest is a few dozen lines; these bound the work done on anything else.
MAX_FILE_BYTES: Final = 1_048_576
MAX_NODES: Final = 50_000

_MAP_TAG: Final = "tag:yaml.org,2002:map"
_SEQ_TAG: Final = "tag:yaml.org,2002:seq"
_MERGE_TAG: Final = "tag:yaml.org,2002:merge"
_NULL_TAG: Final = "tag:yaml.org,2002:null"
_KEY_MARKER: Final = "[key]"  # pydantic's last loc element when a mapping key (not its value) is invalid


@dataclass(frozen=True)
class Positions:
    """1-based (line, column) of each key and value in a manifest, by field path."""

    keys: Mapping[FieldPath, Position]
    values: Mapping[FieldPath, Position]

    def key(self, path: FieldPath) -> Position:
        """Where the key of `path` is written, else where its nearest written ancestor is."""
        return self.keys[path] if path in self.keys else self.value(path[:-1])

    def value(self, path: FieldPath) -> Position:
        """Where the value at `path` starts, else where its nearest written ancestor's value starts."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return (1, 1)


NO_POSITIONS: Final = Positions(keys={}, values={})


@dataclass(frozen=True)
class ParsedFile:
    """A manifest file read as YAML: its data (None when unusable), positions and problems."""

    file: str
    data: dict[str, Any] | None
    positions: Positions
    problems: list[Problem]
    #: Values that could not be read: already reported, and left as None in `data`.
    unreadable: frozenset[FieldPath] = frozenset()
    #: Mappings with keys left out (already reported): a field missing from them may be one of those.
    incomplete: frozenset[FieldPath] = frozenset()


@dataclass(frozen=True)
class SchemaResult:
    """The schema pass over one file.

    `manifest` is complete when `problems` is empty. Otherwise it is a partial manifest built with
    `model_construct` from the fields that validated: only the fields named in `present` may be
    read, and entries dropped for failing validation are listed in `dropped`.
    """

    manifest: ServiceManifest
    present: frozenset[str]
    dropped: frozenset[FieldPath]
    problems: list[Problem]


def _position(mark: yaml.Mark) -> Position:
    return (mark.line + 1, mark.column + 1)


def _line_col(text: str, index: int) -> Position:
    line = text.count("\n", 0, index) + 1
    return (line, index - (text.rfind("\n", 0, index) + 1) + 1)


def _show(value: Any) -> str:
    """A value as a service team wrote it in YAML."""
    if value is None:
        return "no value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


class _TooComplex(Exception):
    pass


class _Builder:
    """Builds plain data from a composed YAML node graph, recording positions and problems."""

    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.keys: dict[FieldPath, Position] = {}
        self.values: dict[FieldPath, Position] = {}
        self.problems: list[Problem] = []
        self.unreadable: set[FieldPath] = set()
        self.incomplete: set[FieldPath] = set()
        self.nodes = 0
        self.open: set[int] = set()  # collection nodes being built: seeing one again is a recursive alias

    def problem(self, position: Position, path: FieldPath, message: str) -> None:
        self.problems.append(Problem(self.file, *position, dotted(path), message))

    def cannot_read(self, path: FieldPath, message: str) -> None:
        """Report a value that cannot be read; it becomes None, which the schema pass then skips."""
        self.problem(self.values[path], path, message)
        self.unreadable.add(path)

    def build(self, node: yaml.Node, path: FieldPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            # Aliases can expand a short file exponentially ("billion laughs"); no manifest needs this.
            raise _TooComplex
        self.values[path] = _position(node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if id(node) in self.open:
            self.cannot_read(path, "a YAML alias refers to itself; write the value out instead")
            return None
        default_tag = _MAP_TAG if isinstance(node, yaml.MappingNode) else _SEQ_TAG
        if node.tag != default_tag:
            self.cannot_read(path, f"unsupported YAML tag {node.tag!r}")
            return None
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            return [self.item(index, item, path) for index, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def item(self, index: int, node: yaml.Node, parent: FieldPath) -> Any:
        self.keys[(*parent, index)] = _position(node.start_mark)
        return self.build(node, (*parent, index))

    def scalar(self, node: yaml.ScalarNode, path: FieldPath) -> Any:
        try:
            return self.loader.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            if exc.problem and "could not determine a constructor" in exc.problem:
                self.cannot_read(path, f"unsupported YAML tag {node.tag!r}")
            else:
                self.cannot_read(path, f"cannot read this value: {exc.problem}")
        except (yaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
            # e.g. a timestamp-shaped scalar that is no real date: `2025-02-30`
            self.cannot_read(path, f"cannot read value {node.value!r}: {exc}")
        return None

    def mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, path)
            if key is None:
                continue
            key_path = (*path, key)
            here = _position(key_node.start_mark)
            if key in result:
                self.problem(here, key_path, f"duplicate key {key!r} (first given on line {self.keys[key_path][0]})")
                continue
            self.keys[key_path] = here
            result[key] = self.build(value_node, key_path)
        return result

    def key(self, node: yaml.Node, parent: FieldPath) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            return self.bad_key(node, parent, "keys must be plain text, not a list or mapping")
        if node.tag == _MERGE_TAG:
            return self.bad_key(node, parent, "YAML merge keys ('<<') are not supported: write the fields out in full")
        try:
            key = self.loader.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError, TypeError):
            key = None
        if not isinstance(key, str):
            message = f"key {node.value!r} is not read as text by YAML: put it in quotes ('{node.value}')"
            return self.bad_key(node, parent, message)
        return key

    def bad_key(self, node: yaml.Node, parent: FieldPath, message: str) -> str | None:
        """Report a key that cannot be used; its entry is left out of the mapping (returns None)."""
        self.problem(_position(node.start_mark), parent, message)
        self.incomplete.add(parent)
        return None


def read_manifest_file(
    path: Path,
    *,
    what: str = "service manifest",
    fields: str = "version, service, ...",
    reference: str = "docs/manifest-reference.md",
) -> ParsedFile:
    """Read and parse one manifest file (or another YAML definition: `what`); never raises for bad content."""
    file = str(path)

    def failed(message: str, position: Position = (1, 1)) -> ParsedFile:
        return ParsedFile(file, None, NO_POSITIONS, [Problem(file, *position, "", message)])

    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return failed(f"cannot read the file: {exc.strerror or exc}")
    if len(raw) > MAX_FILE_BYTES:
        return failed(f"the file is larger than {MAX_FILE_BYTES // 1024} KiB; a {what} is a few dozen lines")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return failed(f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line})", (line, 1))

    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(text)  # checks for forbidden characters straight away
        root = loader.get_single_node()
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == _NULL_TAG and not root.value):
            return failed(f"the file is empty: a {what} is a mapping of fields ({reference})")
        if not isinstance(root, yaml.MappingNode):
            kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
            return failed(
                f"a {what} must be a mapping of fields ({fields}), not {kind}",
                _position(root.start_mark),
            )
        builder = _Builder(loader, file)
        data = builder.build(root, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = f"invalid YAML: {exc.problem or exc.context}"
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            message += f" ({exc.context} on line {exc.context_mark.line + 1})"
        return failed(message, _position(mark) if mark else (1, 1))
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return failed(f"invalid YAML: character U+{code:04X} is not allowed", _line_col(text, exc.position))
    except yaml.YAMLError as exc:
        return failed(f"invalid YAML: {exc}")
    except (_TooComplex, RecursionError):
        return failed(f"the YAML is too deeply nested or expands too many aliases to be a {what}")
    finally:
        if loader is not None:
            loader.dispose()
    positions = Positions(builder.keys, builder.values)
    return ParsedFile(
        file, data, positions, builder.problems, frozenset(builder.unreadable), frozenset(builder.incomplete)
    )


def dotted(path: FieldPath) -> str:
    """A field path as problems show it: `environments.dev.monthly_budget_gbp`, `exceptions.0.expires`."""
    return ".".join(str(part) for part in path)


# --- from pydantic errors to problems ---------------------------------------------------------------

_StepKind = Literal["required", "optional", "unknown", "entry", "tag", "key", "value"]


@dataclass(frozen=True)
class _Step:
    element: str | int
    kind: _StepKind
    model: type[BaseModel] | None = None  # the model the element is a field (or unknown key) of


def _strip_annotated(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _union_members(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) not in (Union, UnionType):
        return ()
    return tuple(arg for arg in get_args(annotation) if arg is not type(None))


def _steps(error: ErrorDetails, root: type[BaseModel] = ServiceManifest) -> list[_Step]:
    """Walk a pydantic error location through the model's types, saying what each element is.

    Pydantic adds the tag of a discriminated union to the location (`components.db.database.engine`)
    and `[key]` when a mapping key is invalid; the walk tells those apart from the user's own keys
    (which may be spelt `[key]` too).
    """
    loc = error["loc"]
    steps: list[_Step] = []
    annotation: Any = root
    for index, element in enumerate(loc):
        annotation = _strip_annotated(annotation)
        while len(_union_members(annotation)) == 1:
            annotation = _strip_annotated(_union_members(annotation)[0])  # `X | None`: no loc element
        origin = get_origin(annotation)
        if (
            element == _KEY_MARKER
            and index == len(loc) - 1
            and steps
            and steps[-1].kind == "entry"
            and error["type"] != "extra_forbidden"
        ):
            steps.append(_Step(element, "key"))
            annotation = None
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(element))
            if field is None:
                steps.append(_Step(element, "unknown", annotation))
                annotation = None
            else:
                steps.append(_Step(element, "required" if field.is_required() else "optional", annotation))
                annotation = field.annotation
        elif origin is dict or origin is list:
            steps.append(_Step(element, "entry"))
            annotation = get_args(annotation)[-1]
        elif _union_members(annotation):
            steps.append(_Step(element, "tag"))
            annotation = next(
                (
                    member
                    for member in _union_members(annotation)
                    if element in get_args(member.model_fields["type"].annotation)
                ),
                None,
            )
        else:
            steps.append(_Step(element, "value"))
            annotation = None
    return steps


_Walked = tuple[ErrorDetails, list[_Step]]


def _data_path(steps: Sequence[_Step]) -> FieldPath:
    return tuple(step.element for step in steps if step.kind not in ("tag", "key"))


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice a misspelt `word` most likely meant, for "did you mean" hints; None if none is close."""
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _unknown_key(key: str, model: type[BaseModel] | None) -> tuple[str, str | None]:
    allowed = list(model.model_fields) if model else []
    match = closest(key, allowed)
    if match:
        return f"unknown key {key!r} (did you mean {match!r}?)", match
    return f"unknown key {key!r} (allowed keys: {', '.join(allowed)})", None


_TYPE_WORDS: Final[dict[str, str]] = {
    "string": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "dict": "a mapping",
    "list": "a list",
    "date": "a date like 2026-03-31",
    "model": "a mapping of fields",
    "model_attributes": "a mapping of fields",
    "date_from_datetime": "a date like 2026-03-31",
}


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def _describe(error: ErrorDetails, *, is_key: bool) -> str:
    """The plain-English body of one pydantic error (without path or position)."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error["input"]
    got = f" (got {_show(value)})"
    if kind == "literal_error":
        return f"must be {ctx['expected']}{got}"
    if kind == "string_pattern_mismatch":
        hint = PATTERN_HINTS.get(ctx["pattern"], f"must match {ctx['pattern']}")
        return hint if is_key else f"{_show(value)} is not valid: {hint}"
    if kind == "string_too_short":
        if ctx["min_length"] == 1:
            return "must not be empty"
        return f"must be at least {_count(ctx['min_length'], 'character', 'characters')} long{got}"
    if kind == "string_too_long":
        return f"must be at most {_count(ctx['max_length'], 'character', 'characters')} long (got {len(value)})"
    if kind == "too_short":
        return f"must have at least {_count(ctx['min_length'], 'entry', 'entries')}"
    if kind == "too_long":
        return f"must have at most {_count(ctx['max_length'], 'entry', 'entries')}"
    if kind == "greater_than":
        return f"must be more than {ctx['gt']}{got}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}{got}"
    if kind == "less_than":
        return f"must be less than {ctx['lt']}{got}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}{got}"
    if kind == "finite_number":
        return f"must be a finite number{got}"
    if kind == "int_from_float":
        return f"must be a whole number{got}"
    if kind == "date_from_datetime_inexact":
        return f"must be a date without a time, like 2026-03-31{got}"
    for suffix in ("_type", "_parsing"):
        if kind.endswith(suffix) and kind.removesuffix(suffix) in _TYPE_WORDS:
            word = _TYPE_WORDS[kind.removesuffix(suffix)]
            quote = "; put it in quotes" if word == "text" and isinstance(value, int | float | bool) else ""
            return f"must be {word}{got}{quote}"
    message = error["msg"]
    return message[:1].lower() + message[1:]


def _to_problems(parsed: ParsedFile, walked: Sequence[_Walked]) -> list[Problem]:
    file, positions = parsed.file, parsed.positions
    problems: list[Problem] = []
    suggested: set[FieldPath] = set()  # missing fields an unknown key was suggested for: said once
    missing: list[tuple[FieldPath, Problem]] = []
    for error, steps in walked:
        path = _data_path(steps)
        if any(path[: len(value)] == value for value in parsed.unreadable):
            continue  # the loader already said why this value could not be read
        kind = error["type"]
        if kind == "missing" and path[:-1] in parsed.incomplete:
            continue  # the field may be one of the keys the loader had to leave out
        if kind == "extra_forbidden":
            message, match = _unknown_key(str(path[-1]), steps[-1].model)
            if match:
                suggested.add((*path[:-1], match))
            problems.append(Problem(file, *positions.key(path), dotted(path), message))
        elif kind == "missing":
            problem = Problem(file, *positions.value(path[:-1]), dotted(path), f"missing required field {path[-1]!r}")
            missing.append((path, problem))
        elif kind == "union_tag_not_found":
            message = f"missing required field 'type' (one of: {', '.join(COMPONENT_TYPES)})"
            problems.append(Problem(file, *positions.value(path), dotted((*path, "type")), message))
        elif kind == "union_tag_invalid":
            known = ", ".join(COMPONENT_TYPES)
            message = f"unknown component type {error['input'].get('type')!r} (known types: {known})"
            problems.append(Problem(file, *positions.value((*path, "type")), dotted((*path, "type")), message))
        elif steps and steps[-1].kind == "key":
            message = f"invalid key {path[-1]!r}: {_describe(error, is_key=True)}"
            problems.append(Problem(file, *positions.key(path), dotted(path), message))
        else:
            problems.append(Problem(file, *positions.value(path), dotted(path), _describe(error, is_key=False)))
    problems.extend(problem for path, problem in missing if path not in suggested)
    return problems


# --- salvaging a partial manifest for the semantic pass ------------------------------------------------


def _drop_point(steps: Sequence[_Step]) -> FieldPath | None:
    """The smallest part of the data to leave out so the rest of its mapping can validate: the entry,
    optional field or unknown key closest to the error; None when only a required top-level field
    contains it."""
    for end in range(len(steps), 0, -1):
        if steps[end - 1].kind in ("entry", "optional", "unknown"):
            return _data_path(steps[:end])
    return None


def _without(value: Any, drop: frozenset[FieldPath], path: FieldPath = ()) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, drop, (*path, k)) for k, v in value.items() if (*path, k) not in drop}
    if isinstance(value, list):
        return [_without(v, drop, (*path, i)) for i, v in enumerate(value) if (*path, i) not in drop]
    return value


def _salvage(
    data: dict[str, Any], walked: Sequence[_Walked]
) -> tuple[ServiceManifest, frozenset[str], frozenset[FieldPath]]:
    fields = ServiceManifest.model_fields
    dropped = frozenset(point for _, steps in walked if (point := _drop_point(steps)) is not None)
    kept = _without(data, dropped)
    # What is left only fails where a required top-level field holds the error. Such a field gets its
    # documented example as a stand-in (tests keep every example valid) so that the rest validates,
    # and is then left out of the partial manifest: reading it raises AttributeError, never the example.
    stand_ins: set[str] = set()
    for _ in range(len(fields) + 1):
        try:
            validated = ServiceManifest.model_validate(kept)
        except ValidationError as exc:
            names = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            if not names or names & stand_ins or not names <= set(fields):
                break  # not while every example validates; salvage nothing rather than fail
            for name in names:
                if fields[name].is_required():
                    kept[name] = (fields[name].examples or [None])[0]
                    stand_ins.add(name)
                else:
                    del kept[name]
        else:
            present = frozenset(fields) - stand_ins
            values = {name: getattr(validated, name) for name in present}
            return ServiceManifest.model_construct(set(present), **values), present, dropped
    return ServiceManifest.model_construct(set()), frozenset(), dropped


def validate_schema(parsed: ParsedFile) -> SchemaResult:
    """The schema pass: the manifest, or every schema problem plus a partial manifest (see SchemaResult).

    `parsed` must hold data: a file that could not be read as a mapping has nothing to validate.
    """
    if parsed.data is None:
        raise ValueError(f"{parsed.file} has no data to validate")
    try:
        manifest = ServiceManifest.model_validate(parsed.data)
    except ValidationError as exc:
        walked = [(error, _steps(error)) for error in exc.errors(include_url=False)]
        partial, present, dropped = _salvage(parsed.data, walked)
        return SchemaResult(partial, present, dropped, _to_problems(parsed, walked))
    return SchemaResult(manifest, frozenset(ServiceManifest.model_fields), frozenset(), [])


M = TypeVar("M", bound=BaseModel)


def load_model(path: Path, model: type[M], *, what: str, fields: str, reference: str) -> M:
    """Load any strict YAML definition (e.g. `platform/aws.yaml`) with the manifest loader's care.

    Same YAML reading (positions, duplicate keys, size limits) and the same plain-English,
    line-numbered problems as service manifests; raises InputError listing all of them.
    """
    parsed = read_manifest_file(path, what=what, fields=fields, reference=reference)
    if parsed.data is None:
        raise InputError(sorted(parsed.problems))
    try:
        value = model.model_validate(parsed.data)
    except ValidationError as exc:
        walked = [(error, _steps(error, model)) for error in exc.errors(include_url=False)]
        raise InputError(sorted([*parsed.problems, *_to_problems(parsed, walked)])) from None
    if parsed.problems:
        raise InputError(sorted(parsed.problems))
    return value
