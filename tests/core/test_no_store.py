"""Pages and API answers that carry a youth's identity are never stored by a cache."""

import pytest

from tests.placement.factories import make_request


@pytest.mark.django_db
def test_identity_pages_and_api_answers_are_not_stored(client, api, referrer):
    placement_request = make_request(referrer)
    client.force_login(referrer)
    page = client.get(f"/requests/{placement_request.pk}/")
    assert page.status_code == 200 and placement_request.youth.family_name in page.content.decode()
    answer = api.as_user(referrer).get(f"/api/v1/requests/{placement_request.pk}")
    assert answer.status_code == 200 and answer.json()["youth"]["family_name"] == placement_request.youth.family_name
    for response in (page, answer):
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives
