"""Two-factor authentication: who must use it, setup, verify, and that nothing is reachable
before it. These tests use Django's plain force_login (password step only)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Organisation, Role
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.accounts.two_factor import confirmed_device, totp_code, totp_code_for_key, wrong_code

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]

HOMES = {
    Role.REFERRER: "/referrer/",
    Role.COORDINATOR: "/coordinator/",
    Role.PROVIDER: "/provider/",
    Role.CONTRACT_MANAGER: "/contract-manager/",
    Role.BEHAVIOURAL_SCIENTIST: "/behavioural-scientist/",
    Role.ADMIN: "/administration/",
}
MANDATORY = [Role.COORDINATOR, Role.PROVIDER, Role.BEHAVIOURAL_SCIENTIST, Role.ADMIN]
OPTIONAL = [Role.REFERRER, Role.CONTRACT_MANAGER]


def fresh(user):
    """The user as the next request loads it (nothing cached from this one)."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("role", MANDATORY)
def test_roles_that_see_dossiers_must_use_it(make_member, twente, role):
    assert two_factor.required(make_member(role, regions=[twente]))


@pytest.mark.parametrize("role", OPTIONAL)
def test_referrers_and_contract_managers_follow_their_organisation(make_member, twente, role):
    from tests.accounts.factories import ROLE_KIND

    organisation = OrganisationFactory(kind=ROLE_KIND[role])
    user = make_member(role, organisation=organisation, regions=[twente])
    assert not organisation.two_factor_required and not two_factor.required(user)
    organisation.two_factor_required = True
    organisation.save()
    assert two_factor.required(fresh(user))


def test_organisations_that_see_dossiers_have_it_on_and_cannot_switch_it_off(make_member):
    provider = OrganisationFactory(kind=Organisation.Kind.PROVIDER)
    assert provider.two_factor_required
    provider.two_factor_required = False
    provider.save()
    provider.refresh_from_db()
    assert provider.two_factor_required
    # a contract manager in a coordination point's organisation sees its figures: required
    coordination = OrganisationFactory(kind=Organisation.Kind.COORDINATION)
    assert two_factor.required(make_member(Role.CONTRACT_MANAGER, organisation=coordination))


def test_staff_without_a_membership_and_inactive_memberships(make_member):
    assert two_factor.required(UserFactory(is_staff=True))
    assert two_factor.required(UserFactory(is_superuser=True))
    user = make_member(Role.COORDINATOR)
    user.memberships.update(is_active=False)
    assert not two_factor.required(fresh(user))


@pytest.mark.parametrize("role", MANDATORY)
def test_after_the_password_only_setup_is_reachable(client, make_member, twente, role):
    user = make_member(role, regions=[twente])
    client.force_login(user)
    for path in [HOMES[role], "/", "/notifications/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/login/setup/?next="), path
    api = client.get("/api/v1/me")  # a browser session reaches no API answer either
    assert api.status_code == 401 and api["Content-Type"].startswith("application/problem+json")
    assert api.json()["type"] == "about:blank#two_factor_required"


def test_with_an_app_the_verify_step_is_asked_and_setup_is_not_offered(client, coordinator):
    device = confirmed_device(coordinator)
    client.force_login(coordinator)
    response = client.get("/coordinator/")
    assert response.status_code == 302 and response.url == "/login/verify/?next=%2Fcoordinator%2F"
    # someone with only the password cannot put an app of their own in place
    setup = client.get("/login/setup/")
    assert setup.status_code == 302 and setup.url.startswith("/login/verify/")
    key = "ab" * 20
    session = client.session
    session[two_factor.SETUP_SESSION_KEY] = key
    session.save()
    client.post("/login/setup/", {"code": totp_code_for_key(key)})
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [device]
    assert client.get("/coordinator/").status_code == 302


