"""Organisation login with OpenID Connect (issue 13 point 5), on mozilla-django-oidc.

mozilla-django-oidc is configured by settings for ONE provider; here every organisation has
its own (`accounts.OidcConfiguration`, set up in the Django admin). The login page offers
"Inloggen via uw organisatie": the user picks the organisation or types an e-mail address
whose domain selects it (accounts/oidc_views.py). The request view fills the library's
per-provider values from the configuration, and remembers the configuration next to the
state, nonce and PKCE verifier in the session; the callback puts it on the request for the
backend below.

What is checked, in this order, and refused (page + security event + axes' failure log;
not counted towards the password lockout, see `axes_exempt`):
- the configuration is enabled and its organisation active;
- the issuer's discovery document (/.well-known/openid-configuration, cached) names exactly
  the configured issuer; endpoints and JWKS come from it (JWKS cached, fetched again once
  for an unknown key id);
- state (library), nonce (library), PKCE S256 (library); the answer's `iss` parameter
  (RFC 9207, when the provider sends it) names the configured issuer;
- the ID token: signed with the configured algorithm by a key of the issuer's JWKS, `iss`
  equal to the configured issuer, `aud` the client id, not expired (small leeway);
- the userinfo answer is about the same `sub`;
- the mapped claim matches exactly one existing, active user with an active membership of
  the configured organisation. Users are never created.

Second factor (accounts/two_factor.py stays the one place that decides): an SSO login
counts as the product's second factor only when the configuration says the organisation's
login service enforces MFA AND the ID token's MFA claim (amr) shows it was done; otherwise
the user still gives the product's own code (TOTP) when their role needs one. Session
timeouts are the same as for a local login (the `user_logged_in` signal starts the clocks).
"""

from __future__ import annotations

import hashlib
import logging

import jwt
import requests
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from accounts.models import Membership, OidcConfiguration
from accounts.services import administrator_check
from core.access_log import source_address_of
from core.events import event_record

logger = logging.getLogger("accounts.oidc")

CALLBACK_URL_NAME = "oidc-callback"
CONFIGURATION_STATE_KEY = "configuration"  # next to nonce and code_verifier in session["oidc_states"][state]


class Refused(Exception):
    """An organisation login that is refused; `reason` is one of REASONS."""

    def __init__(self, reason: str, *, identity: str = "", user=None):
        super().__init__(reason)
        self.reason = reason
        self.identity = identity
        self.user = user


REASONS = {
    "disabled",
    "discovery",
    "provider_unreachable",
    "provider_error",
    "state",
    "answer_issuer",
    "issuer",
    "audience",
    "expired",
    "signature",
    "token",
    "userinfo",
    "claim_missing",
    "email_unverified",
    "unknown_user",
    "ambiguous_user",
    "inactive_user",
    "other_organisation",
}


def usable(configuration: OidcConfiguration | None) -> bool:
    return bool(configuration and configuration.is_enabled and configuration.organisation.is_active)


def enabled_configurations():
    return OidcConfiguration.objects.filter(is_enabled=True, organisation__is_active=True).select_related(
        "organisation"
    )


