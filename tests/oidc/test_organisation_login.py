"""Organisation login (issue 13 point 5) against a real OpenID provider (tests/oidc/provider.mjs):
the whole redirect flow through the provider's login form and consent page, then the product's
session. Refusals show a page and are logged (event + axes failure log)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessFailureLog
from django.contrib.auth import SESSION_KEY

from accounts import two_factor
from accounts.middleware import LOGIN_AT
from accounts.models import OidcConfiguration, Organisation, Role, User
from core.models import Event
from tests.accounts.factories import OrganisationFactory, member
from tests.oidc.idp import CLIENT_ID, CLIENT_SECRET, sso_login, through_provider

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]


@pytest.fixture
def horst(db):
    return OrganisationFactory(name="Wijkteam De Horst", kind=Organisation.Kind.REFERRER)


def configure(organisation, issuer, **fields):
    return OidcConfiguration.objects.create(
        organisation=organisation,
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        email_domains=[fields.pop("domain", "horst.example")],
        **fields,
    )


def refusals(configuration):
    return list(
        Event.objects.filter(
            subject_type="accounts.oidcconfiguration", subject_id=configuration.pk, event_type="oidc_login_refused"
        ).values_list("reason_code", flat=True)
    )


def login_without_iss_parameter(client, configuration, login):
    """The login as with a provider that does not name itself in its answer (no RFC 9207)."""
    start = client.get(f"/login/organisation/{configuration.pk}/")
    back = urlsplit(through_provider(start["Location"], login))
    return client.get(back.path, {key: values[0] for key, values in parse_qs(back.query).items() if key != "iss"})


def assert_refused(response, configuration, reason, status=403):
    assert response.status_code == status
    assert f'data-reason="{reason}"' in response.content.decode()
    assert SESSION_KEY not in response.wsgi_request.session
    assert refusals(configuration) == [reason]


def test_an_existing_member_logs_in_through_the_organisation(client, idp, horst):
    user = member(Role.REFERRER, organisation=horst, email="Anna@horst.example")
    configuration = configure(horst, idp)
    authorization_url, response = sso_login(client, configuration, "anna", next_url="/referrer/")
    params = parse_qs(urlsplit(authorization_url).query)
    assert params["client_id"] == [CLIENT_ID] and params["code_challenge_method"] == ["S256"]
    assert params["state"][0] and params["nonce"][0] and params["code_challenge"][0]
    assert response.status_code == 302 and response["Location"] == "/referrer/"
    assert int(client.session[SESSION_KEY]) == user.pk
    assert client.session[LOGIN_AT]  # the session clocks of a local login started
    assert client.get("/referrer/").status_code == 200
    login = Event.objects.get(event_type="oidc_login", subject_id=configuration.pk)
    assert login.actor == user and login.details == {"second_factor_by_organisation": False}
    assert CLIENT_SECRET not in str(login.details)


def test_the_e_mail_domain_chooses_the_organisation(client, idp, horst):
    configuration = configure(horst, idp)
    response = client.post("/login/organisation/", {"email": "iemand@HORST.example"})
    assert response.status_code == 302 and response["Location"] == f"/login/organisation/{configuration.pk}/"
    response = client.post("/login/organisation/", {"organisation": configuration.pk, "next": "/referrer/"})
    assert response["Location"] == f"/login/organisation/{configuration.pk}/?next=%2Freferrer%2F"


def test_choosing_nothing_or_an_unknown_domain_is_said_next_to_the_field(client, idp, horst):
    configure(horst, idp)
    response = client.post("/login/organisation/", {})
    assert response.status_code == 422
    assert response.context["form"].errors == {"organisation": ["Kies uw organisatie of vul uw e-mailadres in."]}
    response = client.post("/login/organisation/", {"email": "iemand@elders.example"})
    assert response.status_code == 422 and list(response.context["form"].errors) == ["email"]
    response = client.post("/login/organisation/", {"email": "geen-adres", "organisation": "999"})
    assert response.status_code == 422 and set(response.context["form"].errors) == {"email", "organisation"}


def test_the_login_page_offers_it(client):
    assert 'href="/login/organisation/"' in client.get("/login/").content.decode()


def test_an_unknown_user_is_refused_not_created_and_logged(client, idp, horst):
    configuration = configure(horst, idp)
    users = User.objects.count()
    _, response = sso_login(client, configuration, "onbekend")
    assert_refused(response, configuration, "unknown_user")
    assert "geen actief account" in response.content.decode()
    assert User.objects.count() == users
    event = Event.objects.get(event_type="oidc_login_refused")
    assert event.details["identity"] == "onbekend@horst.example" and event.organisation == horst
    failure = AccessFailureLog.objects.get()
    assert failure.username == "oidc:onbekend@horst.example" and failure.path_info == "/oidc/callback/"
    assert failure.ip_address == "127.0.0.1"


def test_refused_organisation_logins_do_not_lock_colleagues_out(client, idp, horst, settings):
    """Refusals are logged but not counted towards the password lockout (django-axes): they
    carry no username, so colleagues behind the same address would share one counter."""
    member(Role.REFERRER, organisation=horst, email="anna@horst.example")
    configuration = configure(horst, idp)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert sso_login(client, configuration, "onbekend")[1].status_code == 403
    assert AccessFailureLog.objects.count() == settings.AXES_FAILURE_LIMIT + 1
    _, response = sso_login(client, configuration, "anna")
    assert response.status_code == 302 and SESSION_KEY in client.session


def test_a_user_of_another_organisation_is_refused(client, idp, horst):
    esch = OrganisationFactory(name="Stichting Het Esch", kind=Organisation.Kind.REFERRER)
    carla = member(Role.REFERRER, organisation=esch, email="carla@esch.example")
    configuration = configure(horst, idp)
    _, response = sso_login(client, configuration, "carla")
    assert_refused(response, configuration, "other_organisation")
    assert Event.objects.get(event_type="oidc_login_refused").actor == carla


def test_an_ended_membership_or_inactive_user_is_refused(client, idp, horst):
    anna = member(Role.REFERRER, organisation=horst, email="anna@horst.example")
    configuration = configure(horst, idp)
    anna.memberships.update(is_active=False)
    assert_refused(sso_login(client, configuration, "anna")[1], configuration, "other_organisation")
    anna.is_active = False
    anna.save()
    _, response = sso_login(client, configuration, "anna")
    assert response.status_code == 403 and refusals(configuration) == ["other_organisation", "inactive_user"]


def test_an_unverified_e_mail_address_is_refused(client, idp, horst):
    member(Role.REFERRER, organisation=horst, email="dirk@horst.example")
    configuration = configure(horst, idp)
    assert_refused(sso_login(client, configuration, "dirk")[1], configuration, "email_unverified")


def test_an_id_token_from_another_issuer_is_refused(client, idp, horst):
    """The discovery document names the configured issuer, the ID token's `iss` is another.
    The provider's `iss` answer parameter (RFC 9207) is left out here, as a provider without
    it sends: the ID token's own `iss` is what refuses it."""
    member(Role.REFERRER, organisation=horst, email="anna@horst.example")
    configuration = configure(horst, f"{idp}/tampered-iss")
    assert_refused(login_without_iss_parameter(client, configuration, "anna"), configuration, "issuer")
    assert AccessFailureLog.objects.filter(path_info="/oidc/callback/").exists()


