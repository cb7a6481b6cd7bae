"""Issue 11 point 10: statuses follow the real state on every page. An accepted offer whose
placement started reads "Geplaatst", and after the end "Plaatsing beëindigd", on the
provider's offer page and inbox and on the coordinator's request page; the referrer's
list and request page follow the request. And the request page puts the dossier beside
the decision (the markup the two-column layout hangs on)."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.models import Role
from placement import services
from placement.models import Placement
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    make_request,
    offer_to,
    provider_membership,
)


def status_of_offer_page(html):
    return re.search(r'class="request-status" role="status">Status: <strong>([^<]+)</strong>', html).group(1)


def answered_line(html, pseudonym):
    section = html[html.index('id="h-answered"') :]
    line = section[section.index(pseudonym) :]
    return line[: line.index("</li>")]


def offers_table_status(html, pseudonym):
    row = html[html.index(f'<td class="utrecht-table__cell">{pseudonym}</td>') :]
    return re.search(
        r'<td class="utrecht-table__cell">[^<]*</td>\s*<td class="utrecht-table__cell">([^<]+)</td>',
        row[row.index("</td>") + 5 :],
    ).group(1)


@pytest.mark.django_db
def test_statuses_follow_the_placement_on_every_page(client, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))

    def pages():
        client.force_login(staff)
        offer_page = client.get(f"/provider/offers/{offer.pk}/").content.decode()
        inbox = client.get("/provider/offers/").content.decode()
        client.force_login(coordinator)
        request_page = client.get(f"/requests/{placement_request.pk}/").content.decode()
        client.force_login(referrer)
        referrer_home = client.get("/referrer/").content.decode()
        referrer_page = client.get(f"/requests/{placement_request.pk}/").content.decode()
        return {
            "offer page": status_of_offer_page(offer_page),
            "inbox": answered_line(inbox, offer.pseudonym),
            "coordinator": offers_table_status(request_page, offer.pseudonym),
            "referrer list": referrer_home,
            "referrer page": status_of_offer_page(referrer_page),
        }

    seen = pages()
    assert seen["offer page"] == "Geaccepteerd" and "Geaccepteerd" in seen["inbox"]
    assert seen["coordinator"] == "Geaccepteerd" and seen["referrer page"] == "Geaccepteerd door aanbieder"

    start = timezone.localdate()
    services.placement_start(
        placement_request=placement_request,
        start_date=start,
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    seen = pages()
    assert seen["offer page"] == "Geplaatst", seen
    assert "Geplaatst" in seen["inbox"] and "Geaccepteerd" not in seen["inbox"]
    assert seen["coordinator"] == "Geplaatst"
    assert seen["referrer page"] == "Geplaatst" and 'status--placed">Geplaatst' in seen["referrer list"]

    placement = Placement.objects.get(request=placement_request)
    services.placement_end(
        placement=placement,
        end_date=start,  # the same day (an end is recorded when it happened, never ahead)
        destination="home",
        reason="01",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    seen = pages()
    assert seen["offer page"] == "Plaatsing beëindigd", seen
    assert "Plaatsing beëindigd" in seen["inbox"] and "Geaccepteerd" not in seen["inbox"]
    assert seen["coordinator"] == "Plaatsing beëindigd"
    assert (
        seen["referrer page"] == "Plaatsing beëindigd" and 'status--ended">Plaatsing beëindigd' in seen["referrer list"]
    )


@pytest.mark.django_db
def test_provider_inbox_marks_an_overdue_open_offer_in_words(client, referrer, coordinator):
    from placement.models import Offer

    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    client.force_login(staff)
    row = client.get("/provider/offers/").content.decode()
    assert "Termijn verstreken" not in row and "nog " in row
    past = timezone.now() - datetime.timedelta(hours=2)
    Offer.objects.filter(pk=offer.pk).update(created_at=past - datetime.timedelta(days=1), deadline=past)
    html = client.get("/provider/offers/").content.decode()
    row = html[html.index(f'data-offer-id="{offer.pk}"') :]
    assert "Termijn verstreken" in row[: row.index("</tr>")]


@pytest.mark.django_db
def test_request_page_puts_the_dossier_beside_the_decision(client, referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    client.force_login(coordinator)
    html = client.get(f"/requests/{placement_request.pk}/").content.decode()
    dossier, side = html.index('class="request-dossier"'), html.index('class="request-side"')
    assert dossier < side
    # The dossier column holds the sections and their table of contents; the side column
    # the owner and the triage decision.
    for anchor in ("h-overview", "h-youth", "h-analysis", "h-plans", "h-wishes", "documenten", "h-timeline"):
        assert f'href="#{anchor}"' in html[dossier:side], anchor
        assert dossier < html.index(f'id="{anchor}"') < side, anchor
    for panel in ('id="h-owner"', 'id="h-triage"', f'action="/requests/{placement_request.pk}/triage/"'):
        assert html.index(panel) > side, panel
