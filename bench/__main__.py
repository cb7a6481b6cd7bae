"""python -m bench [NAME ...] [--repeat N] [--scales 1,4,16] [--out FILE] [--list] [--no-cache]

Run through `make bench` (which starts the embedded database) or with DATABASE_URL and
REDIS_URL set. Writes bench/results/latest.json and prints a table.
"""

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from bench import benchmarks  # noqa: E402
from bench.harness import REGISTRY, format_table, run_benchmarks, write_json  # noqa: E402


def main(argv=None) -> int:
    for module in pkgutil.iter_modules(benchmarks.__path__):
        importlib.import_module(f"bench.benchmarks.{module.name}")
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--scales", default=None, help="comma separated, e.g. 1,4,16")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "latest.json"))
    parser.add_argument("--list", action="store_true")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="make the national data again instead of reusing today's (bench/cache.py)",
    )
    args = parser.parse_args(argv)
    if args.list:
        for name, benchmark in sorted(REGISTRY.items()):
            print(f"{name:<34} {benchmark.description}")
        return 0
    unknown = set(args.names) - set(REGISTRY)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    scales = tuple(int(s) for s in args.scales.split(",")) if args.scales else None
    chosen = [REGISTRY[name] for name in args.names or sorted(REGISTRY)]
    reports = run_benchmarks(
        chosen,
        repeat=args.repeat,
        scales=scales,
        progress=lambda m: print(m, file=sys.stderr, flush=True),
        checkpoint=lambda so_far: write_json(so_far, args.out),  # what was measured survives a stop
        cache=not args.no_cache,
    )
    print(format_table(reports))
    write_json(reports, args.out)
    print(f"\nwritten to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
