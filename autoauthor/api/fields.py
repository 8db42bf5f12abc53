"""The one serializer field that renders and parses MongoDB ids as 24-hex strings."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from autoauthor.core.ids import parse_object_id


@extend_schema_field(
    {"type": "string", "pattern": "^[0-9a-f]{24}$", "example": "65f1c0ffee0ddba11ad0beef"}
)
class ObjectIdField(serializers.Field):
    default_error_messages = {"invalid": "Must be a 24-character hexadecimal id."}

    def to_representation(self, value):
        return None if value is None else str(value)

    def to_internal_value(self, data):
        oid = parse_object_id(data)
        if oid is None:
            self.fail("invalid")
        return oid
