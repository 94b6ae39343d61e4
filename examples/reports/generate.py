"""Generate a large node list and security log for a quarterly report, reproducibly (never committed).

    python examples/reports/generate.py --out var/samples            # 10,000 nodes, 100,000 log lines
    python examples/reports/generate.py --nodes 1000000 --log 1000000 --out var/bench --seed 7

The same seed writes the same bytes on any machine: only Python's `random.Random(seed)` (whose sequence
is stable across Python versions for integers and choices) and fixed text formats are used. About 2% of
the nodes sit abroad (declared so), 0.5% declare a mainland place while their address is abroad, and the
rest are in the Shanghai and Beijing address blocks below; the log mixes routine events, incidents (a few
major ones reported after more than four hours) and vulnerabilities (some left open).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

CHINA = timezone(timedelta(hours=8))
# Address blocks and the places they are declared in: (first three octets' prefix, division code).
MAINLAND = [("114.114.", "310115"), ("223.5.", "310115"), ("101.226.", "310115"), ("36.110.", "110105")]
ABROAD = [("8.8.", "US"), ("203.198.", "HK")]
ROLES = ["idc", "cdn-edge", "access", "other"]
SEVERITIES = ["info", "info", "info", "low", "medium", "high", "critical"]
CATEGORIES = ["login", "scan", "ddos", "malware", "config"]


def nodes(count: int, rng: random.Random) -> list[str]:
    lines = ["id,address,role,location"]
    for index in range(count):
        draw = rng.random()
        if draw < 0.02:
            prefix, place = rng.choice(ABROAD)
            role = "offshore-cache" if place == "HK" else rng.choice(ROLES)
        elif draw < 0.025:
            prefix, _abroad = rng.choice(ABROAD)
            place, role = "310115", rng.choice(ROLES)  # declared in Shanghai, addressed abroad
        else:
            prefix, place = rng.choice(MAINLAND)
            role = rng.choice(ROLES)
        address = f"{prefix}{rng.randrange(256)}.{rng.randrange(1, 255)}"
        lines.append(f"n-{index:07d},{address},{role},{place}")
    return lines


def log(count: int, rng: random.Random, quarter_start: datetime) -> list[str]:
    lines = []
    for index in range(count):
        moment = quarter_start + timedelta(seconds=rng.randrange(90 * 24 * 3600))
        severity = rng.choice(SEVERITIES)
        event: dict[str, str] = {
            "time": moment.isoformat(timespec="seconds"),
            "severity": severity,
            "category": rng.choice(CATEGORIES),
        }
        kind = rng.random()
        if kind < 0.002:  # an incident; the graver ones must be reported within hours
            grade = rng.choice(["general", "major", "serious"])
            event.update(incident_grade=grade, status="closed")
            delay = timedelta(minutes=rng.randrange(30, 8 * 60))
            event["reported_at"] = (moment + delay).isoformat(timespec="seconds")
        elif kind < 0.01 and severity != "info":  # a vulnerability
            event.update(vulnerability_id=f"VULN-{index:07d}", status=rng.choice(["open", "in-progress", "fixed"]))
        else:
            event["status"] = "closed"
        lines.append(json.dumps(event, ensure_ascii=False))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--log", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    node_file = args.out / f"nodes-{args.nodes}.csv"
    log_file = args.out / f"security-log-{args.log}.ndjson"
    node_file.write_text("\n".join(nodes(args.nodes, rng)) + "\n", encoding="utf-8")
    log_file.write_text("\n".join(log(args.log, rng, datetime(2025, 10, 1, tzinfo=CHINA))) + "\n", encoding="utf-8")
    sys.stdout.write(f"{node_file}\n{log_file}\n")


if __name__ == "__main__":
    main()
