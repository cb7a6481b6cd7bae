"""One check for the resource tests: a 2xx body is what the OpenAPI document says the
operation answers (tests.placement.test_api_output holds the schema logic)."""

from tests.placement.test_api_output import assert_documented


def documented(response, status=200):
    """The body is what the OpenAPI document says this operation answers."""
    assert response.status_code == status, response.content
    body = response.json()
    assert_documented(response.wsgi_request.method, response.wsgi_request.path, status, body)
    return body
