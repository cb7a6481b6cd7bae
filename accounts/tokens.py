"""API tokens (django-rest-knox, model accounts.ApiToken): issue, revoke, revoke all.

Only a hash of a token is stored; each token expires after REST_KNOX["TOKEN_TTL"]; a user
has one token per client name, so asking again for the same client replaces the old one.
A password change revokes every token of the user (accounts.signals).
"""

from django.db import transaction

from accounts.models import ApiToken, User


def token_issue(*, user, client: str) -> tuple[ApiToken, str]:
    """A new token for (user, client), replacing that client's previous one. Returns the
    stored row and the token itself (known only now)."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one issue per user at a time
        ApiToken.objects.filter(user=user, client=client).delete()
        return ApiToken.objects.create(user=user, client=client)


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).delete()


def tokens_revoke_all(*, user) -> int:
    count, _ = ApiToken.objects.filter(user=user).delete()
    return count
