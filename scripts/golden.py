"""Run the golden cases: print what each gets wrong and write snapshot.json for review.

    python scripts/golden.py            # table of problems per case
    python scripts/golden.py --write    # also (re)write tests/golden/*/snapshot.json

snapshot.json is rokhdad's current output (eval schema) for the case; review its diff
like code. expected.json is hand-made and is never written by this script.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "golden"))

from golden import cases, check, known_failures  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    known = known_failures()
    total = matched = passed = 0
    for case in cases():
        result = check(case)
        total += result.expected
        matched += result.matched
        ok = not result.problems
        passed += ok
        flag = "ok  " if ok else ("KNOWN" if case.name in known else "FAIL")
        print(f"{flag} {case.name}  ({result.matched}/{result.expected} expected events matched)")
        for problem in result.problems:
            print(f"       {problem}")
        if args.write:
            (case / "snapshot.json").write_text(
                json.dumps(result.predicted, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\n{passed}/{len(cases())} cases fully right; {matched}/{total} expected events matched")
    return 0


if __name__ == "__main__":
    sys.exit(main())
