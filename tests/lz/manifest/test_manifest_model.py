"""The typed model and the JSON Schema generated from it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from lz.manifest import manifest_json_schema
from lz.manifest.model import (
    PATTERN_HINTS,
    BucketComponent,
    ChangeRequest,
    DatabaseComponent,
    Environment,
    Owner,
    PolicyException,
    ServiceManifest,
    StaticSiteComponent,
)

MODELS: list[type[BaseModel]] = [
    ServiceManifest,
    Owner,
    ChangeRequest,
    Environment,
    BucketComponent,
    StaticSiteComponent,
    DatabaseComponent,
    PolicyException,
]
FIXTURE = Path(__file__).parent / "fixtures" / "housing-repairs.yaml"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_models_are_strict_and_frozen(model: type[BaseModel]) -> None:
    assert model.model_config.get("extra") == "forbid"
    assert model.model_config.get("frozen") is True


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_field_descriptions_say_required_or_optional(model: type[BaseModel]) -> None:
    for name, field in model.model_fields.items():
        prefix = "Required. " if field.is_required() else "Optional. "
        assert (field.description or "").startswith(prefix), f"{model.__name__}.{name}"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_field_examples_are_valid_together(model: type[BaseModel]) -> None:
    # The reference shows these examples, and the loader uses them as stand-ins: they must validate.
    values = {name: (field.examples or [None])[0] for name, field in model.model_fields.items()}
    assert None not in values.values(), f"{model.__name__} has a field without an example"
    model.model_validate(values)


def test_every_pattern_has_a_hint() -> None:
    text = Path(__file__).parents[3].joinpath("lz", "manifest", "model.py").read_text(encoding="utf-8")
    constants = set(re.findall(r"^([A-Z_]+_PATTERN): Final", text, flags=re.MULTILINE))
    import lz.manifest.model as model

    assert {getattr(model, name) for name in constants} == set(PATTERN_HINTS)


def test_schema_header() -> None:
    schema = manifest_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:council-lz:schema:service-manifest:1"
    assert schema["title"] == "Service manifest v1"
    assert schema["additionalProperties"] is False


def test_schema_constrains_map_keys_with_property_names() -> None:
    environments = manifest_json_schema()["properties"]["environments"]
    assert "patternProperties" not in environments
    assert environments["propertyNames"]["pattern"] == "^[a-z][a-z0-9]*$"
    assert environments["additionalProperties"] == {"$ref": "#/$defs/Environment"}


def _fixture() -> dict[str, Any]:
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _broken(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    data = _fixture()
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


INVALID_FOR_EDITORS = [
    ("unknown key", ("colour",), "blue"),
    ("unknown key in a component", ("components", "db", "engin"), "postgres"),
    ("unknown component type", ("components", "db", "type"), "lambda"),
    ("region outside the UK", ("environments", "dev", "region"), "eu-west-1"),
    ("budget of zero", ("environments", "dev", "monthly_budget_gbp"), 0),
    ("bad email", ("owner", "email"), "nobody"),
    ("environment name", ("environments", "Dev"), {"region": "eu-west-2", "monthly_budget_gbp": 1}),
    ("tag key with '/'", ("tags", "a/b"), "c"),
    (
        "policy name",
        ("exceptions",),
        [{"policy": "S3 Logging", "reason": "r", "approved_by": "a@b.gov.uk", "expires": "2027-01-01"}],
    ),
]


@pytest.mark.parametrize(
    ("path", "value"), [(p, v) for _, p, v in INVALID_FOR_EDITORS], ids=[c[0] for c in INVALID_FOR_EDITORS]
)
def test_editors_flag_what_the_loader_reports(path: tuple[str, ...], value: Any) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(manifest_json_schema())
    assert list(validator.iter_errors(_fixture())) == []
    assert list(validator.iter_errors(_broken(path, value))) != []
