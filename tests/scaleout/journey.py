"""A placement journey through the API of the scale-out cluster (issue 13, scaleout).

Referrer creates a complete request and uploads the care-question file, submits it; the
coordinator triages it to matching, asks for the matches and offers it to a facility;
that provider's staff accepts and starts the placement. Each call goes through the next
live web instance (round robin, the way a load balancer spreads requests): a refused
connection moves on to the next instance, as a load balancer's health check would."""

from __future__ import annotations

import datetime
import itertools
import random
import urllib.error

from tests.placement.factories import ANALYSIS, PDF, PERSPECTIVE, SAFETY
from tests.scaleout.cluster import Web, multipart

NEED_KEYS = ("care_types", "specialisations", "intensity", "security", "max_distance_km", "school_continuity")
PROVIDER_USERS = ("provider", "provider2")  # demo staff of De Horst and Het Esch
_rng = random.Random(13)


def bsn() -> str:
    """A random number that passes the BSN eleven test."""
    while True:
        digits = [_rng.randint(1, 9)] + [_rng.randint(0, 9) for _ in range(7)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            return "".join(map(str, digits)) + str(last)


def create_body() -> dict:
    return {
        "youth": {
            "given_names": "Noor",
            "family_name": f"Schaal{_rng.randint(1000, 9999)}",
            "birth_date": (datetime.date.today() - datetime.timedelta(days=14 * 365)).isoformat(),
            "gender": "female",
            "bsn": bsn(),
            "address": "Marktstraat 2",
            "postcode": "7511 AA",
            "city": "Enschede",
            "municipality": "GM0153",
            "school": "Bonhoeffer College",
            "guardians": [{"name": "Karin Schaal", "relationship": "moeder", "has_authority": True}],
        },
        "urgency": "urgent",
        "analysis": {
            **{k: v for k, v in ANALYSIS.items() if k not in NEED_KEYS},
            "need_profile": {k: ANALYSIS[k] for k in NEED_KEYS},
        },
        "perspective_plan": dict(PERSPECTIVE),
        "safety_plan": dict(SAFETY),
    }


class Balancer:
    """Round robin over the web instances; skips one that refuses connections."""

    def __init__(self, webs: list[Web]):
        self.webs = webs
        self._next = itertools.cycle(range(len(webs)))
        self.served: dict[str, int] = {w.name: 0 for w in webs}
        self.refused: dict[str, int] = {w.name: 0 for w in webs}

    def call(self, method, path, token=None, **kwargs):
        for _ in range(len(self.webs)):
            web = self.webs[next(self._next)]
            try:
                result = web.call(method, path, token, **kwargs)
            except (urllib.error.URLError, ConnectionError):
                self.refused[web.name] += 1
                continue
            self.served[web.name] += 1
            return result
        raise AssertionError("no web instance answers")


def expect(result, status, what):
    code, body = result
    assert code == status, f"{what}: {code} {body}"
    return body


def journey(lb: Balancer, tokens: dict, *, after_step=None, until: str | None = None) -> dict:
    """One request from draft to placement (or to step `until`). `after_step(name)` runs
    after each step (the test kills processes there). Returns the ids made."""
    hook = after_step or (lambda name: None)
    referrer, coordinator = tokens["referrer"], tokens["coordinator"]
    created = expect(lb.call("POST", "/api/v1/requests", referrer, json_body=create_body()), 201, "create")
    pk = created["id"]
    hook("created")
    body, ctype = multipart(
        {"kind": "zorgvraag", "title": "Dossier"}, {"file": ("zorgvraag.pdf", PDF, "application/pdf")}
    )
    expect(
        lb.call("POST", f"/api/v1/requests/{pk}/documents", referrer, data=body, headers={"Content-Type": ctype}),
        201,
        "upload",
    )
    expect(lb.call("POST", f"/api/v1/requests/{pk}/submit", referrer), 200, "submit")
    hook("submitted")
    if until == "submitted":
        return {"request": pk}
    triaged = expect(
        lb.call("POST", f"/api/v1/requests/{pk}/triage", coordinator, json_body={"decision": "matching"}), 200, "triage"
    )
    assert triaged["status"] == "matching", triaged
    hook("triaged")
    matches = expect(lb.call("GET", f"/api/v1/requests/{pk}/matches", coordinator), 200, "matches")
    facility, staff = pick_facility(lb, matches, tokens)
    offer = expect(
        lb.call("POST", f"/api/v1/requests/{pk}/offers", coordinator, json_body={"facility": facility}), 201, "offer"
    )
    hook("offered")
    expect(lb.call("POST", f"/api/v1/offers/{offer['id']}/accept", staff), 200, "accept")
    hook("accepted")
    placement = expect(
        lb.call(
            "POST",
            f"/api/v1/requests/{pk}/placement",
            staff,
            json_body={
                "start_date": datetime.date.today().isoformat(),
                "school": "Praktijkschool",
                "handover": "Warme overdracht",
                "transport": "Taxi",
                "funding": "Gemeente Enschede",
            },
        ),
        201,
        "placement start",
    )
    hook("placed")
    return {"request": pk, "offer": offer["id"], "placement": placement.get("id")}


def pick_facility(lb: Balancer, matches: dict, tokens: dict) -> tuple[int, str]:
    """The first available facility whose provider's staff we hold a token for."""
    available = [row["facility"] for row in matches["available"]]
    assert available, f"no available facility: {matches}"
    for user in PROVIDER_USERS:
        me = expect(lb.call("GET", "/api/v1/me", tokens[user]), 200, "me")
        organisation = me["memberships"][0]["organisation"]
        for facility in available:
            if facility["provider"] == organisation:
                return facility["id"], tokens[user]
    raise AssertionError(f"no available facility of a provider with a token: {available}")


def free_places(lb: Balancer, tokens: dict) -> int:
    """The demo providers report their outside placements gone: places to offer. Returns
    the number of free places."""
    free = 0
    for user in PROVIDER_USERS:
        organisation = expect(lb.call("GET", "/api/v1/me", tokens[user]), 200, "me")["memberships"][0]["organisation"]
        listing = expect(lb.call("GET", "/api/v1/facilities?page_size=100", tokens[user]), 200, "facilities")
        for facility in listing["results"]:
            if facility["provider"]["name"] != organisation:
                continue
            updated = expect(
                lb.call(
                    "POST",
                    f"/api/v1/facilities/{facility['id']}/availability",
                    tokens[user],
                    json_body={"occupied_external": 0, "places_staffed": facility["places_contracted"]},
                ),
                200,
                "availability",
            )
            free += updated["places_free"]
    return free
