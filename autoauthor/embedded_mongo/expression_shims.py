"""Shim 2: the $not aggregation expression."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _mongo_truthy(value: object, *, missing: object) -> bool:
    """MongoDB's expression truthiness: false, null, undefined, missing and numeric 0 are false.

    Everything else is true, including "", [] and {}. mongoeco's own default truthiness treats
    Decimal128("0") as true, so numbers are unwrapped through its BSON numeric helpers here.
    """
    from mongoeco.core.bson_scalars import unwrap_bson_numeric, wrap_bson_numeric
    from mongoeco.types import UndefinedType

    if value is missing or value is None or isinstance(value, UndefinedType):
        return False
    if isinstance(value, bool):
        return value
    numeric = wrap_bson_numeric(value)
    if numeric is not None:
        return unwrap_bson_numeric(numeric) != 0
    return True


def _not_expression(
    document: Any,
    spec: object,
    variables: Mapping[str, Any],
    dialect: object,
    context: Any,
) -> bool:
    # MongoDB accepts {"$not": [<expr>]} and {"$not": <expr>}; django-mongodb-backend emits
    # both forms (count(), Count()/Sum() annotations, admin changelists, pagination).
    args = context.require_expression_args("$not", spec, 1, 1) if isinstance(spec, list) else [spec]
    value = context.evaluate_expression_with_missing(document, args[0], variables)
    return not _mongo_truthy(value, missing=context.missing_sentinel)


def install_not_expression() -> None:
    from mongoeco.core.aggregation import register_aggregation_expression_operator

    register_aggregation_expression_operator("$not", _not_expression)
