"""Generate lz/data/taggable_types.json: the resource types whose constructor takes a map of tags.

The tag backstop (`lz.tags.register_tag_transform`) and the mandatory-tags policy must know which
resource types take tags. A hand-kept list rots with every provider release, so the list is derived
from the installed provider SDKs. The SDKs are read as *text*: importing `pulumi_azure_native` loads
a 350 MB package, and scanning ~9,000 source files as text takes a second or two.

A resource class in the generated Python SDKs looks like this:

    @pulumi.type_token("aws:s3/bucket:Bucket")
    class Bucket(pulumi.CustomResource):
        ...
        def _internal_init(__self__,
                     resource_name: str,
                     opts: Optional[pulumi.ResourceOptions] = None,
                     ...
                     tags: pulumi.Input[Optional[Mapping[str, pulumi.Input[_builtins.str]]]] = None,
                     ...
                     __props__=None):

A type is taggable when its `_internal_init` signature has a `tags` parameter typed as a map of
strings. Other shapes of `tags` are NOT taggable for our purposes, because the backstop adds string
values to a map: lists of tag blocks (`aws:autoscaling/group:Group`), lists of strings
(`azure-native:storage:BlobContainerLegalHold`), maps of lists (`azure-native:operationalinsights:Query`),
`Any`, or structured objects.

Usage:
    python scripts/gen_taggable_types.py            # (re)write lz/data/taggable_types.json
    python scripts/gen_taggable_types.py --check    # exit 1 if the committed file is stale
    python scripts/gen_taggable_types.py --output PATH
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "lz" / "data" / "taggable_types.json"

#: (key in the JSON file, import name of the SDK package, distribution name for its version)
PACKAGES: tuple[tuple[str, str, str], ...] = (
    ("aws", "pulumi_aws", "pulumi-aws"),
    ("azure-native", "pulumi_azure_native", "pulumi-azure-native"),
)

# A resource class: the type-token decorator directly on a CustomResource subclass. Enums also carry
# `@pulumi.type_token`, so the class line must follow the decorator.
_RESOURCE_CLASS = re.compile(
    r'^@pulumi\.type_token\("(?P<token>[^"]+)"\)\nclass \w+\(pulumi\.CustomResource\):\n', re.MULTILINE
)
# The `tags` parameter inside one signature; the annotation runs to the default or the line end.
_TAGS_PARAM = re.compile(r"^\s+tags: (?P<annotation>.+?)(?: = None)?,?$", re.MULTILINE)
# Wrappers that do not change the shape of a type: `pulumi.Input[...]` and `Optional[...]`.
_WRAPPER = re.compile(r"^(?:pulumi\.Input|Optional)\[(?P<inner>.*)\]$")
# A map from string to string, with or without `pulumi.Input` around the value.
_STRING_MAP = re.compile(r"^Mapping\[str, (?:pulumi\.Input\[(?:_builtins\.)?str\]|(?:_builtins\.)?str)\]$")


def is_string_map(annotation: str) -> bool:
    """True when a generated annotation is (an optional input of) a map of strings."""
    annotation = annotation.strip()
    while (m := _WRAPPER.match(annotation)) is not None:
        annotation = m.group("inner").strip()
    return _STRING_MAP.match(annotation) is not None


def package_dir(import_name: str) -> Path:
    """Locate an installed package without importing it (find_spec of a top-level name runs no code)."""
    spec = importlib.util.find_spec(import_name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{import_name} is not installed in this environment")
    return Path(next(iter(spec.submodule_search_locations)))


class CodegenChanged(Exception):
    """The SDK source no longer has the shape this scanner reads; update the scanner, never guess."""


def taggable_tokens(source: str, origin: str = "<source>") -> Iterator[str]:
    """Type tokens of the resource classes in one module's source whose `tags` input is a string map."""
    for match in _RESOURCE_CLASS.finditer(source):
        next_class = source.find("\nclass ", match.end())
        body = source[match.end() : next_class if next_class != -1 else len(source)]
        start = body.find("    def _internal_init(")
        end = body.find("):\n", start)
        if start == -1 or end == -1:
            raise CodegenChanged(f"{origin}: resource {match.group('token')} has no _internal_init signature")
        tags = _TAGS_PARAM.search(body[start:end])
        if tags is not None and is_string_map(tags.group("annotation")):
            yield match.group("token")


def scan_package(root: Path) -> tuple[list[str], int]:
    """All taggable tokens under a package directory (versioned submodules included) and the number of
    resource types seen."""
    tokens: set[str] = set()
    resources = 0
    marker = b"(pulumi.CustomResource):"
    for path in sorted(root.rglob("*.py")):
        data = path.read_bytes()
        if marker not in data:  # cheap pre-filter: most files are inputs/outputs/functions
            continue
        source = data.decode("utf-8")
        resources += len(_RESOURCE_CLASS.findall(source))
        tokens.update(taggable_tokens(source, str(path)))
    if resources == 0 or not tokens:
        raise CodegenChanged(f"{root}: found {resources} resource classes and {len(tokens)} taggable ones")
    return sorted(tokens), resources


def generate() -> tuple[dict[str, object], dict[str, int]]:
    """Build the JSON document and, per package, the number of resource types scanned."""
    versions: dict[str, str] = {}
    document: dict[str, object] = {}
    scanned: dict[str, int] = {}
    found: dict[str, list[str]] = {}
    for key, import_name, dist in PACKAGES:
        versions[key] = importlib.metadata.version(dist)
        found[key], scanned[key] = scan_package(package_dir(import_name))
    document["_generated"] = (
        f"by scripts/gen_taggable_types.py from pulumi-aws {versions['aws']} and pulumi-azure-native "
        f"{versions['azure-native']}; run `python scripts/gen_taggable_types.py` to regenerate"
    )
    document["_counts"] = {key: len(tokens) for key, tokens in found.items()}
    document.update(found)
    return document, scanned


def render(document: dict[str, object]) -> str:
    """Stable text form: one token per line so reviews of provider upgrades show real diffs."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the output file is out of date")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to write or check")
    args = parser.parse_args(argv)

    document, scanned = generate()
    text = render(document)
    counts = document["_counts"]
    assert isinstance(counts, dict)
    summary = ", ".join(f"{key}: {counts[key]} of {scanned[key]} resource types" for key in scanned)

    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(
                f"{args.output} is out of date ({summary}); run `python scripts/gen_taggable_types.py`",
                file=sys.stderr,
            )
            return 1
        print(f"{args.output} is up to date ({summary})")
        return 0

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
