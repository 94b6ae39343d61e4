"""Benchmark: a 1,000,000-line security log validated and summarised, against DuckDB reading and grouping it.

Each path runs in a child process of its own, so that its peak memory (the child's maximum resident set,
less what the interpreter and its imports hold before reading) is its own. Prints the times, their ratio
and the memory against the file's size; the goals (within 2.5 times DuckDB, at most 3 times the file's
size) are printed, not asserted.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

LINES = 1_000_000
SEED = 20251101
GRADES = ["general", "major", "serious"]
SEVERITIES = ["critical", "high", "medium", "low", "info"]


def write_log(path: Path, lines: int = LINES, seed: int = SEED) -> None:
    """A reproducible NDJSON log: incidents, vulnerabilities and other events, in China time."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(lines):
            day, hour, minute = 1 + i % 28, i % 24, i % 60
            event: dict[str, str] = {
                "time": f"2025-11-{day:02d}T{hour:02d}:{minute:02d}:00+08:00",
                "severity": rng.choice(SEVERITIES),
                "category": rng.choice(["scan", "ddos", "intrusion", "malware"]),
            }
            if i % 10 == 0:
                event["incident_grade"] = rng.choice(GRADES)
                event["reported_at"] = f"2025-11-{day:02d}T{hour:02d}:59:00+08:00"
                event["status"] = "closed"
            elif i % 10 == 1:
                event["vulnerability_id"] = f"CVE-2025-{i:07d}"
                event["status"] = rng.choice(["open", "fixed"])
            handle.write(json.dumps(event) + "\n")


def measure(kind: str, path: Path) -> None:
    """In the child: read and summarise, then print seconds, rows and the memory used beyond the imports."""
    import duckdb
    import polars as pl

    from vatspilot.analytics.supervision.security_log import read_security_log, summarise

    del pl  # imported so that the baseline holds it, as it holds duckdb
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.perf_counter()
    if kind == "vatspilot":
        summary = summarise(read_security_log(path))
        rows = int(summary["lines"].sum())
    else:
        result = duckdb.sql(
            f"SELECT severity, incident_grade IS NOT NULL AS incident, count(*) AS lines "
            f"FROM read_json_auto('{path}') GROUP BY ALL"
        ).fetchall()
        rows = sum(row[2] for row in result)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "rows": rows, "memory": peak - baseline}))


def child(kind: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(path)], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    path = out / "security_log.ndjson"
    if not path.exists():
        write_log(path)
    size = path.stat().st_size
    ours = min((child("vatspilot", path) for _ in range(2)), key=lambda r: r["seconds"])
    theirs = min((child("duckdb", path) for _ in range(2)), key=lambda r: r["seconds"])
    ratio = ours["seconds"] / theirs["seconds"]
    memory = ours["memory"] / size
    print(f"security log: {LINES:,} lines, {size / 1e6:.0f} MB (NDJSON)")
    print(f"validated and summarised: {ours['seconds']:.2f} s, {ours['memory'] / 1e6:.0f} MB beyond the imports")
    print(f"DuckDB read and grouped: {theirs['seconds']:.2f} s, {theirs['memory'] / 1e6:.0f} MB beyond the imports")
    print(f"ratio vatspilot / DuckDB: {ratio:.2f}x   (goal: within 2.5x: {'met' if ratio <= 2.5 else 'MISSED'})")
    print(f"peak memory / file size: {memory:.2f}   (goal: at most 3: {'met' if memory <= 3 else 'MISSED'})")
    if ours["rows"] != LINES or theirs["rows"] != LINES:
        print(f"rows differ: {ours['rows']:,} and {theirs['rows']:,}, not {LINES:,}")
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        measure(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
