"""MongoDB ids as the API and the commands receive them: 24-hex strings."""

from bson import ObjectId
from bson.errors import InvalidId


def parse_object_id(value) -> ObjectId | None:
    """Return the ObjectId for a 24-hex string (or ObjectId), None when it is not one."""
    if isinstance(value, ObjectId):
        return value
    if not isinstance(value, str) or len(value) != 24:
        return None
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        return None
