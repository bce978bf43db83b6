#!/usr/bin/env python3
"""The traffic of scripts/traffic.py for many minutes against a running WebApp, printing each
minute's requests per second, latency percentiles, failures and the instances' memory (RSS); at
the end, whether memory and latency stayed flat and the data agrees with what was answered.
Run by scripts/soak.sh, which starts the WebApp (one instance on SQLite, then the pair on
PostgreSQL behind HAProxy).

    python3 scripts/soak.py --front http://127.0.0.1:3000 --instance only=http://127.0.0.1:3000 \\
        --pid 1234 --outbox data/outbox --database sqlite://data/webapp.db --minutes 10

Goals (each printed with its verdict): RSS at the end at most 10% above the end of the first
minute (the first minute fills caches and pools), the p99 of the last minutes not above the
p99 of the first ones (after the first) by more than a quarter, and no failed request.
"""

import argparse
import os
import sys
import threading
import time

import traffic
from traffic import check_data, latencies, problems, set_phase, stats, stop, worker


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--front", required=True, help="where the traffic goes (an instance or a balancer)")
    parser.add_argument("--instance", action="append", required=True, help="name=URL of each instance")
    parser.add_argument("--pid", action="append", type=int, required=True, help="each instance's process id")
    parser.add_argument("--outbox", required=True, help="the folder the instances write mails to")
    parser.add_argument("--database", required=True, help="the instances' database URL")
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--workers", type=int, default=6)
    args = parser.parse_args()
    # A shorter "minute", to try the script itself: SOAK_MINUTE_SECS=10.
    minute_secs = float(os.environ.get("SOAK_MINUTE_SECS", "60"))

    instances = {}
    for item in args.instance:
        name, _, url = item.partition("=")
        instances[name] = traffic.address(url)
    traffic.configure(traffic.Target(traffic.address(args.front), instances, args.outbox, args.database))

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(args.workers)]
    for thread in threads:
        thread.start()
    print(f"{'minute':>6} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'failed':>6}  RSS MB per instance", flush=True)
    rows = []
    try:
        for minute in range(1, args.minutes + 1):
            name = f"minute {minute}"
            set_phase(name, announce=False)
            time.sleep(minute_secs)
            counts, times = stats[name], latencies[name]
            rss = [rss_mb(pid) for pid in args.pid]
            row = {
                "rate": counts["requests"] / minute_secs,
                "p50": percentile(times, 0.50) * 1000,
                "p99": percentile(times, 0.99) * 1000,
                "failed": counts["failed"],
                "rss": sum(rss),
            }
            rows.append(row)
            print(
                f"{minute:>6} {row['rate']:>7.1f} {row['p50']:>7.1f} {row['p99']:>7.1f} {row['failed']:>6}  "
                + " ".join(f"{r:.1f}" for r in rss),
                flush=True,
            )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    set_phase("checking the data")
    accounts, _ = check_data()

    verdicts = []
    if len(rows) >= 2:
        growth = (rows[-1]["rss"] - rows[0]["rss"]) / rows[0]["rss"] * 100
        verdicts.append((growth <= 10, f"RSS from the end of minute 1 to the end: {growth:+.1f}% (goal: at most +10%)"))
    if len(rows) >= 4:
        later = rows[1:]
        third = max(1, len(later) // 3)
        first = sorted(r["p99"] for r in later[:third])[third // 2]
        last = sorted(r["p99"] for r in later[-third:])[third // 2]
        verdicts.append(
            (last <= first * 1.25, f"p99 of the last {third} minutes {last:.0f} ms, of minutes 2..{1 + third} {first:.0f} ms (goal: no upward drift, at most +25%)")
        )
    failed = sum(r["failed"] for r in rows)
    verdicts.append((failed == 0 and not problems, f"failed requests: {failed}; problems: {len(problems)} (goal: none)"))
    print(f"\n{accounts} accounts in the database at the end")
    for ok, text in verdicts:
        print(f"{'ok  ' if ok else 'MISS'} {text}")
    for text in problems[:20]:
        print(f"  {text}", file=sys.stderr)
    return 0 if all(ok for ok, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
