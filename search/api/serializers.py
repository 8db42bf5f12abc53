"""Search input and output shapes."""

from rest_framework import serializers

from autoauthor.api.fields import ObjectIdField
from search.models import EntryKind
from search.services import LIMIT_DEFAULT, LIMIT_MAX

QUERY_MAX_LENGTH = 200


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(
        max_length=QUERY_MAX_LENGTH,
        help_text="Words (all must match in the same field), `prefix*` (at least 2 letters) "
        'and `"exact phrases"` (`"red drag*"` too); case and accents are ignored.',
    )
    # Checked by the service: a malformed id, or a book the caller may not read, is 404.
    book_id = serializers.CharField(
        required=False, max_length=64, help_text="Only this book (404 when not readable)."
    )
    limit = serializers.IntegerField(min_value=1, max_value=LIMIT_MAX, default=LIMIT_DEFAULT)


class SearchHitOutput(serializers.Serializer):
    book_id = ObjectIdField()
    book_title = serializers.CharField()
    chapter_id = serializers.CharField(
        allow_null=True, help_text="The chapter the field belongs to; null for a book's fields."
    )
    chapter_title = serializers.CharField(allow_null=True)
    field = serializers.ChoiceField(choices=EntryKind.choices)
    question_id = ObjectIdField(
        allow_null=True, help_text="For an `answer`: the question the caller answered."
    )
    score = serializers.FloatField()
    matches = serializers.IntegerField(help_text="Matches of the query in the whole field.")
    snippet = serializers.CharField(
        help_text="About 30 words around the first match, HTML-escaped, every matched word "
        "wrapped in <mark></mark>; '…' where the field's text was cut."
    )


class SearchOutput(serializers.Serializer):
    query = serializers.CharField()
    total = serializers.IntegerField(help_text="Matching fields, of which `results` are the best.")
    results = SearchHitOutput(many=True)
