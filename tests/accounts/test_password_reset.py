import re

import pytest
from django.core import mail

from core.models import OutboxMessage
from core.outbox import outbox_deliver


@pytest.mark.django_db
def test_password_reset_link_arrives_through_the_outbox_and_works(client, referrer):
    response = client.post("/password-reset/", {"email": referrer.email}, follow=True)
    assert response.status_code == 200
    message = OutboxMessage.objects.get(to_address=referrer.email)
    assert outbox_deliver(message.pk)
    link = re.search(r"https?://[^/]+(/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "een-nieuw-wachtwoord-42", "new_password2": "een-nieuw-wachtwoord-42"}
    )
    assert done.status_code == 302
    client.logout()
    response = client.post("/login/", {"username": referrer.username, "password": "een-nieuw-wachtwoord-42"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_unknown_address_reveals_nothing(client):
    response = client.post("/password-reset/", {"email": "nobody@example.org"}, follow=True)
    assert response.status_code == 200
    assert not OutboxMessage.objects.exists()
