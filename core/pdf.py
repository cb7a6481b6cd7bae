"""Issue 14 (api-behaviour): is an upload a real, harmless PDF?

One check for every upload (intake.services.documents calls it for the API and the UI).
The file is parsed with pypdf: what does not parse is refused, and so is an encrypted
file (nobody downstream can read it) and a file that carries JavaScript (a `/JS` or
`/JavaScript` key anywhere, a `/JavaScript` name tree, or an `/OpenAction` / `/AA`
action of subtype JavaScript). The first letters `%PDF-` alone prove nothing.
"""

import io
import logging

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from core.errors import Invalid

logger = logging.getLogger(__name__)

# Keys whose presence anywhere in the object tree means the file carries script.
SCRIPT_KEYS = frozenset({"/JS", "/JavaScript"})
# How many objects we walk at most; a real document of 10 MB stays well below this.
MAX_OBJECTS = 200_000


class _Walk:
    def __init__(self):
        self.seen = set()
        self.count = 0

    def carries_script(self, obj) -> bool:
        stack = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in self.seen:
                    continue
                self.seen.add(key)
                item = item.get_object()
            self.count += 1
            if self.count > MAX_OBJECTS:
                raise ValueError("too many objects")
            if isinstance(item, DictionaryObject):
                if SCRIPT_KEYS & set(item.keys()):
                    return True
                if item.get("/S") == NameObject("/JavaScript"):
                    return True
                stack.extend(item.values())
            elif isinstance(item, ArrayObject):
                stack.extend(item)
        return False


def pdf_problem(content: bytes) -> tuple[str, str] | None:
    """(code, reason) when `content` is not an acceptable PDF, else None."""
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return "pdf_encrypted", _("Versleutelde PDF-bestanden zijn niet toegestaan; haal de beveiliging eraf.")
        if len(reader.pages) < 1:
            return "not_pdf", _("Dit bestand is geen leesbare PDF.")
        if _Walk().carries_script(reader.trailer):
            return "pdf_javascript", _("PDF-bestanden met JavaScript zijn niet toegestaan.")
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        logger.info("upload refused: not a readable PDF", exc_info=True)
        return "not_pdf", _("Dit bestand is geen leesbare PDF.")
    return None


def pdf_validate(content: bytes, *, field: str = "file") -> None:
    """Raise Invalid naming `field` when `content` is not an acceptable PDF."""
    found = pdf_problem(content)
    if found is not None:
        code, reason = found
        raise Invalid.field(field, reason, code=code)
