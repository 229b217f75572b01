"""docs/platform-aws.md stays true to the code: layers, exports, modules, SCPs and the cost arithmetic."""

from __future__ import annotations

import ast
import re
import typing
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = ROOT / "docs" / "platform-aws.md"
HELPER_MODULES = {"__init__", "iam_docs", "cidr"}  # helpers without a module guide (as in test_examples)


def text() -> str:
    return DOC.read_text(encoding="utf-8")


def section(title: str) -> str:
    """The body of the `## <title>` section, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text(), re.S | re.M)
    assert match, f"docs/platform-aws.md has no '## {title}' section"
    return match.group(1)


def first_table(body: str) -> list[list[str]]:
    """Rows (cells stripped) of the first Markdown table in `body`, without header and separator."""
    lines = body.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    assert len(rows) > 2 and set(rows[1][0]) <= set("-: "), "expected a header and a separator row"
    return rows[2:]


def money(cell: str) -> Decimal:
    match = re.search(r"-?\$(-?[\d,]+(?:\.\d+)?)", cell)
    assert match, f"no dollar amount in {cell!r}"
    value = Decimal(match.group(1).replace(",", ""))
    return -value if cell.strip("* ").startswith("-") else value


def number(cell: str) -> Decimal:
    match = re.match(r"[\d,]+(?:\.\d+)?", cell)
    assert match, f"no leading quantity in {cell!r}"
    return Decimal(match.group(0).replace(",", ""))


def test_layer_table_lists_exactly_the_layers_in_order() -> None:
    from lz.stacks import LAYERS

    rows = first_table(section("Layer order"))
    assert [row[0] for row in rows] == [str(i) for i in range(1, len(LAYERS) + 1)]
    assert [row[1].strip("`") for row in rows] == [layer.name for layer in LAYERS]
    for row, layer in zip(rows, LAYERS, strict=True):
        assert re.findall(r"`(platform-aws-[a-z]+)`", row[4]) == list(layer.reads), layer.name


def test_every_layer_has_its_own_section_in_order() -> None:
    from lz.stacks import LAYERS

    headings = re.findall(r"^### \d+\. `([^`]+)`", section("Layer order"), re.M)
    assert headings == [layer.name for layer in LAYERS]


def _exports() -> dict[str, tuple[str, list[str]]]:
    """`<Name>Export` class -> (export name from its docstring, its keys)."""
    import lz.stacks.contracts as contracts

    out = {}
    for name, cls in vars(contracts).items():
        if name.endswith("Export") and isinstance(cls, type) and typing.is_typeddict(cls):
            export = re.search(r"→ `([a-z_]+)`", cls.__doc__ or "")
            assert export, f"{name} docstring names no export"
            out[name] = (export.group(1), list(typing.get_type_hints(cls)))
    return out


def test_every_export_key_of_every_layer_is_mentioned() -> None:
    exports = _exports()
    assert len(exports) >= 6  # organisation, log_destinations, kms_keys, security, identity, network, cost
    page = text()
    missing = [
        f"{cls}.{key}"
        for cls, (export, keys) in exports.items()
        for key in [export, *keys]
        if f"`{key}`" not in page
    ]
    assert missing == []


def test_export_columns_of_the_layer_table_match_the_contracts() -> None:
    from lz.stacks import LAYERS

    exported = {export for export, _ in _exports().values()}
    rows = first_table(section("Layer order"))
    named = {name for row in rows for name in re.findall(r"`([a-z_]+)`", row[3])}
    assert named == exported
    assert len(rows) == len(LAYERS)


def _modules_used_by_layers() -> set[str]:
    """Modules under modules/aws that the layer programs import, directly or through other modules."""
    def imports(path: Path) -> set[str]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        return {
            node.module.rsplit(".", 1)[1]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("modules.aws.")
        }

    todo = set().union(*(imports(p) for p in (ROOT / "lz" / "stacks").glob("aws_*.py")))
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo |= imports(ROOT / "modules" / "aws" / f"{module}.py") - seen
    return seen - HELPER_MODULES


def test_every_module_a_layer_uses_is_linked() -> None:
    used = _modules_used_by_layers()
    assert {"organization", "log_archive", "break_glass", "transit_hub", "cost_report_export"} <= used
    page = text()
    for module in sorted(used):
        guide = f"modules/aws-{module.replace('_', '-')}.md"
        assert (ROOT / "docs" / guide).is_file(), f"no module guide docs/{guide}"
        assert f"]({guide})" in page, f"docs/platform-aws.md does not link {guide}"


def test_links_to_module_guides_resolve() -> None:
    for target in re.findall(r"\]\((modules/[^)#]+)\)", text()):
        assert (ROOT / "docs" / target).is_file(), target


def test_every_scp_appears_in_the_control_table() -> None:
    from lz.platformdef import ScpName

    table = "\n".join("|".join(row) for row in first_table(section("Control mapping")))
    missing = [name for name in typing.get_args(ScpName) if f"`{name}`" not in table]
    assert missing == []


def test_policy_pack_names_in_the_control_table_are_policies() -> None:
    catalogue = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    policies = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', catalogue))
    table = "\n".join("|".join(row) for row in first_table(section("Control mapping")))
    named = set(re.findall(r"`((?:aws|lz)-[a-z0-9-]+)`", table)) - {"lz-break-glass"}
    assert named, "the control table names no policy-pack policy"
    assert named <= policies, named - policies


def _cost_rows() -> tuple[list[list[str]], Decimal]:
    rows = first_table(section("Cost of the baseline per month"))
    total_rows = [row for row in rows if row[0] == "**Total**"]
    assert len(total_rows) == 1 and rows[-1] is total_rows[0], "one Total row, last"
    return rows[:-1], money(total_rows[0][4])


def test_cost_rows_sum_to_the_stated_total() -> None:
    items, total = _cost_rows()
    assert len(items) >= 20
    assert sum(money(row[4]) for row in items) == total


@pytest.mark.parametrize("row", _cost_rows()[0], ids=lambda row: row[1][:50])
def test_each_cost_row_is_quantity_times_unit_price(row: list[str]) -> None:
    layer, _item, quantity, unit_price, monthly, source = row
    assert layer in {"organisation", "logging", "identity", "network", "cost"}
    assert source, "every row names its source"
    assert "prices.json" in source or "**not confirmed**" in source, "unconfirmed prices are marked"
    if money(unit_price) == 0:
        assert money(monthly) == 0
        return
    assert abs(number(quantity) * money(unit_price) - money(monthly)) <= Decimal("0.01")


def test_cost_rows_from_the_price_table_use_its_prices() -> None:
    import json

    prices = {r["id"]: Decimal(str(r["unit_price"])) for r in json.loads(
        (ROOT / "lz" / "data" / "prices.json").read_text(encoding="utf-8"))["rows"]}
    items, _ = _cost_rows()
    for row in items:
        ids = re.findall(r"`(aws/[^`]+)`", row[5])
        for price_id in ids:
            assert price_id in prices, price_id
            assert money(row[3]) == prices[price_id], row[1]


def test_smaller_council_variant_adds_up() -> None:
    body = section("Cost of the baseline per month")
    variant = body[body.index("**Smaller council variant**"):]
    rows = first_table(variant)
    *changes, total = rows
    assert total[0] == "**Total**"
    _, baseline_total = _cost_rows()
    assert money(total[1]) == baseline_total
    assert sum(money(row[3]) for row in changes) == money(total[3])
    assert money(total[1]) + money(total[3]) == money(total[2])
    for row in changes:
        assert money(row[1]) + money(row[3]) == money(row[2]), row[0]


def test_exceptions_register_matches_the_platform_definition() -> None:
    from lz.stacks import load_platform

    platform = load_platform(ROOT)
    rows = first_table(section("Exceptions register"))
    assert [row[0].strip("`") for row in rows] == [e.policy for e in platform.exceptions]
    for row, exception in zip(rows, platform.exceptions, strict=True):
        assert row[4] == exception.expires.isoformat()
        assert row[3] == exception.approved_by


def test_no_placeholders_and_the_drafts_are_gone() -> None:
    assert not re.search(r"\bTODO\b|\bTBD\b|FIXME|XXX\b", text())
    assert not (ROOT / "docs" / "_drafts").exists()
    for doc in (ROOT / "docs").rglob("*.md"):
        assert "_drafts" not in doc.read_text(encoding="utf-8"), doc


def test_readme_and_platform_engineers_guide_link_the_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documentation = readme[readme.index("## Documentation"):]
    assert "(docs/platform-aws.md)" in documentation
    assert "(docs/platform-aws.md)" in readme[readme.index("### Layer order"):readme.index("## Repository layout")]
    assert "(platform-aws.md)" in (ROOT / "docs" / "platform-engineers.md").read_text(encoding="utf-8")
