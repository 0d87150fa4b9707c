#!/usr/bin/env python3
"""A real SMTP server on 127.0.0.1 for the publishing tests (aiosmtpd). Prints its port, then
serves until its standard input closes. Every accepted message is written to OUTDIR as
<n>.eml (with the envelope in <n>.json); behaviour is scripted by options:

  --reject ADDRESS       answer 550 to RCPT TO for that address (permanent failure)
  --tempfail ADDRESS     answer 451 to RCPT TO for that address the first time (transient)
  --rcpt-delay SECONDS   wait before answering each RCPT TO; the test kills the sender meanwhile
  --auth USER:PASSWORD   require AUTH PLAIN/LOGIN with these credentials (over plain text: tests only)

Each RCPT TO is also logged to OUTDIR/rcpt.log as it arrives, before the delay.
"""
import argparse
import asyncio
import json
import os
import socket
import sys
import logging
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("outdir")
parser.add_argument("--reject", action="append", default=[])
parser.add_argument("--tempfail", action="append", default=[])
parser.add_argument("--rcpt-delay", type=float, default=0)
parser.add_argument("--auth")
options = parser.parse_args()
os.makedirs(options.outdir, exist_ok=True)


class Handler:
    def __init__(self):
        # A server started again on the same directory goes on numbering after what is there.
        self.count = sum(1 for name in os.listdir(options.outdir) if name.endswith(".eml"))
        self.tempfailed = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with open(os.path.join(options.outdir, "rcpt.log"), "a") as log:
            log.write(address + "\n")
        if options.rcpt_delay:
            await asyncio.sleep(options.rcpt_delay)
        if address in options.reject:
            return "550 5.1.1 no such user here"
        if address in options.tempfail and address not in self.tempfailed:
            self.tempfailed.add(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(options.outdir, "%04d" % self.count)
        with open(base + ".eml", "wb") as message:
            message.write(envelope.original_content)
        with open(base + ".json", "w") as meta:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, meta)
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword):
        user, password = options.auth.split(":", 1)
        if auth_data.login.decode() == user and auth_data.password.decode() == password:
            return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


logging.getLogger("mail.log").setLevel(logging.CRITICAL)
kwargs = {}
if options.auth:
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    kwargs = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
# aiosmtpd connects to its own port to check it is up, so it needs a real one: ask the kernel.
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
controller = Controller(Handler(), hostname="127.0.0.1", port=port, **kwargs)
controller.start()
print(port, flush=True)
sys.stdin.read()
controller.stop()
