"""Command-line start-up: start-to-exit time of ``labeltool stats DEMO``
(the installed console script, on a copy of resources/demo) beside a bare
``python -c pass`` measured in the same run, the import of the project
store alone (the floor: numpy, Pillow, sqlite3), and ``labeltool train
--help`` (argparse choices from the torch-free model catalogue).

Prints medians of several runs, their ratio to the bare interpreter, and
the load average around the runs. Goals: stats under 300 ms and within 3x
of bare Python.

    .venv/bin/python tests/benchmarks/bench_cli.py [--runs 15]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def wall(cmd: list[str], runs: int) -> tuple[float, list[float], float]:
    """Median wall seconds from start to exit, each run's, and the median
    CPU seconds (user + system) of the process, which other work on a
    shared machine disturbs less than the wall clock."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), times, statistics.median(cpu)


def ms(times: list[float]) -> str:
    return ", ".join(f"{x * 1000:.0f}" for x in times)


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} cores)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    exe = Path(sys.executable).parent / "labeltool"
    labeltool = [str(exe)] if exe.exists() else [sys.executable, "-m", "labeltool"]
    tmp = Path(tempfile.mkdtemp(prefix="bench_cli_"))
    try:
        demo = tmp / "demo"
        shutil.copytree(REPO / "resources" / "demo", demo)
        subprocess.run([*labeltool, "stats", str(demo)], stdout=subprocess.DEVNULL, check=True)  # warm the disk
        print(f"before: {load()}")
        bare, bare_times, bare_cpu = wall([sys.executable, "-c", "pass"], args.runs)
        print(f"bare python -c pass: median {bare * 1000:.0f} ms (runs {ms(bare_times)}); "
              f"CPU {bare_cpu * 1000:.0f} ms")
        # The floor the command line cannot go under: the store and what it
        # imports (numpy, Pillow, sqlite3).
        floor, _, floor_cpu = wall([sys.executable, "-c", "import argparse, labeltool.core.store"], args.runs)
        print(f"python -c 'import labeltool.core.store': median {floor * 1000:.0f} ms, ratio to bare "
              f"{floor / bare:.2f}x; CPU {floor_cpu * 1000:.0f} ms")
        cases = (("stats DEMO", ["stats", str(demo)], 0.3), ("train --help", ["train", "--help"], None))
        for what, argv, goal in cases:
            med, times, cpu = wall([*labeltool, *argv], args.runs)
            verdict = ""
            if goal is not None:
                ok = med < goal and med < 3 * bare
                verdict = f"; goal < {goal * 1000:.0f} ms and < 3x bare: {'ok' if ok else 'OVER GOAL'}"
            print(f"labeltool {what}: median {med * 1000:.0f} ms (runs {ms(times)}), ratio to bare "
                  f"{med / bare:.2f}x; CPU {cpu * 1000:.0f} ms, ratio {cpu / bare_cpu:.2f}x{verdict}")
        print(f"after: {load()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
