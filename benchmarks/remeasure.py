"""Measure some pages again on a database `benchmarks/scale.py` already built, without rebuilding it (issue 14):
to compare two versions of the code on the same data, run this from each version's checkout in turn.

    .venv/bin/python benchmarks/remeasure.py --scale 10 --database-url postgres://…/governance_bench_x10 \\
        --path /streets/{street}/ --path /breaches/ [--repeat 7]

It prints what `scale.py` prints for the paths (median ms, queries) and writes nothing.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale  # noqa: E402  (benchmarks/scale.py, beside this file)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, required=True, help="the scale the database was built at (printed)")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--path", action="append", required=True,
                        help="an entry of scale.ENDPOINTS, exactly as written there, e.g. /streets/{street}/ (repeatable)")
    args = parser.parse_args(argv)
    if not scale.database_name(args.database_url).startswith(scale.ALLOWED_PREFIXES):
        raise SystemExit(f"not a benchmark database: its name must start with {scale.ALLOWED_PREFIXES}")
    unknown = set(args.path) - {e.path for e in scale.ENDPOINTS}
    if unknown:
        raise SystemExit(f"not in scale.ENDPOINTS: {sorted(unknown)}")
    scale.ENDPOINTS[:] = [e for e in scale.ENDPOINTS if e.path in args.path]
    scale.setup_django(args.database_url)
    scale.measure(scale=args.scale, repeat=args.repeat)


if __name__ == "__main__":
    main()