def test_an_answer_naming_another_issuer_is_refused_before_the_code_is_used(client, idp, horst):
    """RFC 9207: the provider names itself in the answer (`iss`); another than configured is a mix-up."""
    member(Role.REFERRER, organisation=horst, email="anna@horst.example")
    configuration = configure(horst, f"{idp}/tampered-iss")
    _, response = sso_login(client, configuration, "anna")
    assert_refused(response, configuration, "answer_issuer")
    assert AccessFailureLog.objects.get().username == "oidc"


def test_a_discovery_document_of_another_issuer_is_refused_before_the_redirect(client, idp, horst):
    configuration = configure(horst, idp.replace("localhost", "127.0.0.1"))
    response = client.get(f"/login/organisation/{configuration.pk}/")
    assert_refused(response, configuration, "discovery", status=502)


def test_a_badly_signed_id_token_is_refused(client, idp, horst):
    """The issuer's keys (JWKS) hold another key under the token's key id."""
    member(Role.REFERRER, organisation=horst, email="anna@horst.example")
    configuration = configure(horst, f"{idp}/tampered-keys")
    assert_refused(login_without_iss_parameter(client, configuration, "anna"), configuration, "signature")


def test_an_expired_id_token_is_refused(client, idp_clock_behind, horst):
    member(Role.REFERRER, organisation=horst, email="anna@horst.example")
    configuration = configure(horst, idp_clock_behind)
    _, response = sso_login(client, configuration, "anna")
    assert_refused(response, configuration, "expired")
    assert "verlopen" in response.content.decode()


