"""File downloads of private documents: decrypted in memory (core.private_files), never
cached, never sniffed, always an attachment."""

import io

from django.http import FileResponse

from core.errors import NotFound
from core.private_files import private_read


def private_pdf_response(path, *, filename: str) -> FileResponse:
    """The PDF stored (encrypted) at `path` as an attachment; NotFound when the file is gone."""
    try:
        content = private_read(path)
    except FileNotFoundError:
        raise NotFound() from None
    response = FileResponse(io.BytesIO(content), content_type="application/pdf", as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
