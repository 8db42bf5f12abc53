"""File downloads (exports, export jobs): one way to answer a stored or rendered file."""

from django.http import FileResponse


def file_response(file, *, mime_type: str, size: int, content_disposition: str) -> FileResponse:
    """Stream `file` (positioned at 0; the response closes it) as an attachment: text types say
    UTF-8, the length is known, and nothing caches it (an export can hold private text)."""
    content_type = mime_type + ("; charset=utf-8" if mime_type.startswith("text/") else "")
    response = FileResponse(file, content_type=content_type)
    response["Content-Disposition"] = content_disposition
    response["Content-Length"] = str(size)
    response["Cache-Control"] = "no-store"
    return response
