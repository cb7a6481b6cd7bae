"""Each role lands on its own home page; other roles' pages are refused."""

import pytest

from accounts.models import TWO_FACTOR_MANDATORY_ROLES, Role
from tests.accounts.two_factor import confirmed_device, totp_code

HOMES = {
    Role.REFERRER: "/referrer/",
    Role.COORDINATOR: "/coordinator/",
    Role.PROVIDER: "/provider/",
    Role.CONTRACT_MANAGER: "/contract-manager/",
    Role.BEHAVIOURAL_SCIENTIST: "/behavioural-scientist/",
    Role.ADMIN: "/administration/",
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(HOMES))
def test_login_lands_on_the_role_home(client, make_member, password, role, twente):
    user = make_member(role, regions=[twente])
    device = confirmed_device(user) if role in TWO_FACTOR_MANDATORY_ROLES else None
    response = client.post("/login/", {"username": user.username, "password": password}, follow=True)
    if device is not None:  # the code from the app comes between the password and the home page
        assert response.redirect_chain[-1][0] == "/login/verify/?next=%2F"
        response = client.post("/login/verify/?next=%2F", {"code": totp_code(device)}, follow=True)
    assert response.redirect_chain[-1][0] == HOMES[role]
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and 'lang="nl"' in html
    assert f'href="{HOMES[role]}" aria-current="page"' in html  # navigation marks where you are


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(HOMES))
def test_other_roles_homes_are_forbidden(client, make_member, role, twente):
    user = make_member(role, regions=[twente])
    client.force_login(user)
    for other_role, url in HOMES.items():
        if other_role != role:
            assert client.get(url).status_code == 403, (role, url)


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/coordinator/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_user_without_membership_is_told_so(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x" * 12)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 403
    assert "Geen rol" in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_shows_an_error_next_to_the_form(client, referrer):
    response = client.post("/login/", {"username": referrer.username, "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and 'aria-invalid="true"' in html


@pytest.mark.django_db
def test_logout_ends_the_session(client, referrer):
    client.force_login(referrer)
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/referrer/").status_code == 302
