"""Slack's own method descriptions: where to find them, and checking a call against them.

Each ``methods/<name>.json`` carries the method's ``args`` as a JSON Schema that models the
form encoding (every structured argument is a JSON string, booleans are booleans), its bot
scopes, its rate-limit tier and the error codes it can answer with.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

logger = logging.getLogger(__name__)

CONTRACT_DIR_ENV = "P2P_SLACK_CONTRACT_DIR"
BUNDLED_CONTRACT_DIR = Path(__file__).resolve().parent / "slack_contract"

# Arguments that carry a JSON document (sent as a JSON string in form encoding).
STRUCTURED_ARGUMENTS = frozenset(
    {"attachments", "blocks", "files", "metadata", "unfurls", "unfurled_attachments", "view"}
)

_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def _is_contract_dir(path: Path) -> bool:
    return (path / "methods").is_dir()


def find_contract_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The contract folder: explicit, else $P2P_SLACK_CONTRACT_DIR, else shared/ beside the repo.

    Walks up from this package looking for ``shared/slack-contract`` (the repository sits
    beside ``shared/`` on the development machine and in CI), and falls back to the copy
    shipped inside the package.
    """
    if explicit is not None:
        path = Path(explicit)
        if not _is_contract_dir(path):
            raise FileNotFoundError(f"no methods/ folder in the Slack contract dir {path}")
        return path
    from_env = os.environ.get(CONTRACT_DIR_ENV)
    if from_env:
        path = Path(from_env)
        if not _is_contract_dir(path):
            raise FileNotFoundError(f"{CONTRACT_DIR_ENV}={from_env} has no methods/ folder")
        return path
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "slack-contract"
        if _is_contract_dir(candidate):
            return candidate
    return BUNDLED_CONTRACT_DIR


def _allowed_types(schema: Mapping[str, Any]) -> set[str]:
    """The JSON types a property schema accepts (empty when it does not say)."""
    types: set[str] = set()
    declared = schema.get("type")
    if isinstance(declared, str):
        types.add(declared)
    elif isinstance(declared, list):
        types.update(t for t in declared if isinstance(t, str))
    for combinator in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(combinator, []):
            if isinstance(option, Mapping):
                types |= _allowed_types(option)
    return types


def _coerce(name: str, value: object, schema: Mapping[str, Any]) -> object:
    types = _allowed_types(schema)
    if not types:
        return value
    if isinstance(value, (dict, list)):
        if name in STRUCTURED_ARGUMENTS and "string" in types and not types & {"object", "array"}:
            return json.dumps(value)
        return value
    if not isinstance(value, str) or "string" in types:
        return value
    lowered = value.strip().lower()
    if "boolean" in types and lowered in _TRUE | _FALSE:
        return lowered in _TRUE
    if "integer" in types and _INTEGER.fullmatch(value.strip()):
        return int(value)
    if "number" in types and _NUMBER.fullmatch(value.strip()):
        number = float(value)
        return int(number) if number.is_integer() else number
    if types & {"object", "array"}:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _problem_message(error: ValidationError) -> str:
    pointer = "/" + "/".join(str(part) for part in error.absolute_path)
    if error.validator == "required":
        match = re.match(r"'(.+)' is a required property", error.message)
        missing = match.group(1) if match else error.message
        if error.absolute_path:
            return f"[ERROR] missing required field: {missing} [json-pointer:{pointer}]"
        return f"[ERROR] missing required field: {missing}"
    if error.validator in ("type", "anyOf", "oneOf", "allOf"):
        wanted = sorted(_allowed_types(error.schema)) if isinstance(error.schema, Mapping) else []
        expected = " or ".join(wanted) if wanted else "another value"
        got = _describe(error.instance)
        return f"[ERROR] invalid type: expected {expected}, got {got} [json-pointer:{pointer}]"
    if error.validator == "maxLength":
        most = error.validator_value
        limit = most + 1 if isinstance(most, int) else most
        return f"[ERROR] must be less than {limit} characters [json-pointer:{pointer}]"
    if error.validator == "minimum":
        return f"[ERROR] must be at least {error.validator_value} [json-pointer:{pointer}]"
    if error.validator == "maximum":
        return f"[ERROR] must be at most {error.validator_value} [json-pointer:{pointer}]"
    return f"[ERROR] {error.message} [json-pointer:{pointer}]"


@dataclass(frozen=True)
class MethodContract:
    """What Slack says about one Web API method."""

    name: str
    http_method: str
    bot_scopes: tuple[str, ...]
    tier: str | None
    json_input: bool
    args_schema: Mapping[str, Any]
    errors: frozenset[str] = field(default_factory=frozenset)

    @cached_property
    def _validator(self) -> Draft202012Validator:
        return Draft202012Validator(self.args_schema)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.args_schema.get("required", ()))

    def normalise(self, arguments: Mapping[str, object]) -> dict[str, object]:
        """Bring arguments into the shape the schema models (form encoding, typed scalars)."""
        properties: Mapping[str, Any] = self.args_schema.get("properties", {})
        return {
            name: _coerce(name, value, properties.get(name, {}))
            for name, value in arguments.items()
        }

    def problems(self, normalised: Mapping[str, object]) -> list[str]:
        """Slack-style ``[ERROR] ...`` messages for everything the schema rejects."""
        errors = sorted(
            self._validator.iter_errors(dict(normalised)),
            key=lambda e: (e.validator != "required", list(map(str, e.absolute_path))),
        )
        return [_problem_message(error) for error in errors]


@dataclass(frozen=True)
class EventContract:
    name: str
    scopes: tuple[str, ...]


class Contract:
    """The method and event descriptions in one contract folder (loaded lazily)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._methods: dict[str, MethodContract | None] = {}
        self._events: dict[str, EventContract | None] = {}
        logger.debug("Slack contract from %s", directory)

    def method(self, name: str) -> MethodContract | None:
        if name not in self._methods:
            self._methods[name] = self._load_method(name)
        return self._methods[name]

    def method_names(self) -> list[str]:
        return sorted(path.stem for path in (self.directory / "methods").glob("*.json"))

    def event(self, name: str) -> EventContract | None:
        if name not in self._events:
            self._events[name] = self._load_event(name)
        return self._events[name]

    def _load_method(self, name: str) -> MethodContract | None:
        if not re.fullmatch(r"[A-Za-z0-9_.]+", name):
            return None
        path = self.directory / "methods" / f"{name}.json"
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        scope = data.get("scope") or {}
        errors = data.get("errors") or {}
        return MethodContract(
            name=name,
            http_method=str(data.get("http_method", "POST")),
            bot_scopes=tuple(scope.get("bot") or ()),
            tier=data.get("rate_limits"),
            json_input=bool(data.get("json_input_supported")),
            args_schema=data.get("args") or {"type": "object"},
            errors=frozenset(errors if isinstance(errors, (dict, list)) else ()),
        )

    def _load_event(self, name: str) -> EventContract | None:
        if not re.fullmatch(r"[A-Za-z0-9_.]+", name):
            return None
        path = self.directory / "events" / f"{name}.json"
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        scopes = tuple(normalise_scope(scope) for scope in data.get("scopes") or ())
        return EventContract(name=name, scopes=scopes)


def normalise_scope(scope: str) -> str:
    """Scope names use a colon (``app_mentions:read``); some descriptions write a dot."""
    if ":" in scope or "." not in scope:
        return scope
    resource, _, action = scope.partition(".")
    return f"{resource}:{action}"


def scopes_text(scopes: Iterable[str]) -> str:
    return ",".join(scopes)
