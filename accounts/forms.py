from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader

from core.outbox import outbox_enqueue


class LoginForm(AuthenticationForm):
    """Django's login form; django-axes counts its failures and locks the account."""


class OutboxPasswordResetForm(PasswordResetForm):
    """Sends the reset link through the outbox, so it survives a mail or broker outage."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        outbox_enqueue(recipient=context["user"], subject=subject, body=body, in_app=False)
