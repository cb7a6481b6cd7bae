"""Issue 11 point 10: an uploaded PDF can be removed. The referrer removes while the request
is a draft or returned; the coordinator of the region before any offer was made (not the
last zorgvraag dossier of a request in matching). An event records it, the encrypted file
is deleted from disk once the transaction commits, and the API has DELETE with 404/403/409."""

import pytest

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.events import events_for
from intake import services as intake_services
from intake.models import Document
from tests.accounts.factories import member
from tests.placement.factories import (
    fitting_facility,
    in_matching,
    make_request,
    offer_to,
    pdf_upload,
)


def upload_other(placement_request, user, role=Role.REFERRER):
    return intake_services.document_upload(
        placement_request=placement_request,
        upload=pdf_upload("bijlage.pdf"),
        kind="other",
        title="Bijlage",
        by=user,
        membership=membership_with_role(user, role),
    )


@pytest.mark.django_db
def test_the_referrer_removes_a_pdf_from_a_draft_on_the_page_and_the_file_is_gone(
    client, referrer, django_capture_on_commit_callbacks
):
    placement_request = make_request(referrer)
    document = upload_other(placement_request, referrer)
    assert document.path.exists()
    client.force_login(referrer)
    page = client.get(f"/referrer/requests/{placement_request.pk}/documents/").content.decode()
    assert f"/requests/{placement_request.pk}/documents/{document.pk}/remove/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/requests/{placement_request.pk}/documents/{document.pk}/remove/")
    assert response.status_code == 302
    assert response["Location"] == f"/referrer/requests/{placement_request.pk}/documents/"
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not document.path.exists()
    event = [e for e in events_for(placement_request) if e.event_type == "document_removed"][-1]
    assert event.details["document_id"] == document.pk and event.details["kind"] == "other"
    assert "Bijlage" not in str(event.details)  # the title may identify; the event keeps kind, size, hash


@pytest.mark.django_db
def test_the_referrer_cannot_remove_after_submission_409_and_nothing_changes(
    api, referrer, django_capture_on_commit_callbacks
):
    placement_request = make_request(referrer, submit=True)
    document = placement_request.documents.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(referrer).delete(f"/api/v1/requests/{placement_request.pk}/documents/{document.pk}")
    assert response.status_code == 409 and response["Content-Type"].startswith("application/problem+json")
    assert Document.objects.filter(pk=document.pk).exists() and document.path.exists()


@pytest.mark.django_db
def test_api_delete_204_for_the_referrer_404_for_an_outsider_403_for_a_wrong_role(
    api, referrer, provider_user, django_capture_on_commit_callbacks
):
    placement_request = make_request(referrer)
    document = upload_other(placement_request, referrer)
    url = f"/api/v1/requests/{placement_request.pk}/documents/{document.pk}"
    assert api.as_user(member(Role.REFERRER)).delete(url).status_code == 404  # another organisation's request
    assert api.as_user(provider_user).delete(url).status_code == 403
    assert api.as_user(referrer).delete(f"/api/v1/requests/{placement_request.pk}/documents/999999").status_code == 404
    assert Document.objects.filter(pk=document.pk).exists() and document.path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user(referrer).delete(url)
    assert response.status_code == 204
    assert not Document.objects.filter(pk=document.pk).exists() and not document.path.exists()


def copy_of(placement_request, source, by, title):
    """A further document of the request (the coordinator cannot upload; the referrer no
    longer may once submitted), its file a copy of `source`."""
    document = Document.objects.create(
        request=placement_request,
        kind="other",
        title=title,
        original_name=f"{title}.pdf",
        storage_name=f"{title}-{source.storage_name}",
        size=source.size,
        sha256=source.sha256,
        uploaded_by=by,
    )
    document.path.write_bytes(source.path.read_bytes())
    return document


@pytest.mark.django_db
def test_the_coordinator_removes_before_an_offer_but_not_after(
    client, referrer, coordinator, django_capture_on_commit_callbacks
):
    placement_request = in_matching(referrer, coordinator)
    only = placement_request.documents.get()
    client.force_login(coordinator)
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert f"/documents/{only.pk}/remove/" in page
    # the only zorgvraag dossier of a request in matching stays
    response = client.post(f"/requests/{placement_request.pk}/documents/{only.pk}/remove/", follow=True)
    assert "enige zorgvraagdossier" in response.content.decode()
    assert Document.objects.filter(pk=only.pk).exists()
    # another document goes (before any offer), file and all
    second = copy_of(placement_request, only, referrer, "verkeerd-kind")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/requests/{placement_request.pk}/documents/{second.pk}/remove/")
    assert not Document.objects.filter(pk=second.pk).exists() and not second.path.exists()
    # from the first offer on nothing is removed any more
    third = copy_of(placement_request, only, referrer, "derde")
    offer_to(placement_request, fitting_facility(), coordinator)
    assert f"/documents/{third.pk}/remove/" not in client.get(f"/requests/{placement_request.pk}/").content.decode()
    client.post(f"/requests/{placement_request.pk}/documents/{third.pk}/remove/")
    assert Document.objects.filter(pk=third.pk).exists() and third.path.exists()
