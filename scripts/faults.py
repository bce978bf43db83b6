#!/usr/bin/env python3
"""Steady mixed traffic through the balancer of scripts/cluster.sh while instances restart, one
is killed and PostgreSQL stops; then checks that nothing was lost or done twice.

Run by scripts/faults.sh (which brings the cluster up and down). The traffic is scripts/traffic.py:
sign-ups (with the mailed confirmation link), 2FA setups, logins with the app's code and with
backup codes, session checks and logouts, from many accounts.

Per phase it counts requests, failures and requests sent again, and fails when:
- a request failed outside the kill and the database outage (restarts must lose nothing);
- a request failed with a 500, or without the reason a 503 carries, in any phase;
- more requests failed at the kill than were in flight;
- a session was found logged out;
- the cluster did not serve again within 15 s of PostgreSQL being back;
- the data disagrees with what was answered: a sign-up answered 200 without its account, a
  backup code or app code accepted twice (also tried again on each instance directly), an
  account half set up.
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time

import traffic
from traffic import (
    accepted_backup,
    accepted_steps,
    check_data,
    last_success_at,
    problem,
    problems,
    set_phase,
    signed_up,
    stats,
    stop,
    worker,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLUSTER = [os.path.join(ROOT, "scripts", "cluster.sh")]
CLUSTER_DIR = os.environ.get("CLUSTER_DIR", os.path.join(ROOT, "target", "cluster"))
WORKERS = int(os.environ.get("FAULTS_WORKERS", "6"))


def read_env():
    """The addresses scripts/cluster.sh wrote."""
    env = {}
    with open(os.path.join(CLUSTER_DIR, "env")) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            env[key] = value
    return env


ENV = read_env()
INSTANCES = {"a": traffic.address(ENV["INSTANCE_a"]), "b": traffic.address(ENV["INSTANCE_b"])}
traffic.configure(traffic.Target(traffic.address(ENV["BALANCER"]), INSTANCES, ENV["OUTBOX_DIR"], ENV["DATABASE_URL"]))

def cluster(*args):
    subprocess.run(CLUSTER + list(args), check=True)


def readyz(name):
    connection = http.client.HTTPConnection(*INSTANCES[name], timeout=10)
    try:
        connection.request("GET", "/readyz")
        response = connection.getresponse()
        return response.status, response.read().decode()
    except (OSError, http.client.HTTPException) as error:
        return None, repr(error)
    finally:
        connection.close()


def balancer_retries():
    """Requests the balancer had to send again (to the same instance or another one), from its
    stats socket: one means an instance refused a connection the balancer still sent it."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(os.path.join(CLUSTER_DIR, "haproxy.sock"))
        sock.sendall(b"show stat\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    lines = data.decode().lstrip("# ").splitlines()
    header = lines[0].split(",")
    total = 0
    for line in lines[1:]:
        row = dict(zip(header, line.split(",")))
        if row.get("pxname") == "instances" and row.get("svname") == "BACKEND":
            total += int(row.get("wretr") or 0) + int(row.get("wredis") or 0)
    return total


def run_faults():
    set_phase("warm-up")
    time.sleep(15)
    before = balancer_retries()
    for round_ in (1, 2):
        for name in ("a", "b"):
            set_phase(f"rolling restart {round_}: {name}")
            cluster("restart", name)
            time.sleep(2)
    # Each instance drained first: the balancer took it out before it stopped accepting, so it
    # never had to try a request again (it would have hidden that from the clients).
    retried = balancer_retries() - before
    print(f"the balancer sent {retried} requests again during the rolling restarts", flush=True)
    if retried:
        problem(f"the balancer had to send {retried} requests again: an instance stopped accepting while in rotation")
    set_phase("steady")
    time.sleep(5)
    # The phase begins before the kill, so that what is in flight at the kill began in it.
    set_phase("kill: a gets SIGKILL")
    time.sleep(2)
    cluster("kill", "a")
    time.sleep(1)
    cluster("start", "a")
    set_phase("steady after the kill")
    time.sleep(5)
    set_phase("database: PostgreSQL stopped for 4 s")
    time.sleep(1)
    cluster("db-stop")
    stopped_at = time.time()
    why = {}
    while time.time() - stopped_at < 4:
        for name in INSTANCES:
            status, body = readyz(name)
            if status == 503:
                why[name] = body
        time.sleep(0.3)
    for name in INSTANCES:
        if "the database does not answer" not in why.get(name, ""):
            problem(f"instance {name}'s /readyz did not say the database was away: {why.get(name)}")
    set_phase("database: back")
    cluster("db-start")
    back_at = time.time()
    while last_success_at[0] < back_at and time.time() - back_at < 30:
        time.sleep(0.2)
    recovered = last_success_at[0] - back_at
    print(f"served again {recovered:.1f} s after PostgreSQL was back", flush=True)
    if recovered < 0 or recovered > 15:
        problem(f"the cluster did not serve again within 15 s of PostgreSQL being back ({recovered:.1f} s)")
    time.sleep(3)
    set_phase("after")
    time.sleep(10)


def main():
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    try:
        run_faults()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    set_phase("checking the data")
    accounts, replayed = check_data()

    print()
    print(f"{'phase':<40} {'requests':>9} {'failed':>7} {'sent again':>11}  failures")
    for name, counts in stats.items():
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()) if k.startswith(("status", "no answer")))
        print(f"{name:<40} {counts['requests']:>9} {counts['failed']:>7} {counts['sent again']:>11}  {kinds}")
    total = sum(c["requests"] for c in stats.values())
    print(
        f"\n{total} requests; {len(signed_up)} sign-ups answered 200, {accounts} accounts in the database; "
        f"{sum(len(s) for s in accepted_steps.values())} app codes and "
        f"{sum(len(s) for s in accepted_backup.values())} backup codes accepted; "
        f"{replayed} used backup codes sent again to an instance directly"
    )
    killed = stats["kill: a gets SIGKILL"]["failed"]
    if killed > WORKERS:
        problem(f"{killed} requests failed at the kill, more than the {WORKERS} that can be in flight")
    if problems:
        print(f"\nFAILED: {len(problems)} problems", file=sys.stderr)
        for text in problems[:40]:
            print(f"  {text}", file=sys.stderr)
        return 1
    print("\nNothing lost, nothing done twice.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
