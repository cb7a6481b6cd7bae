"""The Django admin screen for an organisation's login (issue 13 point 5): an administrator
adds a configuration; the client secret is stored encrypted and never shown back."""

import pytest
from django.db import connection

from accounts.models import OidcConfiguration, Organisation, Role
from core.events import events_for
from tests.accounts.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db

SECRET = "a-client-secret-nobody-may-read-back"
ADD = "/admin/accounts/oidcconfiguration/add/"


@pytest.fixture
def admin_user(db):
    beheer = OrganisationFactory(kind=Organisation.Kind.ADMINISTRATION, name="Functioneel beheer")
    return member(Role.ADMIN, organisation=beheer, is_staff=True, is_superuser=True)


@pytest.fixture
def horst(db):
    return OrganisationFactory(name="Wijkteam De Horst", kind=Organisation.Kind.REFERRER)


def form_data(organisation, **changes):
    return {
        "organisation": organisation.pk,
        "issuer": "https://login.horst.example/realms/staf",
        "client_id": "regie-op-plaatsing",
        "client_secret": SECRET,
        "scopes": "openid email profile",
        "sign_algorithm": "RS256",
        "claim": "email",
        "user_field": "email",
        "email_domains": "Horst.example, wijkteam-horst.example",
        "mfa_claim": "amr",
        "mfa_values": "mfa otp",
        "mfa_enforced": "on",
        "is_enabled": "on",
        **changes,
    }


def test_an_administrator_adds_a_configuration_and_the_secret_is_never_shown(client, admin_user, horst):
    client.force_login(admin_user)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, form_data(horst))
    assert response.status_code == 302, response.context["adminform"].form.errors
    configuration = OidcConfiguration.objects.get(organisation=horst)
    assert configuration.client_secret == SECRET
    assert configuration.email_domains == ["horst.example", "wijkteam-horst.example"]
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT client_secret FROM accounts_oidcconfiguration WHERE id = %s", [configuration.pk])
        stored = cursor.fetchone()[0]
    assert SECRET not in stored and stored.startswith("gAAAA")
    change = f"/admin/accounts/oidcconfiguration/{configuration.pk}/change/"
    page = client.get(change).content.decode()
    assert SECRET not in page and SECRET not in client.get("/admin/accounts/oidcconfiguration/").content.decode()
    # saved again without typing the secret: the stored one stays
    assert client.post(change, form_data(horst, client_secret="", client_id="nieuw")).status_code == 302
    configuration.refresh_from_db()
    assert configuration.client_secret == SECRET and configuration.client_id == "nieuw"
    events = events_for(configuration)
    assert [e.event_type for e in events] == ["oidc_configuration_created", "oidc_configuration_changed"]
    assert all(SECRET not in str(e.details) for e in events) and events[0].actor == admin_user


def test_bad_input_is_refused_next_to_each_field_at_once(client, admin_user, horst):
    other = OrganisationFactory(name="Wijkteam Elders", kind=Organisation.Kind.REFERRER)
    OidcConfiguration.objects.create(
        organisation=other,
        issuer="https://login.elders.example",
        client_id="x",
        client_secret="y",
        email_domains=["horst.example"],
    )
    client.force_login(admin_user)
    response = client.post(
        ADD, form_data(horst, issuer="http://login.horst.example", scopes="email", client_secret="", claim="")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"client_secret", "claim", "email_domains"} <= set(errors)
    assert "https" in str(errors) and "openid" in str(errors)
    assert not OidcConfiguration.objects.filter(organisation=horst).exists()


def test_only_administrators_reach_it(client, horst):
    referrer = member(Role.REFERRER, organisation=horst, is_staff=True)
    client.force_login(referrer)
    assert client.get(ADD).status_code in (302, 403)
    assert client.post(ADD, form_data(horst)).status_code in (302, 403)
    assert not OidcConfiguration.objects.exists()
