"""The JSON parser of the API: DRF's, plus the limits of what MongoDB can store.

A body is refused with 400 `parse_error` (the one error shape) when it is not JSON, nests deeper
than MAX_JSON_DEPTH (MongoDB refuses documents nested deeper than 100 levels, and Python's decoder
raises RecursionError -- a 500 -- on thousands of levels), has an object key containing a NUL
character (BSON field names are C strings: storing one fails), or has a string or key with a lone
surrogate escape such as "\\ud800" (valid JSON, but not encodable as UTF-8, so BSON cannot hold it),
or has an integer outside the signed 64-bit range (BSON's largest integer), or a number too large
for a double (`1e999999`: Python reads it as infinity, which no field accepts). NUL characters
inside string values are fine: BSON strings are length-prefixed, so they round-trip (serializer
text fields still refuse them, as DRF does).
"""

import math

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32
INT64 = range(-(2**63), 2**63)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def json_problem(data) -> str | None:
    """Why `data` (parsed JSON) cannot be accepted, or None. Iterative: no recursion limit."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if not _encodable(value):
                return "strings must not contain unpaired surrogate escapes"
            continue
        if isinstance(value, int) and not isinstance(value, bool) and value not in INT64:
            return "integers must fit in 64 bits"
        if isinstance(value, float) and not math.isfinite(value):
            return "numbers must be finite"
        if isinstance(value, dict):
            children = value.values()
            if any("\x00" in key for key in value):
                return "object keys must not contain NUL characters"
            if not all(_encodable(key) for key in value):
                return "object keys must not contain unpaired surrogate escapes"
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            return f"nested deeper than {MAX_JSON_DEPTH} levels"
        stack.extend((child, depth + 1) for child in children)
    return None


class StorableJSONParser(JSONParser):
    """`application/json` bodies that MongoDB can store (see the module docstring)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels"
            ) from None
        problem = json_problem(data)
        if problem:
            raise ParseError(f"JSON parse error - {problem}")
        return data


def query_values(query_params) -> dict:
    """A query string as a plain dict for a serializer. Given the QueryDict itself, DRF reads an
    empty value of an optional field (`?limit=`) as an absent one, by the convention of HTML
    forms; the OpenAPI document says `limit` is an integer, so an empty one is a 422 like any
    other value that is not."""
    return query_params.dict()
