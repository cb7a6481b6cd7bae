"""Two-factor authentication (django-otp): who must use it, and setting up and checking codes.

The one rule: a user must log in with a second factor when they are staff or superuser,
or hold an active membership in a role of TWO_FACTOR_MANDATORY_ROLES, in an organisation
of TWO_FACTOR_MANDATORY_KINDS (providers, coordination points, behavioural-scientist
pools, administration), or in an organisation whose policy `two_factor_required` is on
(the choice of referrer and contract-management organisations). The middleware
(pages), the API session authentication, the token endpoint and the Django admin all ask
`satisfied()` / `required()` here.

The second factor is an authenticator app (TOTP, RFC 6238) with single-use recovery codes
(django-otp's static device). A wrong code is throttled by django-otp (the wait doubles
with each failure). Only in development may the demo users skip it
(settings.TWO_FACTOR_DEMO_EXEMPT, refused in production).
"""

import base64
from binascii import unhexlify

import qrcode
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from qrcode.image.svg import SvgPathImage

from accounts.models import TWO_FACTOR_MANDATORY_KINDS, TWO_FACTOR_MANDATORY_ROLES, Membership, OidcConfiguration, User

# seed_demo gives its users addresses in this domain; nobody else has one.
DEMO_EMAIL_DOMAIN = "demo.example.org"
APP_DEVICE_NAME = "authenticator-app"
RECOVERY_DEVICE_NAME = "herstelcodes"
SETUP_SESSION_KEY = "two_factor_setup_key"


def required(user) -> bool:
    """Must `user` log in with a second factor? (Cached on the user object for the request.)"""
    if not user or not user.is_authenticated:
        return False
    cached = getattr(user, "_two_factor_required", None)
    if cached is None:
        cached = (
            user.is_staff
            or user.is_superuser
            or Membership.objects.filter(user=user, is_active=True)
            .filter(
                Q(role__in=TWO_FACTOR_MANDATORY_ROLES)
                | Q(organisation__kind__in=TWO_FACTOR_MANDATORY_KINDS)
                | Q(organisation__two_factor_required=True)
            )
            .exists()
        )
        user._two_factor_required = cached
    return cached


def demo_exempt(user) -> bool:
    """Development only: a seed_demo user while TWO_FACTOR_DEMO_EXEMPT is on."""
    return bool(
        settings.TWO_FACTOR_DEMO_EXEMPT
        and not settings.PRODUCTION
        and user.email.lower().endswith("@" + DEMO_EMAIL_DOMAIN)
    )


def is_verified(user) -> bool:
    """Did this request's session pass the second factor (django_otp.middleware.OTPMiddleware)?"""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def code_needed(user) -> bool:
    """Must `user` give a code to log in? When they must use a second factor, and also
    when they set up an app of their own accord; never for an exempt demo user."""
    return (required(user) or has_device(user)) and not demo_exempt(user)


def satisfied(request) -> bool:
    """May this logged-in session see product pages (and the API)?"""
    user = request.user
    return is_verified(user) or not code_needed(user) or by_organisation(request)


# Issue 13 (oidc): an organisation login (accounts/oidc.py) counts as the second factor only
# when its configuration says the organisation's login service enforces MFA and the ID
# token's MFA claim showed it; the callback then puts the configuration's id here.
ORGANISATION_SECOND_FACTOR_SESSION_KEY = "second_factor_by_organisation"


def by_organisation(request) -> bool:
    """Did this session's organisation login give the second factor (and does the
    configuration still say its login service enforces MFA)?"""
    session = getattr(request, "session", None)
    pk = session.get(ORGANISATION_SECOND_FACTOR_SESSION_KEY) if session is not None else None
    if pk is None:
        return False
    cached = getattr(request, "_second_factor_by_organisation", None)
    if cached is None:
        cached = OidcConfiguration.objects.filter(
            pk=pk, is_enabled=True, mfa_enforced=True, organisation__is_active=True
        ).exists()
        request._second_factor_by_organisation = cached
    return cached


def has_device(user) -> bool:
    cached = getattr(user, "_two_factor_has_device", None)
    if cached is None:
        cached = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        user._two_factor_has_device = cached
    return cached


# -- setting up an authenticator app ------------------------------------------------------


def setup_key(request) -> str:
    """The secret offered for setting up (kept in the session until it is confirmed, so
    nothing is written before the user proves their app has it)."""
    key = request.session.get(SETUP_SESSION_KEY)
    if not key:
        key = random_hex(20)
        request.session[SETUP_SESSION_KEY] = key
    return key


def unsaved_device(user, key: str) -> TOTPDevice:
    return TOTPDevice(user=user, key=key, name=APP_DEVICE_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code, for scanning with an app."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def secret_for_display(key: str) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(unhexlify(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _normalised(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def setup_confirm(request, *, code: str) -> list[str] | None:
    """Confirm the app with a code from it: save the device, make recovery codes, mark the
    session verified and return the recovery codes (shown once). None if the code is wrong
    (then nothing is written)."""
    user = request.user
    key = request.session.get(SETUP_SESSION_KEY)
    code = _normalised(code)
    if not key or not code.isdigit():
        return None
    device = unsaved_device(user, key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not totp.verify(int(code), device.tolerance):
        return None
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # two tabs confirm one at a time
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():  # the other tab won
            return None
        device.confirmed = True
        device.drift = totp.drift  # the phone's clock offset, as django-otp keeps it
        device.last_t = totp.t()  # the code just used cannot be used again
        device.save()
        codes = recovery_codes_replace(user)
        user._two_factor_has_device = True
    del request.session[SETUP_SESSION_KEY]
    otp_login(request, device)
    return codes


def recovery_codes_replace(user) -> list[str]:
    """New single-use recovery codes for `user` (the old ones stop working)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(device) -> int | None:
    """How many recovery codes remain, when `device` is the recovery-code device."""
    return device.token_set.count() if isinstance(device, StaticDevice) else None


# -- checking a code ----------------------------------------------------------------------


class CodeRefused(Exception):
    """The code did not match; `throttled`: too many wrong codes, wait before the next try."""

    def __init__(self, *, throttled: bool):
        super().__init__("throttled" if throttled else "wrong")
        self.throttled = throttled


def code_check(user, code: str):
    """The confirmed device (app or recovery codes) that accepts `code`; raises CodeRefused.
    A recovery code works once; a wrong code makes the next try wait (django-otp)."""
    code = _normalised(code)
    if not code:
        raise CodeRefused(throttled=False)
    throttled = False
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(code):
                return device
    raise CodeRefused(throttled=throttled)


def verify(request, *, code: str):
    """Check `code` for the logged-in user and mark the session verified."""
    device = code_check(request.user, code)
    otp_login(request, device)
    return device
