"""Shims 1 and 3: rewrite the command body before mongoeco parses it."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from autoauthor.embedded_mongo.switches import active

# Stages whose specification is a projection: MongoDB reads a nested object of field names
# ({"a": {"b": 1}}) as the path "a.b". In $project the leaves are inclusion flags or
# expressions; in $addFields/$set they are expressions and the nested object is an
# "embedded document spec" that sets a.b while keeping a's other fields -- which is exactly
# what the dotted form means in those stages too.
_PROJECTION_STAGES = frozenset({"$project", "$addFields", "$set"})


def _is_nested_field_spec(value: object) -> bool:
    """True for a non-empty object whose keys are all field names (no ``$`` operator).

    An object with an operator key is an expression (``{"$concat": [...]}``, ``{"$literal": 1}``)
    and is left alone; an empty object is left for the server to accept or reject.
    """
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(isinstance(key, str) and not key.startswith("$") for key in value)
    )


def _flatten_projection(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Turn ``{"a": {"b": 1, "c": {"d": "$x"}}}`` into ``{"a.b": 1, "a.c.d": "$x"}``."""
    flat: dict[str, Any] = {}
    for key, value in spec.items():
        if isinstance(key, str) and not key.startswith("$") and _is_nested_field_spec(value):
            for sub_path, leaf in _flatten_projection(value).items():
                flat[f"{key}.{sub_path}"] = leaf
        else:
            flat[key] = value
    return flat


def _rewrite_stage(stage: object) -> object:
    if not isinstance(stage, Mapping) or len(stage) != 1:
        return stage
    name, spec = next(iter(stage.items()))
    if name in _PROJECTION_STAGES and isinstance(spec, Mapping):
        return {name: _flatten_projection(spec)}
    if name in ("$lookup", "$unionWith") and isinstance(spec, Mapping) and "pipeline" in spec:
        return {name: {**spec, "pipeline": _rewrite_pipeline(spec["pipeline"])}}
    if name == "$facet" and isinstance(spec, Mapping):
        return {name: {facet: _rewrite_pipeline(sub) for facet, sub in spec.items()}}
    return stage


def _rewrite_pipeline(pipeline: object) -> object:
    if not isinstance(pipeline, list):
        return pipeline
    return [_rewrite_stage(stage) for stage in pipeline]


def _rewrite_projections(command: Mapping[str, Any]) -> Mapping[str, Any]:
    """Rewrite nested projections wherever a command carries a projection or a pipeline."""
    if not command:
        return command
    name = next(iter(command))
    changes: dict[str, Any] = {}
    if name == "aggregate" and "pipeline" in command:
        changes["pipeline"] = _rewrite_pipeline(command["pipeline"])
    elif name == "find" and isinstance(command.get("projection"), Mapping):
        changes["projection"] = _flatten_projection(command["projection"])
    elif name in ("findAndModify", "findandmodify"):
        if isinstance(command.get("fields"), Mapping):
            changes["fields"] = _flatten_projection(command["fields"])
        if isinstance(command.get("update"), list):
            changes["update"] = _rewrite_pipeline(command["update"])
    elif name == "update" and isinstance(command.get("updates"), list):
        changes["updates"] = [
            {**statement, "u": _rewrite_pipeline(statement["u"])}
            if isinstance(statement, Mapping) and isinstance(statement.get("u"), list)
            else statement
            for statement in command["updates"]
        ]
    elif name == "explain" and isinstance(command.get("explain"), Mapping):
        changes["explain"] = _rewrite_projections(command["explain"])
    if not changes:
        return command
    return {key: changes.get(key, value) for key, value in command.items()}


def _rename_buildinfo(body: Mapping[str, Any]) -> Mapping[str, Any]:
    # MongoDB accepts both spellings; pymongo's MongoClient.server_info() sends "buildinfo",
    # mongoeco only knows "buildInfo" and answers "unsupported wire command: buildinfo".
    # The command name must stay the first key, so rebuild the body in order.
    if "buildinfo" not in body or "buildInfo" in body:
        return body
    return {("buildInfo" if key == "buildinfo" else key): value for key, value in body.items()}


def _prepare_body(body: Any) -> Any:
    if not isinstance(body, Mapping):
        return body
    if "buildinfo" in active:
        body = _rename_buildinfo(body)
    if "nested_projection" in active:
        body = _rewrite_projections(body)
    return body


def install_wire_hook() -> None:
    # Every request -- OP_MSG, legacy OP_QUERY and in-process execute_command() -- goes through
    # WireCommandExecutor._build_request_context(), which hands the body to
    # mongoeco.wire._executor_support.build_request_context() for parsing and validation.
    from mongoeco.wire.executor import WireCommandExecutor

    original = WireCommandExecutor._build_request_context

    @functools.wraps(original)
    def _build_request_context(self: Any, body: Any, *args: Any, **kwargs: Any) -> Any:
        return original(self, _prepare_body(body), *args, **kwargs)

    WireCommandExecutor._build_request_context = _build_request_context
