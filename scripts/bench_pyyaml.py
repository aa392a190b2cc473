#!/usr/bin/env python3
"""Reference timing for compiler/pipec-check/benches/check_throughput.rs.

Loads each FILE with PyYAML's C loader, `yaml.load(f, Loader=yaml.CSafeLoader)` (what a
Python tool reading a pipeline would pay), several times, and prints the median wall time of
one load per file as JSON on stdout:

    {"loader": "CSafeLoader", "pyyaml": "6.0.2", "results": [{"file": "...", "bytes": N,
     "repeats": R, "median_s": S}, ...]}

Usage: bench_pyyaml.py [--repeat N] FILE...
Without --repeat, small files are loaded more often than large ones (9, 5 or 3 times).
Exits 2 when PyYAML or its libyaml C extension is missing.
"""

import json
import os
import statistics
import sys
import time


def default_repeats(size: int) -> int:
    if size < 1_000_000:
        return 9
    if size < 5_000_000:
        return 5
    return 3


def main(argv: list[str]) -> int:
    repeat = None
    files = []
    args = iter(argv)
    for arg in args:
        if arg == "--repeat":
            repeat = int(next(args))
        elif arg.startswith("--repeat="):
            repeat = int(arg.split("=", 1)[1])
        else:
            files.append(arg)
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import yaml

        loader = yaml.CSafeLoader
    except (ImportError, AttributeError) as e:
        print(f"PyYAML C loader unavailable: {e}", file=sys.stderr)
        return 2

    results = []
    for path in files:
        size = os.path.getsize(path)
        n = repeat or default_repeats(size)
        times = []
        for _ in range(n):
            start = time.perf_counter()
            with open(path, "rb") as f:
                data = yaml.load(f, Loader=loader)
            times.append(time.perf_counter() - start)
            del data
        results.append({"file": path, "bytes": size, "repeats": n, "median_s": statistics.median(times)})
    print(json.dumps({"loader": "CSafeLoader", "pyyaml": yaml.__version__, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
