"""Issue 15 (perf-pages): the live board. The results carry an ETag over what they show;
the htmx poll (every few seconds) sends it back, and an unchanged board answers 304
without rendering a row or a template. Any change of a shown figure changes it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from capacity import services, views
from capacity.models import Facility
from tests.capacity.factories import FacilityFactory, provider_org

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board-results"}


@pytest.fixture
def horst(twente):
    return provider_org(name="Horst")


@pytest.fixture
def staff(make_member, horst):
    return make_member(Role.PROVIDER, organisation=horst)


@pytest.fixture
def kwartel(horst, twente):
    return FacilityFactory(
        provider=horst, name="Groep Kwartel", regions_served=[twente], places_staffed=5, occupied_external=3
    )


def _poll(client, etag, path="/coordinator/capacity/"):
    return client.get(path, HTTP_IF_NONE_MATCH=etag, **HTMX)


@pytest.mark.django_db
def test_the_board_polls_every_few_seconds_with_the_etag_of_what_it_shows(client, coordinator, kwartel):
    client.force_login(coordinator)
    page = client.get("/coordinator/capacity/").content.decode()
    poller = re.search(r'<div hidden hx-get="([^"]*)"\s+hx-trigger="every (\d+)s"[^>]*hx-target="#board-results"', page)
    assert poller and int(poller.group(2)) < 5  # a change shows within 5 seconds
    shown = re.search(r"hx-headers='\{\"If-None-Match\": \"([^']*)\"\}'", page).group(1)
    fragment = client.get("/coordinator/capacity/", **HTMX)
    assert fragment.status_code == 200 and fragment["ETag"] == shown.replace("\\u0022", '"')
    assert 'src="/static/js/live-board.js"' in page


@pytest.mark.django_db
def test_an_unchanged_board_answers_304_without_rendering(client, coordinator, kwartel, monkeypatch):
    client.force_login(coordinator)
    first = client.get("/coordinator/capacity/", **HTMX)
    etag = first["ETag"]
    rendered = []
    original = views.board_rows_html
    monkeypatch.setattr(views, "board_rows_html", lambda rows: rendered.append(rows) or original(rows))
    with CaptureQueriesContext(connection) as unchanged:
        again = _poll(client, etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert rendered == [] and again.templates == []  # no row, no template rendered
    with CaptureQueriesContext(connection) as full:
        assert client.get("/coordinator/capacity/", **HTMX).status_code == 200
    assert len(unchanged) < len(full)  # the check reads less than the page
    assert len(rendered) == 1


@pytest.mark.django_db
def test_an_availability_change_changes_the_etag_and_shows(client, coordinator, kwartel, staff):
    client.force_login(coordinator)
    etag = client.get("/coordinator/capacity/", **HTMX)["ETag"]
    services.availability_update(facility=kwartel, by=staff, places_staffed=5, occupied_external=1)
    changed = _poll(client, etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    row = changed.content.decode()
    row = row[row.index(f'data-facility-id="{kwartel.pk}"') :]
    assert '<span class="free free--available">4</span>' in row[: row.index("</tr>")]
    assert _poll(client, changed["ETag"]).status_code == 304


@pytest.mark.django_db
def test_the_etag_covers_the_clock_the_filters_the_language_and_the_user(
    client, coordinator, kwartel, staff, make_member, twente
):
    client.force_login(coordinator)
    services.availability_confirm(facility=kwartel, by=staff)
    etag = client.get("/coordinator/capacity/", **HTMX)["ETag"]
    # Turning stale with time (no write to the figures) is a change of what is shown.
    Facility.objects.filter(pk=kwartel.pk).update(last_confirmed_at=timezone.now() - timezone.timedelta(days=400))
    assert _poll(client, etag).status_code == 200
    etag = client.get("/coordinator/capacity/", **HTMX)["ETag"]
    assert _poll(client, etag, "/coordinator/capacity/?security_level=closed").status_code == 200
    client.cookies["django_language"] = "en"
    assert client.get("/coordinator/capacity/", **HTMX)["ETag"] != etag
    del client.cookies["django_language"]
    client.force_login(make_member(Role.COORDINATOR, regions=[twente]))
    assert _poll(client, etag).status_code == 200


@pytest.mark.django_db
def test_a_full_page_and_a_bad_filter_never_answer_304(client, coordinator, kwartel):
    client.force_login(coordinator)
    etag = client.get("/coordinator/capacity/", **HTMX)["ETag"]
    assert client.get("/coordinator/capacity/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    bad = client.get("/coordinator/capacity/?age=99", HTTP_IF_NONE_MATCH=etag, **HTMX)
    assert bad.status_code == 200 and "niet goed ingevuld" in bad.content.decode() and not bad.has_header("ETag")


@pytest.mark.django_db
def test_board_rows_escape_what_the_database_holds(client, coordinator, horst, twente):
    FacilityFactory(provider=horst, name='<script>alert("x")</script> & co', regions_served=[twente])
    client.force_login(coordinator)
    html = client.get("/coordinator/capacity/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