def test_pages_before_the_second_factor_stay_reachable(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/login/setup/").status_code == 200
    assert client.get("/health").status_code in (200, 503)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/login/setup/"}).status_code == 302
    assert client.get("/static/css/app.css").status_code != 302  # (404 here: tests serve no static files)
    assert client.post("/logout/").status_code == 302
    assert client.get("/coordinator/").url.startswith("/login/?next=")  # logged out now


def test_setup_shows_qr_and_secret_and_writes_nothing_until_confirmed(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/login/setup/?next=/coordinator/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and 'id="totp-secret"' in html
    assert 'for="id_code"' in html and 'autocomplete="one-time-code"' in html
    key = client.session[two_factor.SETUP_SESSION_KEY]
    assert two_factor.secret_for_display(key).replace(" ", "") in html.replace(" ", "")
    assert client.get("/login/setup/").context["secret"] == page.context["secret"]  # a reload keeps it
    assert not TOTPDevice.objects.filter(user=coordinator).exists()

    for code, message in [
        ("", "Dit veld is vereist."),
        ("abc", "Vul de 6 cijfers in die de app laat zien."),
        ("12345", "Vul de 6 cijfers in die de app laat zien."),
        (f"{(int(totp_code_for_key(key)) + 1) % 1000000:06d}", "Deze code klopt niet."),
    ]:
        response = client.post("/login/setup/", {"code": code, "next": "/coordinator/"})
        assert response.status_code == 422, code
        assert message in response.content.decode() and 'aria-invalid="true"' in response.content.decode()
        assert not TOTPDevice.objects.filter(user=coordinator).exists()
        assert not StaticDevice.objects.filter(user=coordinator).exists()
        assert client.get("/coordinator/").status_code == 302

    done = client.post("/login/setup/", {"code": totp_code_for_key(key), "next": "/coordinator/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    html = done.content.decode()
    assert all(code in html for code in codes) and 'href="/coordinator/"' in html
    device = TOTPDevice.objects.get(user=coordinator)
    assert device.confirmed and device.key == key
    assert sorted(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)) == sorted(codes)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/coordinator/").status_code == 200
    # the codes are shown once: setup is not offered again
    again = client.get("/login/setup/")
    assert again.status_code == 302 and not any(
        code in client.get(again.url, follow=True).content.decode() for code in codes
    )


def test_setup_with_a_code_already_used_is_refused_later(client, coordinator):
    """The code that confirmed the app cannot log in a second time (replay)."""
    client.force_login(coordinator)
    client.get("/login/setup/")
    code = totp_code_for_key(client.session[two_factor.SETUP_SESSION_KEY])
    assert client.post("/login/setup/", {"code": code}).status_code == 200
    client.post("/logout/")
    client.force_login(coordinator)
    response = client.post("/login/verify/", {"code": code})
    assert response.status_code == 422 and client.get("/coordinator/").status_code == 302


def test_verify_refuses_wrong_and_garbage_codes_with_a_message(client, coordinator):
    device = confirmed_device(coordinator)
    client.force_login(coordinator)
    for code in ["", "   ", "not a code", "12", wrong_code(device), "x" * 21]:
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # judge each on its own
        StaticDevice.objects.filter(user=coordinator).update(throttling_failure_count=0)
        response = client.post("/login/verify/?next=/coordinator/", {"code": code})
        assert response.status_code == 422, code
        html = response.content.decode()
        assert 'class="form-error" id="id_code-error" role="alert"' in html, code
        assert DEVICE_ID_SESSION_KEY not in client.session
        assert client.get("/coordinator/").status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post("/login/verify/", {"code": totp_code(device), "next": "/coordinator/"})
    assert response.status_code == 302 and response.url == "/coordinator/"
    assert client.get("/coordinator/").status_code == 200


def test_too_many_wrong_codes_make_the_next_try_wait(client, coordinator):
    device = confirmed_device(coordinator)
    client.force_login(coordinator)
    assert client.post("/login/verify/", {"code": wrong_code(device)}).status_code == 422
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=6)  # as after six wrong codes: 32 s
    response = client.post("/login/verify/", {"code": totp_code(device)})
    assert response.status_code == 422 and "Te veel verkeerde codes" in response.content.decode()
    assert client.get("/coordinator/").status_code == 302


def test_a_recovery_code_works_once(client, coordinator):
    confirmed_device(coordinator)
    codes = two_factor.recovery_codes_replace(coordinator)
    client.force_login(coordinator)
    response = client.post("/login/verify/", {"code": codes[0].upper(), "next": "/coordinator/"})
    assert response.status_code == 302
    page = client.get("/coordinator/")
    assert page.status_code == 200 and "U heeft er nog 9 over." in page.content.decode()
    client.post("/logout/")
    client.force_login(coordinator)
    assert client.post("/login/verify/", {"code": codes[0]}).status_code == 422
    assert StaticToken.objects.filter(device__user=coordinator).count() == 9


def test_next_outside_the_site_is_not_followed(client, coordinator):
    device = confirmed_device(coordinator)
    client.force_login(coordinator)
    response = client.post("/login/verify/", {"code": totp_code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == "/"


def test_password_login_of_a_referrer_goes_straight_through(client, referrer, password):
    response = client.post("/login/", {"username": referrer.username, "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == "/referrer/" and response.status_code == 200


def test_a_referrer_whose_organisation_requires_it_gets_the_setup(client, referrer, password):
    organisation = referrer.memberships.get().organisation
    organisation.two_factor_required = True
    organisation.save()
    response = client.post("/login/", {"username": referrer.username, "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == "/login/setup/?next=%2F"


def test_a_user_who_set_up_an_app_of_their_own_accord_is_asked_for_it(client, referrer):
    device = confirmed_device(referrer)
    client.force_login(referrer)
    assert client.get("/referrer/").url == "/login/verify/?next=%2Freferrer%2F"
    client.post("/login/verify/", {"code": totp_code(device)})
    assert client.get("/referrer/").status_code == 200


def test_django_admin_site_needs_the_second_factor(make_member):
    admin_user = make_member(Role.ADMIN)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    admin_user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    admin_user.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_admin_pages_after_both_factors(client, make_member):
    admin_user = make_member(Role.ADMIN)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    device = confirmed_device(admin_user)
    client.force_login(admin_user)
    assert client.get("/admin/").url == "/login/verify/?next=%2Fadmin%2F"
    client.post("/login/verify/", {"code": totp_code(device)})
    assert client.get("/admin/").status_code == 200


def test_demo_users_may_skip_it_in_development_only(client, make_member, settings, twente):
    demo = make_member(Role.COORDINATOR, regions=[twente], email=f"coordinator@{two_factor.DEMO_EMAIL_DOMAIN}")
    other = make_member(Role.COORDINATOR, regions=[twente])
    client.force_login(demo)
    assert client.get("/coordinator/").status_code == 302  # off by default
    settings.TWO_FACTOR_DEMO_EXEMPT = True
    assert client.get("/coordinator/").status_code == 200
    client.force_login(other)
    assert client.get("/coordinator/").status_code == 302  # only seed_demo's users
    client.force_login(demo)
    settings.PRODUCTION = True  # and never in production (config/production.py refuses it too)
    assert client.get("/coordinator/").status_code == 302


def test_before_the_second_factor_the_menu_offers_no_product_pages(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/login/setup/").content.decode()
    assert 'href="/coordinator/"' not in html and 'href="/notifications/"' not in html
    assert "Uitloggen" in html  # but leaving is possible


def test_an_htmx_request_before_the_second_factor_redirects_the_whole_page(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/coordinator/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/login/setup/?next=")
