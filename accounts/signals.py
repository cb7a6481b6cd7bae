"""Receivers: the session clocks start at login; a new password revokes the API tokens."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.middleware import session_start
from accounts.models import User
from accounts.tokens import tokens_revoke_all


@receiver(user_logged_in)
def _session_clocks_start(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request.session)


@receiver(pre_save, sender=User)
def _password_change_noticed(sender, instance, update_fields=None, raw=False, **kwargs):
    """However the password changes (reset, admin, manage.py changepassword), note it."""
    instance._password_changed = False
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._password_changed = stored is not None and stored != instance.password


@receiver(post_save, sender=User)
def _tokens_revoke_on_password_change(sender, instance, created, **kwargs):
    if getattr(instance, "_password_changed", False):
        tokens_revoke_all(user=instance)
        instance._password_changed = False
