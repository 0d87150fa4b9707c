#!/usr/bin/env python3
"""Crash and stop tests of the real ainewsd against a loopback server with many feeds.

1. kill -9 ainewsd in the middle of fetch cycles, many times; after each kill the store passes
   `PRAGMA integrity_check` and holds no duplicate entry; a last, uninterrupted cycle then stores
   every item exactly once (nothing lost); one more cycle, which finds nothing new, logs a line
   for itself and none for its feeds.
2. SIGTERM while transfers hang: the daemon exits 0 well within systemd's stop timeout (20 s).
3. A cycle longer than the watchdog interval: the daemon keeps pinging systemd's watchdog
   (WATCHDOG=1 on $NOTIFY_SOCKET) while the cycle stores results, not only between cycles.

    Tests/Integration/daemon-robustness.py [.build/release]
"""
import os
import random
import socket
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FEEDS = 150
ITEMS = 20
bin_dir = sys.argv[1] if len(sys.argv) > 1 else ".build/release"
ainews = os.path.join(bin_dir, "ainews")
ainewsd = os.path.join(bin_dir, "ainewsd")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/hang/"):
            time.sleep(60)
        if self.path.startswith("/slow/"):
            time.sleep(0.5)
        number = int(self.path.rsplit("/", 1)[1].split(".")[0])
        items = "".join(
            f"<item><title>Feed {number} item {i}</title><guid>feed-{number}-item-{i}</guid>"
            f"<description>{'text ' * 200}</description></item>" for i in range(ITEMS))
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {number}</title>{items}</channel></rss>'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


def check_store(path, expect_all=False):
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check failed"
        total, distinct = db.execute("SELECT COUNT(*), COUNT(DISTINCT feed_id || '|' || entry_key) FROM entries").fetchone()
        assert total == distinct, f"duplicate entries: {total} rows, {distinct} distinct"
        if expect_all:
            assert total == FEEDS * ITEMS, f"expected {FEEDS * ITEMS} entries, found {total}"
        return total


def subscribe(work, env, name, urls):
    """Subscribes the store of `env` to `urls` through an OPML file named `name`."""
    path = os.path.join(work, name + ".opml")
    with open(path, "w") as opml:
        opml.write('<opml version="2.0"><body>')
        opml.writelines(f'<outline type="rss" xmlUrl="{url}"/>' for url in urls)
        opml.write("</body></opml>")
    subprocess.run([ainews, "feeds", "import", path], env=env, check=True, capture_output=True)


def main():
    work = tempfile.mkdtemp(prefix="ainews-robustness-")
    try:
        run(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.handle_error = lambda request, address: None  # killed clients reset their connections
    server.daemon_threads = True
    server.request_queue_size = 256
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    env = dict(os.environ, AINEWS_DATABASE=os.path.join(work, "ainews.sqlite"), AINEWS_MAX_CONNECTIONS_PER_HOST="8")
    subscribe(work, env, "feeds", (f"http://127.0.0.1:{port}/feed/{number}.xml" for number in range(FEEDS)))

    random.seed(7)
    kills = 0
    for round_number in range(12):
        with sqlite3.connect(env["AINEWS_DATABASE"]) as db:
            db.execute("UPDATE feeds SET next_fetch_at = NULL")  # everything due again
            db.execute("DELETE FROM entries WHERE id % 3 = ?", (round_number % 3,))  # so cycles keep writing
            db.execute("DELETE FROM tombstones")
        daemon = subprocess.Popen([ainewsd, "--once"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(random.uniform(0.05, 0.6))
        if daemon.poll() is None:
            daemon.send_signal(signal.SIGKILL)
            kills += 1
        daemon.wait()
        check_store(env["AINEWS_DATABASE"])
    with sqlite3.connect(env["AINEWS_DATABASE"]) as db:
        db.execute("UPDATE feeds SET next_fetch_at = NULL")
    subprocess.run([ainewsd, "--once"], env=env, check=True, stdout=subprocess.DEVNULL)
    total = check_store(env["AINEWS_DATABASE"], expect_all=True)
    print(f"crash test: {kills} kill -9 in 12 cycles; integrity ok after each; final store {total} entries, none lost or duplicated")

    # A cycle that finds nothing new logs one line for itself and none for its feeds.
    with sqlite3.connect(env["AINEWS_DATABASE"]) as db:
        db.execute("UPDATE feeds SET next_fetch_at = NULL")
    lines = subprocess.run([ainewsd, "--once"], env=env, check=True, capture_output=True, text=True).stdout.splitlines()
    assert not [line for line in lines if "feed=" in line], f"feeds with nothing new were logged: {lines[:3]}"
    assert [line for line in lines if line.startswith(f"level=info cycle feeds={FEEDS} failed=0 new=0 updated=0 ")], lines

    hang_env = dict(env, AINEWS_DATABASE=os.path.join(work, "hang.sqlite"))
    subscribe(work, hang_env, "hang", (f"http://127.0.0.1:{port}/hang/{number}.xml" for number in range(20)))
    daemon = subprocess.Popen([ainewsd], env=hang_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    started = time.monotonic()
    daemon.send_signal(signal.SIGTERM)
    code = daemon.wait(timeout=20)
    elapsed = time.monotonic() - started
    assert code == 0, f"exit status {code} after SIGTERM"
    check_store(hang_env["AINEWS_DATABASE"])
    print(f"stop test: SIGTERM with 20 transfers hanging; exited 0 after {elapsed:.2f} s")

    # One connection, twelve feeds of half a second each: a cycle of six seconds against a
    # watchdog of two. Every message the daemon sends systemd is kept with its arrival time.
    slow_env = dict(env, AINEWS_DATABASE=os.path.join(work, "slow.sqlite"), AINEWS_MAX_CONNECTIONS="1", AINEWS_MAX_CONNECTIONS_PER_HOST="1",
                    NOTIFY_SOCKET=os.path.join(work, "notify.sock"), WATCHDOG_USEC="2000000")
    subscribe(work, slow_env, "slow", (f"http://127.0.0.1:{port}/slow/{number}.xml" for number in range(12)))
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(slow_env["NOTIFY_SOCKET"])
    notify.settimeout(0.2)
    daemon = subprocess.Popen([ainewsd], env=slow_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    messages = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any("next fetch" in text for _, text in messages):
        try:
            messages.append((time.monotonic(), notify.recv(4096).decode()))
        except socket.timeout:
            pass
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=20)
    ready = next(at for at, text in messages if "READY=1" in text)
    done = next(at for at, text in messages if "next fetch" in text)
    pings = [at for at, text in messages if "WATCHDOG=1" in text and ready <= at <= done]
    gaps = [later - earlier for earlier, later in zip([ready] + pings, pings + [done])]
    assert done - ready > 4, f"the slow cycle took {done - ready:.1f} s, too short to test the watchdog"
    assert max(gaps) < 2, f"{max(gaps):.1f} s without a watchdog ping during a {done - ready:.1f} s cycle (WatchdogSec 2 s)"
    print(f"watchdog test: a {done - ready:.1f} s cycle, {len(pings)} pings, at most {max(gaps):.1f} s apart (WatchdogSec 2 s)")


if __name__ == "__main__":
    main()
