"""Prints the WebApp's series of two /metrics scrapes that moved between them, and fails when
the logins did not: proof that a monitoring system sees the numbers move during a test run."""
import sys


def samples(path):
    values = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("webapp_") and " " in line:
            series, value = line.rsplit(" ", 1)
            values[series] = float(value)
    return values


before, after = samples(sys.argv[1]), samples(sys.argv[2])
moved = {s: after[s] - before.get(s, 0.0) for s in after if after[s] != before.get(s, 0.0)}
for series in sorted(moved):
    if "_bucket" not in series:
        print(f"{series} {moved[series]:+g}")
logins = sum(v for s, v in moved.items() if s.startswith("webapp_logins_total"))
if logins <= 0:
    print("webapp_logins_total did not move during the browser tests", file=sys.stderr)
    sys.exit(1)
