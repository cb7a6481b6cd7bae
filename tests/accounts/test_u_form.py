"""Issue 11 point 10: the product addresses people with "u"; the two-factor pages and
messages said "je". No "je", "jij", "jouw" or "jou" in them any more."""

import re
from pathlib import Path

from django.conf import settings

INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jezelf)\b", re.IGNORECASE)
FILES = [
    "templates/registration/two_factor_setup.html",
    "templates/registration/two_factor_verify.html",
    "templates/registration/two_factor_recovery_codes.html",
    "templates/registration/_code_field.html",
    "accounts/views.py",
    "accounts/forms.py",
    "accounts/middleware.py",
    "accounts/authentication.py",
    "accounts/serializers.py",
]


def test_the_two_factor_texts_say_u():
    found = {name: INFORMAL.findall(Path(settings.BASE_DIR, name).read_text(encoding="utf-8")) for name in FILES}
    assert {name: words for name, words in found.items() if words} == {}
