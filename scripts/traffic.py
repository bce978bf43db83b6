"""Traffic as people make it, for scripts/faults.py and scripts/soak.py: workers that sign up
(with the mailed confirmation link), set up 2FA, log in with the app's code (computed here, RFC
6238, independently of the server's library) or a backup code, check their sessions and log out,
each person from an address of their own (X-Forwarded-For, which the instances believe from
loopback). A failed request (5xx or no answer) is sent again as it was, which must be safe: the
answer to the second sending says whether the first took effect. What was answered is kept, and
`check_data` compares it with the database at the end.

`configure` names the target first: the address traffic goes to (a balancer, or one instance),
the instances behind it (for replays sent to each directly), the mail folder, the database URL.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import sqlite3
import struct
import subprocess
import threading
import time
import urllib.parse
from collections import defaultdict

PASSWORD = "correct horse battery staple"


class Target:
    def __init__(self, front, instances, outbox, database_url):
        self.front, self.instances, self.outbox, self.database_url = front, instances, outbox, database_url


TARGET = None


def address(url):
    parsed = urllib.parse.urlparse(url)
    return parsed.hostname, parsed.port


def configure(target):
    global TARGET
    TARGET = target


def totp(key, step):
    """The 6-digit code of base32 `key` at time step `step` (RFC 6238 over RFC 4226, SHA-1)."""
    secret = base64.b32decode(key.replace(" ", "").upper() + "=" * (-len(key.replace(" ", "")) % 8))
    digest = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# --- What happened, per phase --------------------------------------------------------------

lock = threading.Lock()
phase = ["warm-up"]
stats = defaultdict(lambda: defaultdict(int))
latencies = defaultdict(list)  # phase -> seconds of each request through the front
problems = []
last_success_at = [0.0]


def problem(text):
    with lock:
        problems.append(f"[{phase[0]}] {text}")


class Reply:
    def __init__(self, status=None, body=b"", headers=None, error=None):
        self.status, self.body, self.headers, self.error = status, body, headers or [], error

    @property
    def failed(self):
        return self.status is None or self.status >= 500

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def code(self):
        data = self.json()
        return data.get("error") if isinstance(data, dict) else None

    def describe(self):
        if self.status is None:
            return f"no answer ({self.error})"
        return f"{self.status} {self.body[:200]!r}"


def post(path, fields, person, to=None):
    """One POST as a client of the API: url-encoded fields, JSON answers, the person's cookies."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
        "X-Forwarded-For": person.ip,
    }
    if person.cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in person.cookies.items())
    started_in = phase[0]
    direct = to is not None
    started = time.monotonic()
    connection = http.client.HTTPConnection(*(to or TARGET.front), timeout=30)
    try:
        connection.request("POST", path, urllib.parse.urlencode(fields), headers)
        response = connection.getresponse()
        reply = Reply(response.status, response.read(), response.headers.get_all("Set-Cookie") or [])
    except (OSError, http.client.HTTPException) as error:
        reply = Reply(error=repr(error))
    finally:
        connection.close()
    for cookie in reply.headers:
        name, _, rest = cookie.partition("=")
        value = rest.split(";", 1)[0]
        if value and "Max-Age=0" not in cookie:
            person.cookies[name] = value
        else:
            person.cookies.pop(name, None)
    if direct:
        # Sent to an instance directly (a replay check), past the balancer: an instance that is
        # restarting refuses it, which is no failure of the cluster.
        return reply
    with lock:
        counts = stats[started_in]
        counts["requests"] += 1
        latencies[started_in].append(time.monotonic() - started)
        if reply.failed:
            counts["failed"] += 1
            counts["no answer" if reply.status is None else f"status {reply.status} {reply.code() or ''}".strip()] += 1
        else:
            last_success_at[0] = time.time()
    if reply.failed:
        check_failure(reply, started_in, path)
    return reply


