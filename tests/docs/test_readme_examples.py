"""Every Python example in README.md is a real program, and every platform module has one (issue #3).

Examples under `## Platform modules (AWS)` sit below a `### <ClassName>` heading and must register that
component (`lz:aws:<ClassName>`) with at least one child; the set of platform modules is derived from the
imports of the platform layer programs (`lz/stacks/aws_*.py`), never kept by hand.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pytest

from lz.plan import plan_callable
from lz.plan.model import PlannedResource, StackPlan
from lz.tags import MANDATORY_TAG_KEYS, check_tags, is_taggable

ROOT = Path(__file__).resolve().parent.parent.parent
README = ROOT / "README.md"
SECTION = "## Platform modules (AWS)"
CONFIG = {"aws:region": "eu-west-2"}


@dataclass(frozen=True)
class Example:
    section: str  # the `## ` heading above the block
    heading: str  # the `### ` heading above the block ("" if none since the section began)
    line: int  # README line of the first line of code
    code: str

    @property
    def id(self) -> str:
        return f"{self.heading or self.section.removeprefix('## ')}@{self.line}"


def readme_examples(text: str) -> list[Example]:
    """The ```python blocks of a Markdown text with the headings they are under (fences are skipped,
    so a `#` comment inside another block is never taken for a heading)."""
    examples: list[Example] = []
    section = heading = ""
    fence: str | None = None  # the info string of the open fence
    start = 0
    body: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if fence is None:
            if line.startswith("```"):
                fence, start, body = line[3:].strip(), number + 1, []
            elif line.startswith("## "):
                section, heading = line.strip(), ""
            elif line.startswith("### "):
                heading = line[4:].strip()
        elif line.strip() == "```":
            if fence == "python":
                examples.append(Example(section, heading, start, "\n".join(body) + "\n"))
            fence = None
        else:
            body.append(line)
    assert fence is None, "README.md has an unclosed code fence"
    return examples


EXAMPLES = readme_examples(README.read_text(encoding="utf-8"))
PLATFORM_EXAMPLES = [e for e in EXAMPLES if e.section == SECTION]


def platform_module_classes() -> dict[str, type[pulumi.ComponentResource]]:
    """The ComponentResources the AWS platform layers import from `modules.aws`, by class name."""
    classes: dict[str, type[pulumi.ComponentResource]] = {}
    for layer in sorted((ROOT / "lz" / "stacks").glob("aws_*.py")):
        for node in ast.walk(ast.parse(layer.read_text(encoding="utf-8"), str(layer))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("modules.aws"):
                module = importlib.import_module(node.module or "")
                for alias in node.names:
                    obj = getattr(module, alias.name)
                    if inspect.isclass(obj) and issubclass(obj, pulumi.ComponentResource):
                        classes[obj.__name__] = obj
    return classes


def plan_example(example: Example) -> StackPlan:
    # Padded so that a failing example's traceback names its README line.
    code = compile("\n" * (example.line - 1) + example.code, str(README), "exec")
    return plan_callable(lambda: exec(code, {"__name__": "__main__"}), stack="readme", config=CONFIG)


def descendants(plan: StackPlan, root: PlannedResource) -> list[PlannedResource]:
    found: list[PlannedResource] = []
    parents = {root.urn}
    for resource in plan.resources:  # parents are registered before their children
        if resource.parent in parents:
            found.append(resource)
            parents.add(resource.urn)
    return found


def test_readme_has_a_platform_modules_section_with_python_examples() -> None:
    text = README.read_text(encoding="utf-8")
    assert f"\n{SECTION}\n" in text
    assert text.index(SECTION) < text.index("## Repository layout")
    assert text.index("### Layer order") < text.index(SECTION)
    assert PLATFORM_EXAMPLES, "no python examples under the platform modules section"


def test_every_platform_module_has_a_readme_example() -> None:
    classes = platform_module_classes()
    assert {"Organisation", "LogArchive", "TransitHub", "CostReportExport"} <= set(classes)  # the derivation works
    documented = {e.heading for e in PLATFORM_EXAMPLES}
    missing = sorted(set(classes) - documented)
    assert not missing, f"platform modules without a README example under '### <ClassName>': {missing}"


def test_every_platform_module_heading_links_its_guide() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION): text.index("\n## ", text.index(SECTION) + 1)]
    for part in section.split("\n### ")[1:]:
        heading = part.splitlines()[0]
        links = [link for link in part.split("](")[1:] if link.startswith("docs/modules/")]
        assert links, f"### {heading} has no link to its guide in docs/modules/"
        for link in links:
            assert (ROOT / link.split(")", 1)[0]).is_file(), f"### {heading}: broken link {link.split(')')[0]}"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_readme_example_plans(example: Example) -> None:
    plan = plan_example(example)
    assert plan.managed(), f"README.md:{example.line}: the example registered nothing"

    if example.section == SECTION:
        token = f"lz:aws:{example.heading}"
        components = plan.find(token)
        assert len(components) == 1, f"README.md:{example.line}: expected one {token}, found {len(components)}"
        children = descendants(plan, components[0])
        assert children, f"README.md:{example.line}: {token} registered no child resources"
        assert any(r.custom for r in children), f"README.md:{example.line}: {token} registered no cloud resources"

    for resource in plan.resources:
        if resource.custom and is_taggable(resource.type):
            tags = resource.inputs.get("tags") or {}
            problems = check_tags({k: v for k, v in tags.items() if k in MANDATORY_TAG_KEYS})
            assert not problems, f"README.md:{example.line}: {resource.type} {resource.name}: {problems}"
