"""Second-factor helpers for tests: real TOTP devices and real codes, no shortcuts in the
product. `verified_login` is what a finished login (password + code) leaves in a session."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor


def confirmed_device(user) -> TOTPDevice:
    """The user's authenticator app (a confirmed TOTP device), set up if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=two_factor.APP_DEVICE_NAME, confirmed=True)
    return device


def totp_code_for_key(hex_key: str, *, step: int = 30, at: float | None = None) -> str:
    totp = TOTP(bytes.fromhex(hex_key), step)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def totp_code(device: TOTPDevice) -> str:
    """The code the user's app shows now. A used code is refused (replay), so for a second
    login in the same 30 seconds this is the next step's code, which the device accepts
    (tolerance 1); beyond that it waits for the app's next code, as a person would."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    wanted = max(totp.t(), device.last_t + 1)
    while wanted > totp.t() + device.tolerance:
        time.sleep(1)
    totp.time = time.time() + (wanted - totp.t()) * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = int(totp_code(device))
    return f"{(right + 500000) % 1000000:06d}"


def verify_session(client, user) -> None:
    """Give `client`'s logged-in session a verified second factor, as the verify step does
    (django_otp.login), with the user's real confirmed device."""
    device = confirmed_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def second_factor_given(client, user) -> None:
    """After force_login: the second factor too, when the user must give one."""
    if two_factor.required(user):
        verify_session(client, user)
    # what required()/has_device() cached on this object is not the next request's
    user.__dict__.pop("_two_factor_required", None)
    user.__dict__.pop("_two_factor_has_device", None)


def verified_login(client, user) -> None:
    """Log `client` in as `user` with both factors (for code outside pytest, e.g. bench)."""
    client.force_login(user)
    second_factor_given(client, user)
