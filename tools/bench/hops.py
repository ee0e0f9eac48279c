#!/usr/bin/env python3
"""hops.py: where an order's time goes, from the journey stamps every hop writes on
order:{id} (t_received ... t_notified, microseconds; shared/lab/contract/journey.h).

    tools/bench/hops.py --ids 1000-1999                 # orders 1000..1999
    tools/bench/hops.py --ids 1000-1999 --namespace t1  # keys t1:order:{id}
    tools/bench/hops.py --ids 1-500 --json              # for tools/bench/report.py

Prints, per hop, the percentiles over the orders that have both of its stamps:
    accept      received -> kafka_acknowledged   (order-service: claim, produce, ack)
    payment     received -> payment_decided      (order.created to payment's decision)
    stock       received -> stock_decided        (order.created to inventory's decision)
    correlate   the later decision -> correlated (outcome record to notifier's decision)
    notify      correlated -> notified           (order.notification acknowledged by Kafka)
    total       received -> notified
Reads Redis with pipelined HMGETs (one round trip per 500 orders) over a plain socket:
no client library needed. Exit status 1 when no order had a complete journey.
"""
import argparse
import json
import socket
import sys

HOPS = ["received", "kafka_acknowledged", "payment_decided", "stock_decided", "correlated", "notified"]
SEGMENTS = [  # name, from (max of), to
    ("accept", ["received"], "kafka_acknowledged"),
    ("payment", ["received"], "payment_decided"),
    ("stock", ["received"], "stock_decided"),
    ("correlate", ["payment_decided", "stock_decided"], "correlated"),
    ("notify", ["correlated"], "notified"),
    ("total", ["received"], "notified"),
]


def resp_command(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Reader:
    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("Redis closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exactly(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("Redis closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def reply(self):
        line = self.line()
        kind, rest = line[:1], line[1:]
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind in (b"+", b":"):
            return rest
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self.exactly(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise RuntimeError(f"unexpected reply {line!r}")


def journeys(host, port, keys, batch=500):
    fields = ["t_" + h for h in HOPS]
    with socket.create_connection((host, port), timeout=30) as sock:
        reader = Reader(sock)
        for i in range(0, len(keys), batch):
            part = keys[i:i + batch]
            sock.sendall(b"".join(resp_command("HMGET", k, *fields) for k in part))
            for _ in part:
                values = reader.reply()
                yield {h: int(v) for h, v in zip(HOPS, values) if v and v.isdigit()}


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def summarize(all_stamps):
    out = {}
    for name, starts, end in SEGMENTS:
        values = []
        for s in all_stamps:
            if end in s and all(h in s for h in starts):
                values.append((s[end] - max(s[h] for h in starts)) / 1000.0)
        values.sort()
        out[name] = {"orders": len(values),
                     **{p: percentile(values, q) for p, q in (("p50", .5), ("p90", .9), ("p99", .99))},
                     "max": values[-1] if values else None}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ids", required=True, help="FIRST-LAST order ids (inclusive)")
    ap.add_argument("--namespace", default="", help="LAB_NAMESPACE of the run (keys <ns>:order:{id})")
    ap.add_argument("--redis-host", default="127.0.0.1")
    ap.add_argument("--redis-port", type=int, default=6379)
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = ap.parse_args()
    first, _, last = args.ids.partition("-")
    first, last = int(first), int(last or first)
    prefix = f"{args.namespace}:" if args.namespace else ""
    keys = [f"{prefix}order:{i}" for i in range(first, last + 1)]
    stamps = list(journeys(args.redis_host, args.redis_port, keys))
    summary = summarize(stamps)
    complete = summary["total"]["orders"]
    if args.json:
        print(json.dumps({"orders": len(keys), "complete": complete, "hops": summary}, indent=1))
    else:
        print(f"per-hop latency of {complete} of {len(keys)} orders with a complete journey (ms)")
        print(f"{'hop':<10} {'orders':>7} {'p50':>9} {'p90':>9} {'p99':>9} {'max':>9}")
        for name, row in summary.items():
            cells = [f"{row[p]:9.2f}" if row[p] is not None else f"{'-':>9}" for p in ("p50", "p90", "p99", "max")]
            print(f"{name:<10} {row['orders']:>7} " + " ".join(cells))
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
