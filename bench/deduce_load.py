"""Measure what the identifying-data model (deduce) costs: load time and memory (RSS) of
one process, and the time of one check on a typical referral text.

    .venv/bin/python bench/deduce_load.py        # run twice: first and second start
"""

import os
import sys
import time
from datetime import date
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgresql://x@localhost/x")
os.environ.setdefault("REDIS_URL", "redis://localhost:1/0")

import django  # noqa: E402

django.setup()

from placement import anonymisation  # noqa: E402
from placement.anonymisation import Identity, find_identifying_data  # noqa: E402

TEXTS = {
    "presenting_problems": "Jongen van 14 jaar met oplopende agressie thuis, schoolverzuim en weglopen. "
    "Sinds maart 2024 in crisisopvang; politie is meerdere keren betrokken geweest.",
    "origins": "Na de scheiding van de ouders escaleerde het thuis. Wisselende opvoeders, een eerdere "
    "pleegzorgplaatsing is gestopt.",
    "maintaining_factors": "Overbelaste moeder, geen dagbesteding, middelengebruik (cannabis), negatieve vrienden.",
    "protective_factors": "Goede band met oma; sport (voetbal) en muziek geven rust; creatief en behulpzaam.",
    "hypotheses": "Onveilige hechting en trauma houden het gedrag in stand; ADHD versterkt de impulsiviteit.",
    "goals": "Stabiele woonplek met traumabehandeling (EMDR), terug naar school (VSO), contact met vader herstellen.",
    "wishes_youth": "Ik wil naar school blijven gaan en mijn hond mag op bezoek komen.",
    "wishes_parents": "Dichtbij huis, zodat broertjes en zusjes op bezoek kunnen komen.",
    "placement_goal": "Stabiliseren en behandelen.",
}
IDENTITY = Identity(
    names=["Zoë Jansen", "Zoë", "Jansen", "Petra Jansen", "Petra"],
    bsn="111222333",
    birth_date=date(2010, 5, 14),
    street="Hengelosestraat",
    house_number="12",
    postcode="7511 AB",
    extra_terms=["Het Stedelijk Lyceum"],
)


def main():
    process = psutil.Process()
    before = process.memory_info().rss
    started = time.perf_counter()
    anonymisation.deduce_model()
    loaded = time.perf_counter() - started
    after = process.memory_info().rss
    find_identifying_data(TEXTS, IDENTITY)  # first call warms caches
    runs = 20
    started = time.perf_counter()
    for _ in range(runs):
        findings = find_identifying_data(TEXTS, IDENTITY)
    check = (time.perf_counter() - started) / runs
    started = time.perf_counter()
    for _ in range(runs):
        find_identifying_data(TEXTS, IDENTITY, model=False)
    record_only = (time.perf_counter() - started) / runs
    print(f"deduce load: {loaded:.1f} s; RSS before {before / 2**20:.0f} MiB, after {after / 2**20:.0f} MiB")
    print(
        f"one check of a typical referral (9 texts, {sum(map(len, TEXTS.values()))} characters): "
        f"{check * 1000:.1f} ms (record check alone {record_only * 1000:.1f} ms); findings: {len(findings)}"
    )


if __name__ == "__main__":
    main()
