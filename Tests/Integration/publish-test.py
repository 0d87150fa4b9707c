#!/usr/bin/env python3
"""End-to-end test of `ainews publish` against a real SMTP server on 127.0.0.1 (aiosmtpd):
message structure and encodings read back with Python's email package, exactly-once delivery
across reruns and a kill -9 half-way through the list, permanent and transient failures, a server
that is down, and SMTP AUTH. Usage: publish-test.py BINDIR (holding ainews)."""
import email
import email.policy
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ainews = os.path.join(os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug"), "ainews")
fixtures = os.path.join(root, "Tests/DigestTests/Fixtures")
work = tempfile.mkdtemp(prefix="ainews-publish-")
failures = []
WEEK = "2024-W39"


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def start(command):
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return process, int(process.stdout.readline())


def stop(process):
    process.stdin.close()
    process.wait(timeout=10)


# The feeds: the digest fixtures plus one whose title carries CR/LF, a header-looking line and
# non-ASCII text.
feeds = os.path.join(work, "feeds")
shutil.copytree(fixtures, feeds)
with open(os.path.join(feeds, "hostile.xml"), "w", encoding="utf-8") as feed:
    feed.write("""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Revue “IA” — Zürich</title><link>https://revue.example/</link><description>x</description>
<item><title>Café model “Zéphyr” ships&#13;&#10;Bcc: victim@example.org</title>
<link>https://revue.example/2024/09/26/zephyr</link><guid>revue-1</guid><pubDate>Thu, 26 Sep 2024 10:00:00 +0000</pubDate>
<description>The Zéphyr team published a model card for its café-sized assistant. It is a small model for kitchens.</description></item>
</channel></rss>
""")
http, http_port = start([os.path.join(root, "Scripts/serve-samples"), feeds])


def fresh_store(name):
    database = os.path.join(work, name + ".sqlite")
    env = dict(os.environ, AINEWS_DATABASE=database)
    for file in sorted(os.listdir(feeds)):
        subprocess.run([ainews, "feeds", "add", "--no-check", f"http://127.0.0.1:{http_port}/{file}"], env=env, check=True, capture_output=True)
    subprocess.run([ainews, "fetch"], env=env, check=True, capture_output=True)
    return database


def config(name, smtp_port, recipients, **extra):
    path = os.path.join(work, name + ".conf")
    settings = {
        "mail_from": "Rédaction IA <news@ainews.test>",
        "recipients": ", ".join(recipients),
        "smtp_url": f"smtp://127.0.0.1:{smtp_port}",
        "smtp_starttls": "opportunistic",
        "smtp_retries": "2",
        "smtp_retry_delay": "1s",
        "smtp_timeout": "20s",
        "list_id": "weekly.ainews.test",
        "unsubscribe_mailto": "leave@ainews.test",
        "unsubscribe_url": "https://ainews.test/unsubscribe?list=weekly",
    }
    settings.update(extra)
    with open(path, "w") as file:
        file.write("".join(f"{key} = {value}\n" for key, value in settings.items()))
    return path


def publish(database, conf, *args, env_extra=None, **kwargs):
    env = dict(os.environ, AINEWS_DATABASE=database, AINEWS_CONFIG=conf, **(env_extra or {}))
    return subprocess.run([ainews, "publish", WEEK, *args], env=env, capture_output=True, text=True, **kwargs)


def messages(outdir):
    result = []
    for name in sorted(os.listdir(outdir)):
        if name.endswith(".eml"):
            with open(os.path.join(outdir, name), "rb") as raw, open(os.path.join(outdir, name[:-4] + ".json")) as meta:
                data = raw.read()
                result.append((data, email.message_from_bytes(data, policy=email.policy.default), json.load(meta)))
    return result


def log_rows(database):
    connection = sqlite3.connect(database)
    rows = connection.execute("SELECT recipient, status, attempts, permanent FROM deliveries ORDER BY recipient").fetchall()
    connection.close()
    return rows


try:
    # 1. Three recipients: structure, headers, encodings, both parts.
    database = fresh_store("structure")
    outdir = os.path.join(work, "smtp-structure")
    smtp, port = start([os.path.join(root, "Tests/Integration/smtp-server.py"), outdir])
    recipients = ["ana@reader.test", "Bo <bo@reader.test>", "chloé.x@reader.test".replace("é", "e")]
    conf = config("structure", port, recipients)
    run = publish(database, conf)
    check(run.returncode == 0, f"publish exits 0 ({run.stdout.strip()} {run.stderr.strip()})")
    env = dict(os.environ, AINEWS_DATABASE=database)
    text = subprocess.run([ainews, "digest", "show", WEEK], env=env, capture_output=True, text=True, check=True).stdout
    html = subprocess.run([ainews, "digest", "show", WEEK, "--format", "html"], env=env, capture_output=True, text=True, check=True).stdout
    digest = json.loads(subprocess.run([ainews, "digest", "show", WEEK, "--format", "json"], env=env, capture_output=True, text=True, check=True).stdout)
    got = messages(outdir)
    check(len(got) == 3, f"three messages arrive (got {len(got)})")
    addresses = ["ana@reader.test", "bo@reader.test", "chloe.x@reader.test"]
    for (raw, message, envelope), address in zip(got, addresses):
        check(envelope["to"] == [address], f"{address}: the envelope has one recipient")
        check(message["To"].addresses[0].addr_spec == address and len(message["To"].addresses) == 1, f"{address}: To names only {address}")
        check(message["From"].addresses[0].display_name == "Rédaction IA" and message["From"].addresses[0].addr_spec == "news@ainews.test", f"{address}: From decodes")
        expected_subject = f"AI models this week — {WEEK}: {digest['numbers']['storiesByLabel'].get('open', 0)} open, {digest['numbers']['storiesByLabel'].get('closed', 0)} closed"
        check(str(message["Subject"]) == expected_subject, f"{address}: Subject is '{expected_subject}' (got '{message['Subject']}')")
        header_block = raw.split(b"\r\n\r\n", 1)[0]
        check(all(byte < 128 for byte in header_block), f"{address}: headers are 7-bit (RFC 2047 for the rest)")
        check(all(len(line) <= 78 for line in header_block.split(b"\r\n")), f"{address}: header lines fold within 78 characters")
        check(all(len(line) <= 998 for line in raw.split(b"\r\n")), f"{address}: no line passes 998 characters")
        check(message["Date"] is not None and message["Date"].datetime is not None, f"{address}: Date parses")
        check(message["Message-ID"].endswith("@ainews.test>"), f"{address}: Message-ID has the sender's domain")
        check(message["MIME-Version"] == "1.0", f"{address}: MIME-Version")
        check("<weekly.ainews.test>" in message["List-Id"], f"{address}: List-Id")
        check("mailto:leave@ainews.test" in message["List-Unsubscribe"] and "https://ainews.test/unsubscribe?list=weekly" in message["List-Unsubscribe"], f"{address}: List-Unsubscribe has both targets")
        check(message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", f"{address}: List-Unsubscribe-Post (RFC 8058)")
        check(message["Bcc"] is None and b"\r\nBcc:" not in header_block, f"{address}: a CR/LF in a feed title adds no header")
        check(message.get_content_type() == "multipart/alternative", f"{address}: multipart/alternative")
        parts = list(message.iter_parts())
        check([p.get_content_type() for p in parts] == ["text/plain", "text/html"], f"{address}: text/plain then text/html")
        check(all(p.get_content_charset() == "utf-8" for p in parts), f"{address}: both parts are UTF-8")
        plain = parts[0].get_content().replace("\r\n", "\n")
        check(plain == text, f"{address}: the text part is `ainews digest show` exactly")
        check(parts[1].get_content().replace("\r\n", "\n") == html, f"{address}: the HTML part is `digest show --format html` exactly")
        check("Café model “Zéphyr” ships Bcc: victim@example.org" in plain, f"{address}: the CR/LF title round-trips as one line of text")
        check(all(len(line) <= 72 or "://" in line for line in plain.split("\n")), f"{address}: the text wraps at 72 columns (URLs excepted)")
        links = [s["link"] for section in digest["sections"] for story in section["stories"] for s in story["sources"] if s.get("link")]
        check(all(link in plain.split() for link in links), f"{address}: every source URL is whole in the text part")
    check(len({m["Message-ID"] for _, m, _ in got}) == 3, "each recipient has its own Message-ID")
    check([row[1] for row in log_rows(database)] == ["sent"] * 3, "the delivery log has three 'sent'")
    again = publish(database, conf)
    check(again.returncode == 0 and "0 sent, 3 already sent" in again.stdout, f"a rerun sends nothing ({again.stdout.strip()})")
    check(len(messages(outdir)) == 3, "still three messages after the rerun")
    with open(os.path.join(work, "source.eml"), "wb") as sample:
        sample.write(got[0][0])
    stop(smtp)

    # 2. kill -9 half-way through ten recipients, then run again: each has exactly one message.
    database = fresh_store("kill")
    outdir = os.path.join(work, "smtp-kill")
    smtp, port = start([os.path.join(root, "Tests/Integration/smtp-server.py"), outdir, "--rcpt-delay", "0.4"])
    recipients = [f"reader{n}@list.test" for n in range(10)]
    conf = config("kill", port, recipients)
    env = dict(os.environ, AINEWS_DATABASE=database, AINEWS_CONFIG=conf)
    process = subprocess.Popen([ainews, "publish", WEEK], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    rcpt_log = os.path.join(outdir, "rcpt.log")
    deadline = time.time() + 30
    while time.time() < deadline:
        if os.path.exists(rcpt_log) and sum(1 for _ in open(rcpt_log)) >= 5:
            break
        time.sleep(0.02)
    second = publish(database, conf)
    check(second.returncode != 0 and "another ainews publish is running" in second.stderr, f"a second run at the same time is refused ({second.stderr.strip()})")
    process.send_signal(signal.SIGKILL)
    process.wait()
    before = len(messages(outdir))
    check(0 < before < 10, f"killed half-way: {before} of 10 delivered")
    connection = sqlite3.connect(database)
    check(connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "the store is consistent after kill -9")
    connection.close()
    stop(smtp)
    smtp, port = start([os.path.join(root, "Tests/Integration/smtp-server.py"), outdir])
    conf = config("kill", port, recipients)
    rerun = publish(database, conf)
    check(rerun.returncode == 0, f"the rerun finishes ({rerun.stdout.strip()})")
    delivered = [envelope["to"][0] for _, _, envelope in messages(outdir)]
    check(sorted(delivered) == sorted(recipients), f"each of the ten recipients has exactly one message (got {len(delivered)})")
    stop(smtp)

    # 3. A permanent refusal (550) and a transient one (451 once).
    database = fresh_store("failures")
    outdir = os.path.join(work, "smtp-failures")
    smtp, port = start([os.path.join(root, "Tests/Integration/smtp-server.py"), outdir, "--reject", "gone@list.test", "--tempfail", "busy@list.test"])
    conf = config("failures", port, ["first@list.test", "gone@list.test", "busy@list.test", "last@list.test"])
    run = publish(database, conf)
    check(run.returncode == 1, f"a refused recipient makes the exit status 1 ({run.stdout.strip()})")
    check("gone@list.test" in run.stdout and "550" in run.stdout, "the refusal is reported with the server's code")
    delivered = sorted(envelope["to"][0] for _, _, envelope in messages(outdir))
    check(delivered == ["busy@list.test", "first@list.test", "last@list.test"], f"the others, and the retried 451, are delivered once ({delivered})")
    rows = {row[0]: row for row in log_rows(database)}
    check(rows["gone@list.test"][1] == "failed" and rows["gone@list.test"][3] == 1, "the refusal is logged as permanent")
    check(rows["busy@list.test"][1] == "sent" and rows["busy@list.test"][2] == 2, "the transient failure took a second attempt")
    again = publish(database, conf)
    check(len(messages(outdir)) == 3 and "refused in an earlier run" in again.stdout, "a rerun does not resend, and does not retry the refusal")
    status = subprocess.run([ainews, "status"], env=dict(os.environ, AINEWS_DATABASE=database), capture_output=True, text=True)
    check(f"newsletter: {WEEK} revision 1 published" in status.stdout and "3 sent, 1 refused" in status.stdout, "ainews status reports the mailing")
    stop(smtp)

    # An empty week is never mailed.
    empty = subprocess.run([ainews, "publish", "2020-W01"], env=dict(os.environ, AINEWS_DATABASE=database, AINEWS_CONFIG=conf), capture_output=True, text=True)
    check(empty.returncode != 0 and "has no items" in empty.stderr, f"a week without items is not sent ({empty.stderr.strip()})")

    # 4. The server is down: a clear error, a non-zero exit, nothing marked sent.
    database = fresh_store("down")
    probe = __import__("socket").socket()
    probe.bind(("127.0.0.1", 0))
    closed_port = probe.getsockname()[1]
    probe.close()
    conf = config("down", closed_port, ["a@list.test", "b@list.test"], smtp_retries="1")
    run = publish(database, conf)
    check(run.returncode != 0, "publishing to a server that is down fails")
    check("stopped" in run.stderr and ("connect" in run.stderr.lower()), f"the error says why ({run.stderr.strip()})")
    check(all(row[1] != "sent" for row in log_rows(database)), "nothing is marked sent")

    # 5. AUTH: the right password from the environment works and is never printed; a wrong one stops the run.
    database = fresh_store("auth")
    outdir = os.path.join(work, "smtp-auth")
    smtp, port = start([os.path.join(root, "Tests/Integration/smtp-server.py"), outdir, "--auth", "mailer:s3cret-pw"])
    conf = config("auth", port, ["x@list.test"], smtp_username="mailer")
    wrong = publish(database, conf, env_extra={"AINEWS_SMTP_PASSWORD": "wrong-pw"})
    check(wrong.returncode != 0 and "wrong-pw" not in wrong.stdout + wrong.stderr, "a refused login fails without printing the password")
    right = publish(database, conf, env_extra={"AINEWS_SMTP_PASSWORD": "s3cret-pw"})
    check(right.returncode == 0 and len(messages(outdir)) == 1, f"AUTH with the password from AINEWS_SMTP_PASSWORD delivers ({right.stdout.strip()})")
    check("s3cret-pw" not in right.stdout + right.stderr, "the password is never printed")
    stop(smtp)

    # 6. STARTTLS required against a server that offers none: refused before anything is sent.
    database = fresh_store("starttls")
    outdir = os.path.join(work, "smtp-starttls")
    smtp, port = start([os.path.join(root, "Tests/Integration/smtp-server.py"), outdir])
    conf = config("starttls", port, ["x@list.test"], smtp_starttls="required")
    run = publish(database, conf)
    check(run.returncode != 0 and ("SSL" in run.stderr or "TLS" in run.stderr), f"STARTTLS required but not offered stops the run ({run.stderr.strip()})")
    check(len(messages(outdir)) == 0 and all(row[1] != "sent" for row in log_rows(database)), "and nothing is sent or marked sent")

    # 7. --dry-run sends and pins nothing; recipients_file adds to the list.
    database = fresh_store("dryrun")
    recipients_file = os.path.join(work, "recipients.txt")
    with open(recipients_file, "w") as file:
        file.write("# the list\nfile-one@list.test\n\nFile Two <file-two@list.test>\n")
    conf = config("dryrun", port, ["x@list.test"], smtp_starttls="off", recipients_file=recipients_file)
    dry = publish(database, conf, "--dry-run")
    check(dry.returncode == 0 and "3 to send: x@list.test, file-one@list.test, file-two@list.test" in dry.stdout, f"--dry-run lists who would get it ({dry.stdout.splitlines()[1] if dry.stdout else dry.stderr})")
    check("Content-Type: multipart/alternative" in dry.stdout and len(messages(outdir)) == 0, "--dry-run shows the message and sends nothing")
    connection = sqlite3.connect(database)
    check(connection.execute("SELECT count(*) FROM digests WHERE published_at IS NOT NULL").fetchone()[0] == 0, "--dry-run pins nothing")
    connection.close()
    run = publish(database, conf)
    check(run.returncode == 0 and len(messages(outdir)) == 3, f"the list and the file's addresses are sent ({run.stdout.strip()})")
    stop(smtp)

    # 8. sendmail -t -oi: the message on standard input; exit 75 is retried, others are not.
    database = fresh_store("sendmail")
    spool = os.path.join(work, "sendmail-spool")
    os.makedirs(spool)
    sendmail = os.path.join(work, "sendmail")
    with open(sendmail, "w") as script:
        script.write(f"""#!/bin/sh
[ "$1 $2" = "-t -oi" ] || exit 64
n=$(ls {spool} | wc -l)
if [ ! -e {spool}/.tempfailed ]; then touch {spool}/.tempfailed; exit 75; fi
cat > {spool}/$n.eml
""")
    os.chmod(sendmail, 0o755)
    conf = config("sendmail", 1, ["s1@list.test", "s2@list.test"], mail_transport="sendmail", sendmail_path=sendmail)
    run = publish(database, conf)
    spooled = sorted(name for name in os.listdir(spool) if name.endswith(".eml"))
    check(run.returncode == 0 and len(spooled) == 2, f"sendmail gets one message per recipient, after retrying exit 75 ({run.stdout.strip()} {run.stderr.strip()})")
    with open(os.path.join(spool, spooled[0]), "rb") as raw:
        message = email.message_from_bytes(raw.read(), policy=email.policy.default)
    check(message["To"].addresses[0].addr_spec in ("s1@list.test", "s2@list.test") and message.get_content_type() == "multipart/alternative", "the sendmail message is the same MIME message")
finally:
    stop(http)

if failures:
    print(f"\n{len(failures)} failures; work directory kept: {work}")
    sys.exit(1)
shutil.rmtree(work)
print("\n0 failures")
