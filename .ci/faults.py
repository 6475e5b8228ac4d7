#!/usr/bin/env python3
"""The fault test (issue 29): two API processes on one PostgreSQL database, concurrent writers,
and the database restarted fast, stopped for a few seconds and killed (an immediate stop, as a
crash). It runs on a throwaway PostgreSQL cluster of its own (initdb on another port), so it
never touches the shared one.

Checked afterwards:
- every acknowledged write exists exactly once, with exactly one revision (none half-applied),
  and nothing exists that was never sent;
- every refused request was HTTP 503 SERVICE_UNAVAILABLE with Retry-After (never an internal
  error), answered within 3 s;
- both processes recover by themselves after each fault.

It prints its figures (acknowledged, lost, failures by code, slowest 503, recovery times) and
exits non-zero when a check fails. Usage: faults.py BINARY (the `normwatch` binary to run).
Standard library only.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

PG_BIN = None
for version in sorted(os.listdir("/usr/lib/postgresql"), reverse=True):
    candidate = f"/usr/lib/postgresql/{version}/bin"
    if os.path.exists(f"{candidate}/initdb"):
        PG_BIN = candidate
        break

SECRET = "normwatch-fault-test-secret-0123456789abcdef"
WRITERS = 8
SLOW_503 = 3.0  # seconds: an outage must be answered within this
RECOVERY_LIMIT = 20.0  # seconds for a process to serve again once the database is back


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(args, **kw):
    """Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--"] + args
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


