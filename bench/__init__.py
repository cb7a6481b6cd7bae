"""Benchmarks: each hot path timed against its floor (raw SQL returning the same rows)
in the same run, reported as ratios, query counts and growth. See bench/README.md."""