def configuration_for_email(email: str) -> OidcConfiguration | None:
    """The enabled configuration whose e-mail domains include the address's domain."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    return enabled_configurations().filter(email_domains__contains=[domain]).first()


# -- discovery and keys (cached) ----------------------------------------------------------


def _cache_key(kind: str, url: str) -> str:
    return f"oidc:{kind}:{hashlib.sha256(url.encode()).hexdigest()}"


def _cache_get(key):
    try:
        return cache.get(key)
    except Exception:  # a cache outage costs a fetch, not the login
        return None


def _cache_set(key, value) -> None:
    try:
        cache.set(key, value, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    except Exception:
        logger.warning("oidc cache unavailable")


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise Refused("provider_unreachable") from error


def discovery(issuer: str) -> dict:
    """The issuer's OpenID configuration; refused unless it names exactly this issuer and
    has the endpoints a code flow needs."""
    key = _cache_key("discovery", issuer)
    document = _cache_get(key)
    if document is None:
        document = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        if document.get("issuer") != issuer:
            raise Refused("discovery")
        if not all(document.get(name) for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")):
            raise Refused("discovery")
        _cache_set(key, document)
    return document


def jwks(uri: str, *, refresh: bool = False) -> dict:
    key = _cache_key("jwks", uri)
    keys = None if refresh else _cache_get(key)
    if keys is None:
        keys = _get_json(uri)
        _cache_set(key, keys)
    return keys


def mfa_shown(configuration: OidcConfiguration, claims: dict) -> bool:
    """Does this login count as the product's second factor? Only when the organisation's
    login service enforces MFA (configuration) and the token's MFA claim shows it."""
    if not configuration.mfa_enforced:
        return False
    value = claims.get(configuration.mfa_claim)
    values = set(value.split()) if isinstance(value, str) else set(value) if isinstance(value, list) else set()
    return bool(values & configuration.mfa_value_set)


# -- recording ----------------------------------------------------------------------------


def login_refused_record(request, *, configuration: OidcConfiguration | None, refused: Refused) -> None:
    """The security log of a refused organisation login: an event (append-only, chained),
    a row in axes' access-failure log (username `oidc:<claimed identity>`) and a warning in
    the application log."""
    source_address = source_address_of(request)
    logger.warning(
        "oidc login refused",
        extra={
            "reason": refused.reason,
            "configuration": configuration.pk if configuration else None,
            "user": refused.user.pk if refused.user else None,
            "source_address": source_address,
        },
    )
    AccessFailureLog.objects.create(
        username=f"oidc:{refused.identity}"[:255] if refused.identity else "oidc",
        ip_address=source_address,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
        http_accept=request.META.get("HTTP_ACCEPT", "")[:1025],
        path_info=request.path[:255],
        locked_out=False,
    )
    if configuration is None:
        return
    event_record(
        subject=configuration,
        event_type="oidc_login_refused",
        by=refused.user,
        organisation=configuration.organisation,
        reason_code=refused.reason,
        details={"identity": refused.identity, "source_address": source_address},
    )


def axes_exempt(request, credentials=None) -> bool:
    """AXES_WHITELIST_CALLABLE: an organisation login is not counted towards the password
    lockout. Its failures carry no username before the token is checked, so counting them
    would let a few refused colleagues behind one address lock everybody there out of it;
    the organisation's login service throttles its own password attempts."""
    return getattr(request, "oidc_configuration", None) is not None


def login_succeeded_record(*, configuration: OidcConfiguration, user, second_factor: bool) -> None:
    event_record(
        subject=configuration,
        event_type="oidc_login",
        by=user,
        organisation=configuration.organisation,
        details={"second_factor_by_organisation": second_factor},
    )


def configuration_save(*, configuration: OidcConfiguration, by, changed: list) -> OidcConfiguration:
    """Create or change an organisation's login configuration (Django admin), with an event
    naming the changed fields (never the secret's value)."""
    admin = administrator_check(by)
    created = configuration.pk is None
    configuration.full_clean()
    configuration.save()
    event_record(
        subject=configuration,
        event_type="oidc_configuration_created" if created else "oidc_configuration_changed",
        by=by,
        organisation=admin.organisation,
        details={"changed": sorted(changed), "organisation": configuration.organisation_id},
    )
    return configuration


# -- the authentication backend -----------------------------------------------------------


class OrganisationOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with the provider taken from the request's
    configuration (set by the callback view) instead of settings."""

    def __init__(self, *args, **kwargs):  # the library reads one provider's settings here
        self.UserModel = get_user_model()
        self._overrides: dict = {}
        self.configuration: OidcConfiguration | None = None

    def get_settings(self, attr, *args):
        if attr in self._overrides:
            return self._overrides[attr]
        return import_from_settings(attr, *args)

    def _configure(self, configuration: OidcConfiguration) -> None:
        document = discovery(configuration.issuer)
        self.configuration = configuration
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = configuration.client_id
        self.OIDC_RP_CLIENT_SECRET = configuration.client_secret
        self.OIDC_RP_SIGN_ALGO = configuration.sign_algorithm
        self.OIDC_RP_IDP_SIGN_KEY = None
        self._overrides = {
            "OIDC_RP_SCOPES": configuration.scopes,
            "OIDC_CREATE_USER": False,
            "OIDC_USE_NONCE": True,
            "OIDC_ALLOW_UNSECURED_JWT": False,
            "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_URL_NAME,
        }

    def authenticate(self, request, **kwargs):
        configuration = getattr(request, "oidc_configuration", None) if request is not None else None
        if configuration is None or "nonce" not in kwargs:
            return None  # a local login (username and password): not ours
        try:
            self._configure(configuration)
            return super().authenticate(request, **kwargs)
        except Refused as refused:
            request.oidc_refused = refused
        except jwt.ExpiredSignatureError:
            request.oidc_refused = Refused("expired")
        except jwt.InvalidIssuerError:
            request.oidc_refused = Refused("issuer")
        except jwt.InvalidAudienceError:
            request.oidc_refused = Refused("audience")
        except (jwt.InvalidSignatureError, jwt.PyJWKError):
            request.oidc_refused = Refused("signature")
        except (jwt.InvalidTokenError, SuspiciousOperation):  # nonce, algorithm, malformed token
            request.oidc_refused = Refused("token")
        except requests.RequestException:  # the token endpoint refused the code, or is down
            request.oidc_refused = Refused("provider_error")
        return None

    # The signature, issuer, audience and expiry of the ID token (the library checks only
    # the signature and the expiry).
    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise Refused("signature")
        return jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=self.configuration.issuer,
            leeway=settings.OIDC_CLOCK_LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )

    def retrieve_matching_jwk(self, token):
        header = jwt.get_unverified_header(token)
        for refresh in (False, True):  # an unknown key id: the issuer may have rotated its keys
            for candidate in jwks(self.OIDC_OP_JWKS_ENDPOINT, refresh=refresh).get("keys", []):
                if candidate.get("kid") == header.get("kid") and candidate.get("alg", header.get("alg")) == header.get(
                    "alg"
                ):
                    return jwt.PyJWK(candidate)
        raise Refused("signature")

    def get_or_create_user(self, access_token, id_token, payload):
        """The one existing user this login is for; never creates one."""
        configuration = self.configuration
        userinfo = self.get_userinfo(access_token, id_token, payload) if self.OIDC_OP_USER_ENDPOINT else {}
        if userinfo and userinfo.get("sub") != payload.get("sub"):
            raise Refused("userinfo")
        claims = {**userinfo, **payload}
        identity = claims.get(configuration.claim)
        if not isinstance(identity, str) or not identity.strip():
            raise Refused("claim_missing")
        if configuration.user_field == OidcConfiguration.UserField.EMAIL and claims.get("email_verified") is False:
            raise Refused("email_unverified", identity=identity)
        lookup = (
            {"email__iexact": identity}
            if configuration.user_field == OidcConfiguration.UserField.EMAIL
            else {"username": identity}
        )
        users = list(self.UserModel.objects.filter(**lookup)[:2])
        if not users:
            raise Refused("unknown_user", identity=identity)
        if len(users) > 1:
            raise Refused("ambiguous_user", identity=identity)
        user = users[0]
        if not user.is_active:
            raise Refused("inactive_user", identity=identity, user=user)
        if not Membership.objects.filter(user=user, organisation=configuration.organisation, is_active=True).exists():
            raise Refused("other_organisation", identity=identity, user=user)
        self.request.oidc_second_factor = mfa_shown(configuration, payload)
        return user

    def get_user(self, user_id):
        """As Django's own backend: an inactive user's session ends (the library's does not check)."""
        return ModelBackend.get_user(self, user_id)

    def user_can_authenticate(self, user):
        return getattr(user, "is_active", True)