class Cluster:
    def __init__(self, root):
        self.data = os.path.join(root, "pg")
        self.sock = os.path.join(root, "sock")
        self.port = free_port()
        os.makedirs(self.sock)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
            shutil.chown(self.sock, "postgres")
        as_postgres([f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def ctl(self, *args):
        opts = f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=on"
        as_postgres([f"{PG_BIN}/pg_ctl", "-D", self.data, "-o", opts, "-w", "-l", os.path.join(self.data, "log"), *args])

    def start(self):
        self.ctl("start")

    def stop(self, mode):
        self.ctl("stop", "-m", mode)

    def restart(self):
        self.ctl("restart", "-m", "fast")


def post(base, query, variables=None, token=None, timeout=30):
    """One GraphQL POST: (HTTP status, Retry-After, body as JSON or None, seconds taken)."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(base + "/graphql", data=body, headers={"content-type": "application/json"})
    if token:
        req.add_header("authorization", "Bearer " + token)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers.get("retry-after"), json.loads(r.read()), time.monotonic() - started
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        return e.code, e.headers.get("retry-after"), parsed, time.monotonic() - started
    except (urllib.error.URLError, OSError) as e:
        return 0, None, {"transport": str(e)}, time.monotonic() - started


def ready(base):
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=5) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


CREATE = (
    "mutation($k: String!) { createSource(input: { key: $k, kind: NEWS, tier: PUBLISHER, "
    'title: "Written during a fault", publisher: "Fault test", url: "https://example.org/fault" }) { id } }'
)


class Writers:
    """Writers creating sources with unique keys, round-robin over the processes."""

    def __init__(self, bases, token):
        self.bases, self.token = bases, token
        self.lock = threading.Lock()
        self.acked, self.unknown, self.sent = set(), set(), set()
        self.failures = {}  # code -> count
        self.bad = []  # answers that break the contract
        self.slowest_503 = 0.0
        self.stop = threading.Event()

    def run(self, w):
        i = 0
        while not self.stop.is_set():
            key = f"fault-{w}-{i}"
            base = self.bases[i % len(self.bases)]
            i += 1
            with self.lock:
                self.sent.add(key)
            status, retry, body, took = post(base, CREATE, {"k": key}, self.token)
            with self.lock:
                if status == 200 and body and body.get("data") and body["data"].get("createSource"):
                    self.acked.add(key)
                    continue
                self.unknown.add(key)
                errors = (body or {}).get("errors") or [{}]
                code = (errors[0].get("extensions") or {}).get("code") or (
                    "NO_ANSWER" if status == 0 else f"HTTP_{status}"
                )
                self.failures[code] = self.failures.get(code, 0) + 1
                if code == "SERVICE_UNAVAILABLE":
                    self.slowest_503 = max(self.slowest_503, took)
                    if status != 503 or retry is None:
                        self.bad.append(f"{key}: SERVICE_UNAVAILABLE with HTTP {status}, Retry-After {retry}")
                    if took > SLOW_503:
                        self.bad.append(f"{key}: 503 after {took:.2f} s")
                elif code != "NO_ANSWER":
                    self.bad.append(f"{key}: HTTP {status} {json.dumps(body)[:300]}")
            time.sleep(0.01 if status != 200 else 0)


def wait_ready(bases, since):
    """Seconds until every process answers /readyz again (None if not within the limit)."""
    pending = set(bases)
    times = {}
    while pending and time.monotonic() - since < RECOVERY_LIMIT:
        for b in list(pending):
            if ready(b):
                times[b] = time.monotonic() - since
                pending.discard(b)
        time.sleep(0.05)
    return None if pending else max(times.values())


UPDATE = "mutation($id: ID!, $v: Int!, $n: String!) { updateSource(id: $id, version: $v, input: { note: $n }) { version } }"


def sqlite_beside_the_command_line(binary):
    """SQLite: one server taking writes (creates, and corrections that read before they write)
    while `normwatch user create` runs beside it in another process, again and again. Every write
    must wait its turn (busy timeout): none refused. Returns the list of failures."""
    root = tempfile.mkdtemp(prefix="normwatch-faults-sqlite-", dir="/var/tmp")
    env = dict(os.environ, DATABASE_URL=f"sqlite://{root}/nw.db?mode=rwc", NORMWATCH_JWT_SECRET=SECRET,
               NORMWATCH_SEED_ON_START="false", NORMWATCH_RATE_LIMIT_CAPACITY="100000000",
               NORMWATCH_RATE_LIMIT_PER_MINUTE="100000000", RUST_LOG="error")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    failed = []
    server = None
    try:
        subprocess.run([binary, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([binary, "user", "create", "--email", "faults@example.org", "--role", "EDITOR"],
                       input="a-fault-test-password\n", text=True, env=env, check=True, capture_output=True)
        server = subprocess.Popen([binary, "serve"], env=dict(env, NORMWATCH_ADDR=f"127.0.0.1:{port}"),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if wait_ready([base], time.monotonic()) is None:
            return ["the SQLite server did not start"]
        _, _, body, _ = post(base, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                             {"e": "faults@example.org", "p": "a-fault-test-password"})
        token = body["data"]["login"]["token"]
        stop = threading.Event()
        lock = threading.Lock()
        counts = {"acked": 0, "refused": []}

        def writer(w):
            status, _, body, _ = post(base, CREATE, {"k": f"sqlite-{w}"}, token)
            sid = body["data"]["createSource"]["id"]
            version, i = 1, 0
            while not stop.is_set():
                status, _, body, _ = post(base, UPDATE, {"id": sid, "v": version, "n": f"correction {i}"}, token)
                i += 1
                with lock:
                    if status == 200 and body.get("data") and body["data"].get("updateSource"):
                        version = body["data"]["updateSource"]["version"]
                        counts["acked"] += 1
                    else:
                        counts["refused"].append(f"HTTP {status} {json.dumps(body)[:200]}")

        threads = [threading.Thread(target=writer, args=(w,), daemon=True) for w in range(4)]
        for t in threads:
            t.start()
        cli_failures = 0
        for n in range(6):
            r = subprocess.run([binary, "user", "create", "--email", f"cli-{n}@example.org", "--role", "VIEWER"],
                               input="a-fault-test-password\n", text=True, env=env, capture_output=True)
            cli_failures += r.returncode != 0
        stop.set()
        for t in threads:
            t.join(timeout=30)
        print(f"SQLite beside the command line: {counts['acked']} corrections acknowledged, "
              f"{len(counts['refused'])} refused; 6 accounts created by another process, {cli_failures} failed")
        if counts["refused"]:
            failed.append(f"SQLite: {len(counts['refused'])} writes refused: {counts['refused'][:3]}")
        if cli_failures:
            failed.append(f"SQLite: {cli_failures} `user create` runs failed")
        if counts["acked"] < 50:
            failed.append(f"SQLite: only {counts['acked']} writes acknowledged")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
    return failed


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: faults.py BINARY")
    binary = os.path.abspath(sys.argv[1])
    if PG_BIN is None:
        sys.exit("no PostgreSQL server binaries under /usr/lib/postgresql")
    root = tempfile.mkdtemp(prefix="normwatch-faults-", dir="/var/tmp")
    os.chmod(root, 0o755)
    cluster = Cluster(root)
    servers = []
    failed = []
    try:
        cluster.start()
        env = dict(os.environ, DATABASE_URL=cluster.url + "?sslmode=disable", NORMWATCH_JWT_SECRET=SECRET,
                   NORMWATCH_SEED_ON_START="false", NORMWATCH_RATE_LIMIT_CAPACITY="100000000",
                   NORMWATCH_RATE_LIMIT_PER_MINUTE="100000000", RUST_LOG="error", NORMWATCH_LOG_FORMAT="text")
        subprocess.run([binary, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([binary, "user", "create", "--email", "faults@example.org", "--role", "EDITOR"],
                       input="a-fault-test-password\n", text=True, env=env, check=True, capture_output=True)
        bases = []
        for _ in range(2):
            port = free_port()
            log = open(os.path.join(root, f"server-{port}.log"), "w")
            servers.append(subprocess.Popen([binary, "serve"], env=dict(env, NORMWATCH_ADDR=f"127.0.0.1:{port}"),
                                            stdout=log, stderr=subprocess.STDOUT))
            bases.append(f"http://127.0.0.1:{port}")
        if wait_ready(bases, time.monotonic()) is None:
            sys.exit("the servers did not start")
        _, _, body, _ = post(bases[0], "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                             {"e": "faults@example.org", "p": "a-fault-test-password"})
        token = body["data"]["login"]["token"]

        writers = Writers(bases, token)
        threads = [threading.Thread(target=writers.run, args=(w,), daemon=True) for w in range(WRITERS)]
        for t in threads:
            t.start()
        recoveries = {}
        time.sleep(3)
        for name, fault in [
            ("fast restart", cluster.restart),
            ("stopped 4 s", lambda: (cluster.stop("fast"), time.sleep(4), cluster.start())),
            ("killed (immediate stop)", lambda: (cluster.stop("immediate"), cluster.start())),
        ]:
            fault()
            back = time.monotonic()
            recoveries[name] = wait_ready(bases, back)
            if recoveries[name] is None:
                failed.append(f"the processes did not recover within {RECOVERY_LIMIT:.0f} s after: {name}")
            time.sleep(3)
        writers.stop.set()
        for t in threads:
            t.join(timeout=40)

        # What the database holds: every source the test wrote, and its revisions.
        out = subprocess.run(
            ["psql", cluster.url, "-At", "-F", "\t", "-c",
             "SELECT s.key, (SELECT COUNT(*) FROM sources t WHERE t.key = s.key), "
             "(SELECT COUNT(*) FROM revisions r WHERE r.record_kind = 'SOURCE' AND r.record_id = s.id) "
             "FROM sources s WHERE s.key LIKE 'fault-%'"],
            check=True, capture_output=True, text=True).stdout
        stored = {}
        for line in out.splitlines():
            key, copies, revisions = line.split("\t")
            stored[key] = (int(copies), int(revisions))
        lost = sorted(k for k in writers.acked if k not in stored)
        duplicated = sorted(k for k, (n, _) in stored.items() if n != 1)
        half = sorted(k for k, (_, r) in stored.items() if r != 1)
        invented = sorted(k for k in stored if k not in writers.sent)
        applied_unacked = sum(1 for k in writers.unknown if k in stored)

        print("fault test: 2 processes, %d writers, PostgreSQL %s on port %d" % (WRITERS, os.path.basename(os.path.dirname(PG_BIN)), cluster.port))
        print(f"  writes sent {len(writers.sent)}, acknowledged {len(writers.acked)}, lost {len(lost)}, "
              f"duplicated {len(duplicated)}, half-applied {len(half)}, never sent but stored {len(invented)}")
        print(f"  unacknowledged {len(writers.unknown)} (of which saved anyway: {applied_unacked})")
        print("  failures by code: " + (", ".join(f"{c} {n}" for c, n in sorted(writers.failures.items())) or "none"))
        print(f"  slowest 503: {writers.slowest_503:.2f} s")
        for name, secs in recoveries.items():
            print(f"  recovered after {name}: " + ("not within the limit" if secs is None else f"{secs:.2f} s"))
        for label, items in [("lost", lost), ("duplicated", duplicated), ("half-applied", half), ("stored but never sent", invented)]:
            if items:
                failed.append(f"{len(items)} {label}: {items[:5]}")
        failed += writers.bad[:10]
        if len(writers.acked) < 100:
            failed.append(f"only {len(writers.acked)} writes acknowledged: the test did not exercise the servers")
        for s in servers:
            if s.poll() is not None:
                failed.append(f"a server process exited ({s.returncode})")
        failed += sqlite_beside_the_command_line(binary)
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            try:
                s.wait(timeout=10)
            except subprocess.TimeoutExpired:
                s.kill()
        try:
            cluster.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        if failed:
            for name in os.listdir(root):
                if name.startswith("server-"):
                    print(f"--- {name} (last lines)")
                    with open(os.path.join(root, name)) as f:
                        print("".join(f.readlines()[-20:]))
        shutil.rmtree(root, ignore_errors=True)
    if failed:
        print("FAULT TEST FAILED:\n  " + "\n  ".join(failed))
        sys.exit(1)
    print("fault test passed")


if __name__ == "__main__":
    main()