def check_failure(reply, started_in, path):
    """A failure is allowed only where its phase allows it, and only as a 503 with a reason."""
    if reply.status == 500:
        problem(f"{path}: a 500: {reply.describe()}")
    elif started_in.startswith("database"):
        if reply.status != 503 or reply.code() not in ("database_unavailable", "no_instance_ready"):
            problem(f"{path} while the database was away: {reply.describe()}")
    elif not started_in.startswith("kill"):
        problem(f"{path}: failed: {reply.describe()}")


def send_until_answered(path, fields, person, to=None):
    """Sends, and sends again what failed (after its Retry-After) until it is answered."""
    reply = post(path, fields, person, to)
    deadline = time.time() + 60
    while reply.failed and time.time() < deadline:
        with lock:
            stats[phase[0]]["sent again"] += 1
        wait = 0.5
        if reply.status == 503 and reply.json():
            wait = min(float(reply.json().get("retry_after_secs", 1)), 2.0)
        time.sleep(wait)
        reply = post(path, fields, person, to)
    return reply


# --- People -----------------------------------------------------------------------------------


class Person:
    count = 0

    def __init__(self, worker):
        with lock:
            Person.count += 1
            n = Person.count
        self.email = f"faults-{n}-{os.getpid()}@example.org"
        self.ip = f"10.{100 + worker}.{n // 250}.{n % 250 + 1}"
        self.cookies = {}
        self.key = None
        self.backup_codes = []
        self.last_step = 0
        self.replayed = False


# What the data must show at the end.
signed_up = set()
accepted_steps = defaultdict(set)  # email -> steps accepted (200)
maybe_steps = defaultdict(set)  # email -> steps whose first sending may have been taken
accepted_backup = defaultdict(set)
maybe_backup = defaultdict(set)


def expect(reply, statuses, what):
    if reply.status not in statuses:
        problem(f"{what}: {reply.describe()}")
        return False
    return True


def check_session(person, what):
    reply = send_until_answered("/api/session", {}, person)
    data = reply.json()
    if reply.status == 200 and (not data or data.get("level") != "fully_authenticated"):
        problem(f"{what}: the session of {person.email} was found logged out: {reply.describe()}")


# The confirmation token of each mail read so far, by recipient: each file is read once, so the
# wait for a mail does not grow with the folder.
tokens_by_recipient = {}
files_read = set()


def confirm_link(person):
    """The token of the confirmation mail to `person` (the instances write mails to a folder)."""
    deadline = time.time() + 30
    while time.time() < deadline:
        with lock:
            for name in os.listdir(TARGET.outbox):
                if not name.endswith(".eml") or name in files_read:
                    continue
                path = os.path.join(TARGET.outbox, name)
                try:
                    raw = open(path, encoding="utf8", errors="replace").read()
                    settled = time.time() - os.path.getmtime(path) > 2
                except OSError:
                    continue
                text = re.sub(r"=\r?\n", "", raw)
                to = re.search(r"^To: (\S+)", text, re.MULTILINE)
                found = re.search(r"confirm-email\?token=(?:3D)?([A-Za-z0-9_-]+)", text)
                if to and found:
                    tokens_by_recipient[to.group(1)] = found.group(1)
                # A file still being written is read again; another mail, once settled, is not.
                if (to and found) or settled:
                    files_read.add(name)
            token = tokens_by_recipient.get(person.email)
        if token:
            return token
        time.sleep(0.3)
    problem(f"no confirmation mail to {person.email} within 30 s")
    return None


