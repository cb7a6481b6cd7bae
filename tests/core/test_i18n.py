from pathlib import Path

import pytest
from django.conf import settings


def _po_entries(path: Path):
    """(msgid, msgstr, fuzzy) of a .po file, without a parser dependency."""
    entries, block = [], []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            fuzzy = any(b.startswith("#,") and "fuzzy" in b for b in block)
            text, current = {"msgid": "", "msgstr": "", "msgid_plural": "", "msgstr[0]": ""}, None
            for b in block:
                if b.startswith("#"):
                    continue
                key = b.split(" ", 1)[0]
                if key in text:
                    current = key
                    text[key] += eval(b.split(" ", 1)[1])  # a quoted C string
                elif b.startswith('"') and current:
                    text[current] += eval(b)
            if text["msgid"]:
                entries.append((text["msgid"], text["msgstr"] or text["msgstr[0]"], fuzzy))
            block = []
    return entries


def test_english_catalogue_is_complete():
    entries = _po_entries(Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po")
    assert len(entries) > 50
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == []


@pytest.mark.django_db
def test_dutch_by_default_and_english_on_request(client):
    dutch = client.get("/login/").content.decode()
    assert 'lang="nl"' in dutch and "Wachtwoord" in dutch
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, follow=True)
    english = response.content.decode()
    assert 'lang="en"' in english and "Password" in english and "Wachtwoord vergeten" not in english


@pytest.mark.django_db
def test_an_english_browser_still_gets_dutch_until_the_user_switches(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="nl"' in page and "Wachtwoord" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert 'lang="en"' in client.get("/login/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
