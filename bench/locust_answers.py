"""Locust scenario of bench/answers.py (issue 15, perf-pages): providers answer offers.

Not run on its own: bench/answers.py starts gunicorn, makes the data and runs

    locust -f bench/locust_answers.py --headless MeUser        (the floor: GET /api/v1/me)
    locust -f bench/locust_answers.py --headless AnswerUser    (POST .../accept | .../decline)

with ANSWERS_DATA (the JSON of tokens and the work list) and ANSWERS_OUT (where the
figures go). Every user takes the next item of one shared work list and answers it once;
a contested offer appears twice in a row (an accept and a decline from two users at the
same moment): exactly one may win, the other must get 409. When the list is done the
run stops. Figures: requests, throughput, p50/p95/max, errors (anything unexpected).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

HOST = "bench.regie.invalid"
_DATA_FILE = os.environ.get("ANSWERS_DATA")
DATA = json.loads(Path(_DATA_FILE).read_text(encoding="utf-8")) if _DATA_FILE else {}
_lock = threading.Lock()
_work = iter(DATA.get("work", []))
_records: list[dict] = []
_counter = iter(range(10**9))


def _headers(token: str, json_body: bool = False) -> dict:
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Authorization": f"Token {token}"}
    headers["Accept"] = "application/json"
    if json_body:
        headers["Content-Type"] = "application/json"
    return headers


class _Recording(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self):
        tokens = DATA["tokens"]
        self.token = tokens[next(_counter) % len(tokens)]

    def _record(self, name, started, status, expected, offer=None, action=None):
        _records.append(
            {
                "name": name,
                "started": started,
                "ended": time.perf_counter(),
                "status": status,
                "ok": status in expected,
                "offer": offer,
                "action": action,
            }
        )


class MeUser(_Recording):
    """The floor: authentication and one small row, on the same server."""

    @task
    def me(self):
        started = time.perf_counter()
        with self.client.get("/api/v1/me", headers=_headers(self.token), catch_response=True, name="me") as r:
            self._record("me", started, r.status_code, {200})
            r.success()


class AnswerUser(_Recording):
    """A provider answering: accept or decline (with reason and motivation)."""

    @task
    def answer(self):
        with _lock:
            item = next(_work, None)
        if item is None:  # the list is done: end the run (the time limit is only a guard)
            gevent.spawn(self.environment.runner.quit)
            raise StopUser()
        offer, action, contested = item["offer"], item["action"], item["contested"]
        body = {"availability_confirmed": False} if action == "accept" else DATA["decline"]
        started = time.perf_counter()
        with self.client.post(
            f"/api/v1/offers/{offer}/{action}",
            data=json.dumps(body),
            headers=_headers(self.token, json_body=True),
            catch_response=True,
            name=action,
        ) as r:
            self._record(action, started, r.status_code, {200, 409} if contested else {200}, offer, action)
            r.success()


@events.quitting.add_listener
def _write(environment, **_kwargs):
    out = os.environ.get("ANSWERS_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(_records, handle)