def sign_up_and_set_up(person):
    """The article's path over the API: sign up, confirm the address, turn 2FA on."""
    reply = send_until_answered("/api/signup", {"email": person.email, "password": PASSWORD}, person)
    if reply.status == 409 and reply.code() == "email_taken":
        # The first sending made the account; this browser logs in to it.
        reply = send_until_answered("/api/login", {"email": person.email, "password": PASSWORD}, person)
    if not expect(reply, (200,), f"sign-up of {person.email}"):
        return False
    with lock:
        signed_up.add(person.email)
    check_session(person, "after the sign-up")
    token = confirm_link(person)
    if token is None:
        return False
    reply = send_until_answered("/api/email/confirm", {"token": token}, person)
    if not expect(reply, (200, 410), f"confirming {person.email}"):
        return False
    reply = send_until_answered("/api/two-factor/begin", {"password": PASSWORD}, person)
    if not expect(reply, (200,), f"setup of {person.email}"):
        return False
    person.key = reply.json()["key"].replace(" ", "")
    step = int(time.time()) // 30
    reply = send_until_answered("/api/two-factor/confirm", {"code": totp(person.key, step)}, person)
    if reply.status == 409 and reply.code() == "two_factor_already_on":
        # The first sending turned it on: the codes can be fetched once, by this session.
        download = send_until_answered("/api/two-factor/backup-codes", {}, person)
        codes = re.findall(r"\b[a-z0-9]{5}-[a-z0-9]{5}\b", download.body.decode("utf8", "replace"))
        person.backup_codes = codes
    elif expect(reply, (200,), f"confirming the setup of {person.email}"):
        person.backup_codes = list(reply.json()["codes"])
    else:
        return False
    person.last_step = step
    with lock:
        accepted_steps[person.email].add(step)
    check_session(person, "after the setup")
    return True


def log_in_with_code(person, to=None):
    """A login with the app's code of the current step; answers the step, or None."""
    step = int(time.time()) // 30
    if step <= person.last_step:
        return None
    person.cookies.pop("session", None)
    reply = send_until_answered("/api/login", {"email": person.email, "password": PASSWORD}, person, to)
    if not expect(reply, (200,), f"password of {person.email}"):
        return None
    if reply.json().get("level") != "password_verified":
        problem(f"{person.email} has 2FA on, yet the password alone logged in: {reply.describe()}")
        return None
    first = post("/api/login/code", {"code": totp(person.key, step)}, person, to)
    person.last_step = step
    if first.failed:
        with lock:
            maybe_steps[person.email].add(step)
            stats[phase[0]]["sent again"] += 1
        again = send_until_answered("/api/login/code", {"code": totp(person.key, step)}, person, to)
        # Safe to send again: accepted, or refused as used (the first was taken) or as a session
        # that the first ended.
        expect(again, (200, 401), f"the code of {person.email} sent again")
        if again.status == 200:
            with lock:
                accepted_steps[person.email].add(step)
            return step
        return None
    if not expect(first, (200,), f"the code of {person.email}"):
        return None
    with lock:
        accepted_steps[person.email].add(step)
    return step


def log_in_with_backup_code(person):
    if not person.backup_codes:
        return
    person.cookies.pop("session", None)
    reply = send_until_answered("/api/login", {"email": person.email, "password": PASSWORD}, person)
    if not expect(reply, (200,), f"password of {person.email}"):
        return
    code = person.backup_codes.pop()
    first = post("/api/login/backup-code", {"code": code}, person)
    if first.failed:
        with lock:
            maybe_backup[person.email].add(code)
            stats[phase[0]]["sent again"] += 1
        again = send_until_answered("/api/login/backup-code", {"code": code}, person)
        expect(again, (200, 401), f"the backup code of {person.email} sent again")
        if again.status == 200:
            with lock:
                accepted_backup[person.email].add(code)
            check_session(person, "after a backup-code login")
        return
    if expect(first, (200,), f"the backup code of {person.email}"):
        with lock:
            accepted_backup[person.email].add(code)
        check_session(person, "after a backup-code login")


def log_out(person):
    send_until_answered("/api/logout", {}, person)


def replay_on_each_instance(person, step):
    """The code just accepted, sent again to each instance directly: refused by both."""
    for name, to in TARGET.instances.items():
        person.cookies.pop("session", None)
        reply = post("/api/login", {"email": person.email, "password": PASSWORD}, person, to)
        if reply.failed:
            return  # the instance is restarting: nothing to learn
        used = post("/api/login/code", {"code": totp(person.key, step)}, person, to)
        if used.status == 200:
            problem(f"instance {name} accepted a code of {person.email} a second time (step {step})")


stop = threading.Event()


def worker(number):
    try:
        play(number)
    except Exception as error:  # a bug here, or an answer of the wrong shape: said, not lost
        problem(f"worker {number} stopped: {error!r}")


