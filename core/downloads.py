"""File downloads of private documents: never cached, never sniffed, always an attachment."""

from django.http import FileResponse

from core.errors import NotFound


def private_pdf_response(path, *, filename: str) -> FileResponse:
    """The PDF at `path` as an attachment; NotFound when the file is gone."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it when the response is done
    except FileNotFoundError:
        raise NotFound() from None
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
