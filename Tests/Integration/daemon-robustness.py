#!/usr/bin/env python3
"""Crash and stop tests of the real ainewsd against a loopback server with many feeds.

1. kill -9 ainewsd in the middle of fetch cycles, many times; after each kill the store passes
   `PRAGMA integrity_check` and holds no duplicate entry; a last, uninterrupted cycle then stores
   every item exactly once (nothing lost).
2. SIGTERM while transfers hang: the daemon exits 0 well within systemd's stop timeout (20 s).

    Tests/Integration/daemon-robustness.py [.build/release]
"""
import os
import random
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
    with open(os.path.join(work, "feeds.opml"), "w") as opml:
        opml.write('<opml version="2.0"><body>')
        for number in range(FEEDS):
            opml.write(f'<outline type="rss" xmlUrl="http://127.0.0.1:{port}/feed/{number}.xml"/>')
        opml.write("</body></opml>")
    subprocess.run([ainews, "feeds", "import", os.path.join(work, "feeds.opml")], env=env, check=True, capture_output=True)

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

    hang_env = dict(env, AINEWS_DATABASE=os.path.join(work, "hang.sqlite"))
    with open(os.path.join(work, "hang.opml"), "w") as opml:
        opml.write('<opml version="2.0"><body>')
        for number in range(20):
            opml.write(f'<outline type="rss" xmlUrl="http://127.0.0.1:{port}/hang/{number}.xml"/>')
        opml.write("</body></opml>")
    subprocess.run([ainews, "feeds", "import", os.path.join(work, "hang.opml")], env=hang_env, check=True, capture_output=True)
    daemon = subprocess.Popen([ainewsd], env=hang_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    started = time.monotonic()
    daemon.send_signal(signal.SIGTERM)
    code = daemon.wait(timeout=20)
    elapsed = time.monotonic() - started
    assert code == 0, f"exit status {code} after SIGTERM"
    check_store(hang_env["AINEWS_DATABASE"])
    print(f"stop test: SIGTERM with 20 transfers hanging; exited 0 after {elapsed:.2f} s")


if __name__ == "__main__":
    main()
