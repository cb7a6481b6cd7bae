"""Issue 12, "Done when": bad report filters (periods reversed, out of range, dates at the
calendar's edges, malformed dates, unknown regions, a threshold out of range) get a clear
message naming the field: problem+json in the API, next to the field on the dashboard,
422 from the export form. Never a 500, and no export job is started."""

import pytest
from django.urls import reverse

from reporting.models import ExportJob
from reporting.reports import REPORT_MODULES
from tests.reporting.conftest import Q1

pytestmark = pytest.mark.django_db

BAD = [
    ({"from": "2025-04-01", "to": "2025-01-01"}, {"to"}),  # reversed
    ({"from": "2000-01-01", "to": "2015-01-01"}, {"from"}),  # more than ten years
    ({"from": "1999-12-31", "to": "2025-01-01"}, {"from"}),  # before the first day
    ({"to": "2100-01-01"}, {"to"}),  # after the last day
    ({"from": "0001-01-01"}, {"from"}),  # the calendar's first day
    ({"to": "0001-01-01"}, {"to"}),
    ({"from": "9999-12-31"}, {"from"}),  # the calendar's last day
    ({"from": "0001-01-01", "to": "9999-12-31"}, {"from", "to"}),  # both named at once
    ({"from": "0001-06-15", "to": "0001-12-31"}, {"from", "to"}),  # year 1
    ({"from": "9999-01-01", "to": "9999-03-31"}, {"from", "to"}),  # year 9999
    ({"from": "2025-02-30"}, {"from"}),  # malformed
    ({"to": "31-12-2025"}, {"to"}),
    ({"from": "gisteren", "to": "morgen"}, {"from", "to"}),
    ({"from": "2025-01-01\x00"}, {"from"}),
    ({"region": "XX99"}, {"region"}),  # unknown region
    ({"region": "JZ14\x00"}, {"region"}),
    ({"region": "J" * 500}, {"region"}),
    ({"threshold": "0"}, {"threshold"}),  # threshold out of range
    ({"threshold": "3651"}, {"threshold"}),
    ({"threshold": "-28"}, {"threshold"}),
    ({"threshold": "28.5"}, {"threshold"}),
    ({"threshold": "1e3"}, {"threshold"}),
    ({"threshold": "9" * 40}, {"threshold"}),
    ({"from": "2025-04-01", "to": "2025-01-01", "threshold": "0", "region": "XX99"}, {"to", "threshold", "region"}),
]
IDS = [",".join(f"{k}={v[:12]!r}" for k, v in params.items()) for params, _f in BAD]


@pytest.mark.parametrize("code", list(REPORT_MODULES))
def test_every_report_endpoint_names_each_bad_field_in_problem_json(api, scenario, contract_manager, code):
    client = api.as_user(contract_manager)
    for params, fields in BAD:
        response = client.get(f"/api/v1/reports/{code}", params)
        # Issue 14: a bad query parameter on a read is 400 naming it (a NUL byte too, before the report)
        assert response.status_code == 400, (code, params, response.status_code)
        assert response["Content-Type"].startswith("application/problem+json")
        body = response.json()
        assert {p["name"] for p in body["invalid_params"]} == fields, (code, params)
        assert all(p["reason"] for p in body["invalid_params"])
    # The edges themselves are fine, and the default period too.
    assert client.get(f"/api/v1/reports/{code}", {"from": "2000-01-01", "to": "2009-12-31"}).status_code == 200
    assert client.get(f"/api/v1/reports/{code}", {"to": "2000-01-05"}).status_code == 200  # default from: 1 Jan 2000
    assert client.get(f"/api/v1/reports/{code}", {"threshold": "3650", **Q1}).status_code == 200


@pytest.mark.parametrize(("params", "fields"), BAD, ids=IDS)
def test_the_dashboard_shows_the_message_next_to_each_bad_field(client, scenario, contract_manager, params, fields):
    client.force_login(contract_manager)
    page = client.get(reverse("reporting:contract-manager-home"), params)
    html = page.content.decode()
    assert page.status_code == 200
    for field in fields:
        assert f'aria-describedby="id_{field}-error"' in html and f'id="id_{field}-error"' in html, field
    for field in {"from", "to", "threshold", "region"} - fields:
        assert f'id="id_{field}-error"' not in html
    assert 'role="alert"' in html and "report-card" not in html  # no figures for a bad filter


def test_the_coordinators_figures_refuse_bad_filters_the_same_way(client, scenario, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("reporting:coordinator-figures"), {"from": "0001-01-01"}).content.decode()
    assert 'id="id_from-error"' in html and "01-01-2000" in html


@pytest.mark.parametrize(("params", "fields"), BAD, ids=IDS)
def test_the_export_form_refuses_bad_filters_and_starts_nothing(client, scenario, contract_manager, params, fields):
    client.force_login(contract_manager)
    response = client.post(reverse("reporting:export-create"), {"report": "refusals", "format": "csv", **params})
    assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    assert not ExportJob.objects.exists()
