"""Issue 14 (api-behaviour): uploads are parsed as real PDFs (core.pdf), in the API and the UI.

The PDFs are built here with pypdf: a plain one passes; one that does not parse (`%PDF-`
followed by HTML), an encrypted one and ones carrying JavaScript (document JavaScript,
an /OpenAction and a page /AA action) are refused with 422 naming `file`, nothing stored.
"""

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from accounts.models import Role
from intake.models import Document
from tests.placement.factories import make_request, pdf_upload


@pytest.fixture
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def _bytes(writer):
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def plain_pdf():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    return _bytes(writer)


def encrypted_pdf():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="geheim", owner_password="geheim", algorithm="AES-128")
    return _bytes(writer)


def javascript_pdf():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    # document-level JavaScript: the catalog's /Names /JavaScript name tree
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("hallo"), writer._add_object(_action())])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
    return _bytes(writer)


def _action():
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )


def open_action_pdf():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(_action())
    return _bytes(writer)


def page_aa_pdf():
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action()})
    return _bytes(writer)


HTML_AS_PDF = b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n"

REFUSED = [
    ("html", HTML_AS_PDF, "not_pdf"),
    ("encrypted", None, "pdf_encrypted"),
    ("javascript", None, "pdf_javascript"),
    ("open_action", None, "pdf_javascript"),
    ("page_aa", None, "pdf_javascript"),
]
BUILDERS = {
    "encrypted": encrypted_pdf,
    "javascript": javascript_pdf,
    "open_action": open_action_pdf,
    "page_aa": page_aa_pdf,
}


def _content(name, content):
    return content if content is not None else BUILDERS[name]()


def _upload_api(api, user, placement_request, content):
    return api.as_user(user).post(
        f"/api/v1/requests/{placement_request.pk}/documents",
        {"file": pdf_upload("dossier.pdf", content), "kind": "zorgvraag"},
        format="multipart",
    )


@pytest.mark.django_db
def test_a_real_pdf_built_with_pypdf_is_accepted(api, referrer, private_media):
    placement_request = make_request(referrer, complete=False)
    response = _upload_api(api, referrer, placement_request, plain_pdf())
    assert response.status_code == 201, response.content
    assert placement_request.documents.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name, content, code", REFUSED, ids=[row[0] for row in REFUSED])
def test_api_refuses_what_is_not_a_harmless_pdf(api, referrer, private_media, name, content, code):
    placement_request = make_request(referrer, complete=False)
    response = _upload_api(api, referrer, placement_request, _content(name, content))
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith(f"#{code}")
    assert [p["name"] for p in body["invalid_params"]] == ["file"]
    assert not Document.objects.exists()
    assert not (private_media / "documents").exists() or not any((private_media / "documents").iterdir())


@pytest.mark.django_db
@pytest.mark.parametrize("name, content, code", REFUSED, ids=[row[0] for row in REFUSED])
def test_ui_upload_shows_the_same_refusal_next_to_the_field(client, referrer, private_media, name, content, code):
    placement_request = make_request(referrer, complete=False)
    client.force_login(referrer)
    response = client.post(
        f"/referrer/requests/{placement_request.pk}/documents/",
        {"kind": "zorgvraag", "title": "Dossier", "file": pdf_upload("dossier.pdf", _content(name, content))},
    )
    assert response.status_code == 200
    html = response.content.decode()
    expected = {
        "not_pdf": "Dit bestand is geen leesbare PDF.",
        "pdf_encrypted": "Versleutelde PDF-bestanden zijn niet toegestaan",
        "pdf_javascript": "PDF-bestanden met JavaScript zijn niet toegestaan.",
    }[code]
    assert expected in html
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_upload_wrong_role_is_403_and_outsider_is_404(api, referrer, make_member, private_media):
    placement_request = make_request(referrer, complete=False)
    coordinator = make_member(Role.COORDINATOR)
    assert _upload_api(api, coordinator, placement_request, plain_pdf()).status_code == 403
    other_referrer = make_member(Role.REFERRER)  # another organisation
    assert _upload_api(api, other_referrer, placement_request, plain_pdf()).status_code == 404
    assert not Document.objects.exists()
