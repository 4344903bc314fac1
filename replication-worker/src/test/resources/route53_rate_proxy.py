#!/usr/bin/env python3
"""A Route 53 rate limit in front of moto: answers like Route 53 when an account calls too fast.

Route 53 allows five API requests per second per account, all requests counted together, and answers
beyond it with HTTP 400 and <Code>Throttling</Code> <Message>Rate exceeded</Message>
(https://repost.aws/knowledge-center/route-53-avoid-throttling-errors). This proxy keeps one token
bucket per account (the access key id of the request's signature), forwards what the bucket allows to
moto, and answers the rest as Route 53 would. Only Route 53 paths (/2013-04-01/...) are limited;
--scope changes limits ChangeResourceRecordSets alone. --prior-request-not-complete N answers the
first N change requests with PriorRequestNotComplete, as Route 53 does while a change to the zone is
still being processed. --insync-after S answers GetChange with PENDING until S seconds after the
change was accepted, as Route 53 does while a change propagates to its name servers (moto answers
INSYNC at once; Route 53 says changes generally propagate within 60 seconds). Each accepted change
then gets an id of its own (moto answers every change with the same id).

GET /__proxy/stats returns what it saw, as JSON: requests, forwarded, throttled, by operation.
Used by the replication-worker's tests and by bench/mass-failover-bench.sh.

    route53_rate_proxy.py --listen 127.0.0.1:5001 --target http://127.0.0.1:5000 --rate 5 --burst 5
"""
import argparse
import http.client
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

THROTTLED = ('<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
             '<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>'
             '<RequestId>{id}</RequestId></ErrorResponse>')
OPERATIONS = [
    ("POST", re.compile(r"^/2013-04-01/hostedzone/[^/]+/rrset/?$"), "ChangeResourceRecordSets"),
    ("GET", re.compile(r"^/2013-04-01/hostedzone/[^/]+/rrset/?$"), "ListResourceRecordSets"),
    ("GET", re.compile(r"^/2013-04-01/change/"), "GetChange"),
    ("GET", re.compile(r"^/2013-04-01/hostedzonesbyname"), "ListHostedZonesByName"),
]


class Buckets:
    def __init__(self, rate, burst):
        self.rate, self.burst = rate, burst
        self.lock = threading.Lock()
        self.state = {}

    def take(self, account):
        with self.lock:
            now = time.monotonic()
            tokens, last = self.state.get(account, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self.state[account] = (tokens - 1, now)
                return True
            self.state[account] = (tokens, now)
            return False


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.data = {"requests": 0, "forwarded": 0, "throttled": 0, "prior_request_not_complete": 0, "pending": 0,
                     "by_operation": {}}

    def count(self, key, operation=None):
        with self.lock:
            self.data[key] += 1
            if operation is not None and key == "forwarded":
                self.data["by_operation"][operation] = self.data["by_operation"].get(operation, 0) + 1

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.data))


def operation(method, path):
    path = path.split("?")[0]
    for m, pattern, name in OPERATIONS:
        if m == method and pattern.match(path):
            return name
    return method + " " + path


def account(headers):
    match = re.search(r"Credential=([^/,\s]+)/", headers.get("Authorization", ""))
    return match.group(1) if match else "anonymous"


CHANGE_ID = re.compile(rb"<ChangeInfo>.*?<Id>(?:/change/)?([^<]+)</Id>", re.S)


class Propagation:
    """When each change was accepted, to answer PENDING until it has propagated."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.lock = threading.Lock()
        self.accepted = {}

    def accept(self, body):
        """The answer to an accepted change, with an id of its own; remembers when it was accepted."""
        match = CHANGE_ID.search(body)
        if self.seconds <= 0 or not match:
            return body
        change = "C" + uuid.uuid4().hex[:16].upper()
        with self.lock:
            self.accepted[change] = time.monotonic()
        return body[:match.start(1)] + change.encode() + body[match.end(1):]

    def pending(self, path):
        change = path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        with self.lock:
            at = self.accepted.get(change)
        return at is not None and time.monotonic() - at < self.seconds


def handler(args, buckets, stats, prior, propagation):
    target = urlsplit(args.target)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            if args.verbose:
                super().log_message(fmt, *a)

        def answer(self, status, body, content_type="text/xml"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            self.end_headers()
            self.wfile.write(data)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            path = self.path
            if path == "/__proxy/stats":
                return self.answer(200, json.dumps(stats.snapshot()), "application/json")
            route53 = path.startswith("/2013-04-01/")
            op = operation(self.command, path)
            if route53:
                stats.count("requests")
                limited = args.scope == "all" or op == "ChangeResourceRecordSets"
                if limited and not buckets.take(account(self.headers)):
                    stats.count("throttled")
                    return self.answer(400, THROTTLED.format(code="Throttling", message="Rate exceeded", id=uuid.uuid4()))
                if op == "ChangeResourceRecordSets":
                    with prior["lock"]:
                        reject = prior["left"] > 0
                        prior["left"] -= 1 if reject else 0
                    if reject:
                        stats.count("prior_request_not_complete")
                        return self.answer(400, THROTTLED.format(code="PriorRequestNotComplete", message=(
                            "The request was rejected because Route 53 was still processing a prior request."),
                            id=uuid.uuid4()))
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                connection.request(self.command, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                if route53:
                    stats.count("forwarded", op)
                    if op == "ChangeResourceRecordSets" and response.status == 200:
                        data = propagation.accept(data)
                    elif op == "GetChange" and response.status == 200 and propagation.pending(path):
                        stats.count("pending")
                        data = data.replace(b"<Status>INSYNC</Status>", b"<Status>PENDING</Status>")
                self.send_response(response.status)
                for k, v in response.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            finally:
                connection.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:5001")
    parser.add_argument("--target", default="http://127.0.0.1:5000")
    parser.add_argument("--rate", type=float, default=5.0, help="requests per second per account")
    parser.add_argument("--burst", type=int, default=5, help="bucket size")
    parser.add_argument("--scope", choices=["all", "changes"], default="all")
    parser.add_argument("--prior-request-not-complete", type=int, default=0, metavar="N")
    parser.add_argument("--insync-after", type=float, default=0.0, metavar="SECONDS",
                        help="GetChange answers PENDING until this long after the change was accepted")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    host, port = args.listen.rsplit(":", 1)
    prior = {"lock": threading.Lock(), "left": args.prior_request_not_complete}
    server = ThreadingHTTPServer((host, int(port)), handler(args, Buckets(args.rate, args.burst), Stats(), prior,
                                                            Propagation(args.insync_after)))
    server.daemon_threads = True
    print("route53 rate proxy on %s -> %s, %s/s burst %d per account (%s), INSYNC after %s s" % (
        args.listen, args.target, args.rate, args.burst, args.scope, args.insync_after), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