def test_a_disabled_configuration_is_refused_at_the_start_and_at_the_callback(client, idp, horst):
    member(Role.REFERRER, organisation=horst, email="anna@horst.example")
    configuration = configure(horst, idp, is_enabled=False)
    assert_refused(client.get(f"/login/organisation/{configuration.pk}/"), configuration, "disabled")
    assert configuration.pk not in [
        c.pk for c in client.get("/login/organisation/").context["form"].fields["organisation"].queryset
    ]
    # switched off while the user was at the provider
    configuration.is_enabled = True
    configuration.save()
    start = client.get(f"/login/organisation/{configuration.pk}/")
    back = through_provider(start["Location"], "anna")
    OidcConfiguration.objects.filter(pk=configuration.pk).update(is_enabled=False)
    response = client.get(back.removeprefix("http://testserver"))
    assert response.status_code == 403 and refusals(configuration) == ["disabled", "disabled"]
    assert SESSION_KEY not in client.session


def test_a_callback_is_used_once(client, idp, horst):
    member(Role.REFERRER, organisation=horst, email="anna@horst.example")
    configuration = configure(horst, idp)
    start = client.get(f"/login/organisation/{configuration.pk}/")
    back = through_provider(start["Location"], "anna").removeprefix("http://testserver")
    assert client.get(back).status_code == 302
    client.logout()
    response = client.get(back)
    assert response.status_code == 403 and 'data-reason="state"' in response.content.decode()


@pytest.mark.parametrize(
    ("mfa_enforced", "login", "second_factor_by_organisation"),
    [(True, "bram", True), (True, "anna", False), (False, "bram", False)],
)
def test_the_second_factor_comes_from_the_organisation_only_when_enforced_and_shown(
    client, idp, mfa_enforced, login, second_factor_by_organisation
):
    """A provider's staff must use a second factor. It counts as given by the organisation's
    login only when the configuration says the login service enforces MFA and the token's amr
    shows it; otherwise the product asks for its own code."""
    horst = OrganisationFactory(name="Jeugdzorg De Horst", kind=Organisation.Kind.PROVIDER)
    user = member(Role.PROVIDER, organisation=horst, email=f"{login}@horst.example")
    configuration = configure(horst, idp, mfa_enforced=mfa_enforced)
    _, response = sso_login(client, configuration, login, next_url="/provider/")
    assert int(client.session[SESSION_KEY]) == user.pk
    page = client.get("/provider/")
    if second_factor_by_organisation:
        assert page.status_code == 200
        assert client.session[two_factor.ORGANISATION_SECOND_FACTOR_SESSION_KEY] == configuration.pk
    else:
        assert page.status_code == 302 and page["Location"].startswith("/login/setup/")
        assert two_factor.ORGANISATION_SECOND_FACTOR_SESSION_KEY not in client.session
    login_event = Event.objects.get(event_type="oidc_login", subject_id=configuration.pk)
    assert login_event.details == {"second_factor_by_organisation": second_factor_by_organisation}
    # switching the enforcement off ends what the organisation's login gave
    OidcConfiguration.objects.filter(pk=configuration.pk).update(mfa_enforced=False)
    assert client.get("/provider/").status_code == 302


def test_session_timeouts_apply_as_for_a_local_login(client, idp, horst, settings):
    member(Role.REFERRER, organisation=horst, email="anna@horst.example")
    configuration = configure(horst, idp)
    sso_login(client, configuration, "anna")
    session = client.session
    session[LOGIN_AT] -= settings.SESSION_ABSOLUTE_SECONDS + 1
    session.save()
    response = client.get("/referrer/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert SESSION_KEY not in client.session


def test_an_unreachable_login_service_is_said_not_a_500(client, horst):
    configuration = configure(horst, "http://127.0.0.1:9/nergens")
    response = client.get(f"/login/organisation/{configuration.pk}/")
    assert_refused(response, configuration, "provider_unreachable", status=502)
    assert "niet bereikbaar" in response.content.decode()


def test_a_login_cancelled_at_the_provider_is_refused_and_its_state_cannot_be_used_again(client, idp, horst):
    member(Role.REFERRER, organisation=horst, email="anna@horst.example")
    configuration = configure(horst, idp)
    start = client.get(f"/login/organisation/{configuration.pk}/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    response = client.get(f"/oidc/callback/?error=access_denied&state={state}")
    assert_refused(response, configuration, "provider_error")
    assert state not in client.session["oidc_states"]
