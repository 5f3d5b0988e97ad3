"""Run every ``tests/benchmarks/bench_*.py`` as its own process with this
Python, printing each one's output under a header; exit non-zero if any
failed. ``make bench`` runs this."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    failed = []
    for bench in sorted(here.glob("bench_*.py")):
        print(f"\n=== {bench.name} ===", flush=True)
        t = time.perf_counter()
        rc = subprocess.run([sys.executable, str(bench)], cwd=here.parent.parent).returncode
        print(f"--- {bench.name}: {'ok' if rc == 0 else f'FAILED (exit {rc})'} in "
              f"{time.perf_counter() - t:.1f} s", flush=True)
        if rc != 0:
            failed.append(bench.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    print("\nall benchmarks ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