def play(number):
    # One person stays logged in all along: their session must survive every restart.
    staying = Person(number)
    if not sign_up_and_set_up(staying):
        return
    people = []
    turn = 0
    while not stop.is_set():
        turn += 1
        check_session(staying, "the session kept all along")
        if turn % 3 == 1 or not people:
            person = Person(number)
            if sign_up_and_set_up(person):
                people.append(person)
                log_out(person)
            continue
        ready = [p for p in people if p.last_step < int(time.time()) // 30]
        if turn % 3 == 2 and ready:
            person = ready[turn % len(ready)]
            step = log_in_with_code(person)
            if step is not None:
                check_session(person, "after a login with a code")
                log_out(person)
                # Once per person: each replay is a wrong code on the account, and ten a day
                # lock it (the guessing limit), which a long soak would reach.
                if turn % 4 == 2 and not person.replayed:
                    person.replayed = True
                    replay_on_each_instance(person, step)
                    person.cookies.pop("session", None)
            continue
        log_in_with_backup_code(people[turn % len(people)])
        log_out(people[turn % len(people)])


# --- The faults ---------------------------------------------------------------------------------


def set_phase(name, announce=True):
    """Requests begun from now on count under `name`."""
    with lock:
        phase[0] = name
    if announce:
        print(f"{time.strftime('%H:%M:%S')} {name}", flush=True)


def query(sql):
    """Rows of `sql` in the target's database (PostgreSQL by psql, SQLite by Python's module)."""
    url = TARGET.database_url
    if url.startswith("sqlite:"):
        path = url.split(":", 1)[1].lstrip("/").split("?")[0]
        with sqlite3.connect(f"file:/{path}?mode=ro", uri=True) as db:
            return [[str(v) for v in row] for row in db.execute(sql)]
    out = subprocess.run(["psql", url, "-tAF", "\t", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def check_data():
    emails = {row[0] for row in query("SELECT email FROM users")}
    lost = signed_up - emails
    if lost:
        problem(f"{len(lost)} sign-ups answered 200 have no account: {sorted(lost)[:5]}")
    half = query(
        "SELECT u.email FROM users u WHERE EXISTS (SELECT 1 FROM totp_credentials t WHERE t.user_id = u.id) "
        "<> EXISTS (SELECT 1 FROM backup_codes b WHERE b.user_id = u.id)"
    )
    if half:
        problem(f"{len(half)} accounts are half set up (a key without backup codes, or the reverse): {half[:5]}")
    used = {row[0]: int(row[1]) for row in query(
        "SELECT u.email, COUNT(b.used_at) FROM users u JOIN backup_codes b ON b.user_id = u.id GROUP BY u.email"
    )}
    for email in set(accepted_backup) | set(maybe_backup):
        low = len(accepted_backup[email])
        high = low + len(maybe_backup[email] - accepted_backup[email])
        if not low <= used.get(email, 0) <= high:
            problem(f"{email}: {used.get(email, 0)} backup codes used in the database, {low} accepted")
    last = {row[0]: int(row[1]) for row in query(
        "SELECT u.email, t.last_step FROM users u JOIN totp_credentials t ON t.user_id = u.id"
    )}
    for email, steps in accepted_steps.items():
        highest = max(steps | maybe_steps[email])
        if not max(steps) <= last.get(email, -1) <= highest:
            problem(f"{email}: last step {last.get(email)} in the database, accepted up to {max(steps)}")
    # Every accepted backup code, once more on each instance: refused.
    replayed = 0
    for email, codes in list(accepted_backup.items())[:8]:
        for name, to in TARGET.instances.items():
            person = Person(0)
            person.email = email
            reply = post("/api/login", {"email": email, "password": PASSWORD}, person, to)
            if reply.status != 200:
                problem(f"{email}: the password on instance {name}: {reply.describe()}")
                continue
            code = sorted(codes)[0]
            again = post("/api/login/backup-code", {"code": code}, person, to)
            replayed += 1
            if again.status != 401:
                problem(f"instance {name} accepted a used backup code of {email}: {again.describe()}")
    return len(emails), replayed


