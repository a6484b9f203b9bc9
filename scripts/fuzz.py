"""Fuzz the parsers with a large budget: the properties tests/fuzz/test_fuzz.py runs in CI, longer.

    python scripts/fuzz.py [--examples N] [--seed S] [--only TEXT ...]

Runs every property of tests/support/fuzz_strategies.py (each parser against each family of
hostile input: random Unicode, tag soup, mutated fixture pages, pages nested 5,000-20,000 deep, 1 MB
attributes, random encodings). By default each runs its own long budget, sized so that the
whole run takes about 5-10 minutes on one core; ``--examples`` gives every property the same
number instead. Prints, per property, the examples run, the failures found (a failing example
is shrunk and shown) and the time taken, then the totals and the seed: the same seed and
budget replay the same examples. Exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.fuzz_strategies import PROPERTIES  # noqa: E402


def _failures(error: BaseException) -> int:
    """Hypothesis reports distinct bugs of one property together, as an exception group."""
    if isinstance(error, BaseExceptionGroup):
        return sum(_failures(inner) for inner in error.exceptions)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, help="examples per property (default: its own)")
    parser.add_argument("--seed", type=int, help="default: a random one, printed")
    parser.add_argument(
        "--only", action="append", default=[], help="properties whose name contains this"
    )
    args = parser.parse_args(argv)
    seed = random.randrange(2**32) if args.seed is None else args.seed
    chosen = [p for p in PROPERTIES if not args.only or any(o in p.name for o in args.only)]
    # Hypothesis warns about reprs of 1 MB examples; the examples are what we want.
    warnings.simplefilter("ignore")
    print(f"fuzzing {len(chosen)} properties, seed {seed}")
    print(f"{'property':26} {'examples':>9} {'failures':>9} {'seconds':>9}")
    total_examples = total_failures = 0
    start = time.perf_counter()
    for prop in chosen:
        began = time.perf_counter()
        outcome = prop.run(args.examples or prop.long_examples, seed=seed)
        failures = 0
        if outcome.error is not None:  # shown in full; the other properties still run
            traceback.print_exception(outcome.error, file=sys.stderr)
            failures = _failures(outcome.error)
        total_examples += outcome.examples
        total_failures += failures
        seconds = time.perf_counter() - began
        print(f"{prop.name:26} {outcome.examples:>9} {failures:>9} {seconds:>9.1f}", flush=True)
    elapsed = time.perf_counter() - start
    print(
        f"total {total_examples} examples, {total_failures} failures, seed {seed}, {elapsed:.0f} s"
    )
    return 1 if total_failures else 0


if __name__ == "__main__":
    sys.exit(main())
