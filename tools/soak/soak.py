#!/usr/bin/env python3
"""The sampler and the verdict of `./lab soak` (tools/soak.sh; docs/RELIABILITY.md, "Soak").

  soak.py sample  --state DIR --redis-port P --lab-admin BIN --kafka BROKERS --out FILE
      Once a second until SIGTERM: RSS and open file descriptors of every process of
      the lab (each component's process tree from its pid file under DIR/run, and the
      log writers), Redis used_memory, maxmemory, key count and keys with an expiry
      (INFO), the disk use of the state directory and of its parts (Kafka's log, and
      its __consumer_offsets and metadata log apart, the Elasticsearch data, the logs,
      Redis' files), and each consumer group's lag
      (`lab-admin consumer-lag`). One tab-separated row per second.

  soak.py analyze --samples FILE --warmup S --rate R --mode isolated|running ...
      After the warm-up, fits a straight line (least squares) to every series and fails
      any that still grows: its growth over the fitted window must stay within the
      series' tolerance (an absolute floor or a share of its level, whichever is larger).
      Writes report.txt, report.json and plot.png (gnuplot) next to the samples.

Python's standard library only; gnuplot (Debian gnuplot-nox) draws the plot.
"""
import argparse
import glob
import json
import os
import signal
import subprocess
import sys
import threading
import time

COMPONENTS = ["order-service", "payment-service", "inventory-service", "notifier-service", "search-service",
              "kafka", "redis", "elasticsearch"]
GROUPS = ["payment-service", "inventory-service", "notifier-service", "search-service"]


# ---------------------------------------------------------------- sampling

def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def process_table():
    """pid -> (ppid, argv0, cmdline) for every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = read(f"/proc/{entry}/stat")
        if not stat:
            continue
        # the command name may contain spaces and parentheses: split after the last ')'
        rest = stat[stat.rfind(b")") + 2:].split()
        if len(rest) < 2:
            continue
        cmdline = read(f"/proc/{entry}/cmdline").split(b"\0")
        table[int(entry)] = (int(rest[1]), cmdline[0].decode(errors="replace"),
                             b" ".join(cmdline).decode(errors="replace"))
    return table


def descendants(root, table):
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            out.append(pid)
            todo.extend(children.get(pid, []))
    return out


def rss_kib(pid):
    for line in read(f"/proc/{pid}/status").splitlines():
        if line.startswith(b"VmRSS:"):
            return int(line.split()[1])
    return 0


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def disk_bytes(path):
    """Bytes the files under path occupy on disk (allocated blocks: Kafka's sparse
    preallocated index files count for what they really take)."""
    total = 0
    for root, dirs, files in os.walk(path, onerror=lambda e: None):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


def redis_info(port):
    out = subprocess.run(["redis-cli", "-p", str(port), "INFO"], capture_output=True, text=True, timeout=5).stdout
    info = {}
    for line in out.splitlines():
        if ":" in line and not line.startswith("#"):
            key, value = line.split(":", 1)
            info[key.strip()] = value.strip()
    keys = expires = 0
    for key, value in info.items():
        if key.startswith("db"):
            fields = dict(item.split("=") for item in value.split(","))
            keys += int(fields.get("keys", 0))
            expires += int(fields.get("expires", 0))
    return int(info.get("used_memory", 0)), int(info.get("maxmemory", 0)), keys, expires


class LagReader(threading.Thread):
    """Runs `lab-admin consumer-lag --every 1000` and keeps each group's latest lag."""

    def __init__(self, lab_admin, brokers, namespace):
        super().__init__(daemon=True)
        env = dict(os.environ, KAFKA_BROKERS=brokers, LAB_NAMESPACE=namespace)
        self.proc = subprocess.Popen([lab_admin, "consumer-lag", "--every", "1000"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=env)
        self.prefix = f"{namespace}." if namespace else ""
        self.latest = {}

    def run(self):
        for line in self.proc.stdout:
            parts = line.split("\t")
            if len(parts) == 3:
                group = parts[1][len(self.prefix):]
                self.latest[group] = int(parts[2])


def cmd_sample(args):
    run_dir = os.path.join(args.state, "run")
    lag = LagReader(args.lab_admin, args.kafka, args.namespace)
    lag.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    columns = ["t"]
    for c in COMPONENTS + ["log-writers"]:
        columns += [f"rss_kib:{c}", f"fds:{c}"]
    columns += ["redis_used_bytes", "redis_maxmemory_bytes", "redis_keys", "redis_keys_expiring",
                "disk_state_bytes", "disk_kafka_bytes", "disk_es_bytes", "disk_logs_bytes", "disk_redis_bytes",
                "disk_kafka_offsets_bytes", "disk_kafka_metadata_bytes"]
    columns += [f"lag:{g}" for g in GROUPS]
    t0 = time.time()
    with open(args.out, "w", buffering=1) as out:
        out.write("\t".join(columns) + "\n")
        while not stop.is_set():
            started = time.time()
            table = process_table()
            row = [f"{started - t0:.1f}"]
            for c in COMPONENTS:
                try:
                    root = int(read(os.path.join(run_dir, f"{c}.pid")).strip() or 0)
                except ValueError:
                    root = 0
                # a fork Redis makes to rewrite its AOF shares its parent's pages: not counted
                pids = [p for p in descendants(root, table) if not table[p][2].startswith(("redis-aof-rewrite",
                                                                                         "redis-rdb-bgsave"))]
                row += [str(sum(rss_kib(p) for p in pids)), str(sum(open_fds(p) for p in pids))]
            logs = os.path.join(args.state, "logs")
            writers = [p for p, (_, argv0, cmd) in table.items() if argv0.endswith("rotatelogs") and logs in cmd]
            row += [str(sum(rss_kib(p) for p in writers)), str(sum(open_fds(p) for p in writers))]
            try:
                used, maxmemory, keys, expiring = redis_info(args.redis_port)
            except (OSError, subprocess.SubprocessError, ValueError):
                used = maxmemory = keys = expiring = 0
            row += [str(used), str(maxmemory), str(keys), str(expiring)]
            row += [str(disk_bytes(p)) for p in (args.state, os.path.join(args.state, "kafka"),
                                                 os.path.join(args.state, "elasticsearch"), logs,
                                                 os.path.join(args.state, "redis"))]
            # Kafka's own logs, apart from the lab's topics: the group offsets and the KRaft metadata
            kafka_data = os.path.join(args.state, "kafka", "data")
            row += [str(sum(disk_bytes(p) for p in glob.glob(os.path.join(kafka_data, pattern))))
                    for pattern in ("__consumer_offsets-*", "__cluster_metadata-*")]
            row += [str(lag.latest.get(g, 0)) for g in GROUPS]
            out.write("\t".join(row) + "\n")
            stop.wait(max(0.0, 1.0 - (time.time() - started)))
    lag.proc.terminate()


# ---------------------------------------------------------------- analysis

MIB = 1024 * 1024


def fit(ts, ys):
    """Least-squares slope and intercept."""
    n = len(ts)
    mt, my = sum(ts) / n, sum(ys) / n
    var = sum((t - mt) ** 2 for t in ts)
    slope = sum((t - mt) * (y - my) for t, y in zip(ts, ys)) / var if var else 0.0
    return slope, my - slope * mt


def human(value, unit):
    if unit == "bytes":
        return f"{value / MIB:.1f} MiB"
    if unit == "kib":
        return f"{value / 1024:.1f} MiB"
    return f"{value:.0f}"


def series_rules(args):
    """(column or derived name, label, unit, absolute tolerance, relative tolerance, kind, cap):
    kind "level": must level off everywhere; "retention": levels off once the retention
    applies (a short one in an isolated soak); "capped": levels off or stays under the cap
    a tool enforces (the logs: rotatelogs);
    "permanent": grows with the orders by design (the order history), reported per order."""
    rules = []
    for c in COMPONENTS:
        if c == "redis":
            # Redis' RSS follows its dataset, which levels off once ORDER_RETENTION expires
            # keys as fast as orders arrive (and is bounded by maxmemory in any case)
            rules.append((f"rss_kib:{c}", f"RSS {c}", "kib", 4 * 1024, 0.05, "retention",
                          "ORDER_RETENTION and maxmemory"))
        else:
            rules.append((f"rss_kib:{c}", f"RSS {c}", "kib", 4 * 1024, 0.05, "level", None))
    rules.append(("rss_kib:log-writers", "RSS log writers", "kib", 2 * 1024, 0.05, "level", None))
    for c in COMPONENTS + ["log-writers"]:
        rules.append((f"fds:{c}", f"open fds {c}", "count", 8, 0.10, "level", None))
    rules += [
        ("redis_persistent_keys", "Redis keys without expiry", "count", 20, 0.0, "level", None),
        ("redis_keys", "Redis keys", "count", 500, 0.10, "retention", None),
        ("redis_used_bytes", "Redis used_memory", "bytes", 4 * MIB, 0.10, "retention", "ORDER_RETENTION and maxmemory"),
        ("disk_kafka_topics_bytes", "disk: Kafka's topics", "bytes", 8 * MIB, 0.20, "retention", "kafka retention"),
        # compacted, except the active segment, which rolls by log.roll.ms (a day)
        ("disk_kafka_offsets_bytes", "disk: Kafka's __consumer_offsets", "bytes", 2 * MIB, 0.20, "retention",
         "its compaction once a segment rolls"),
        # a record every 500 ms; segments go once a snapshot covers them, after a week
        ("disk_kafka_metadata_bytes", "disk: Kafka's metadata log", "bytes", 2 * MIB, 0.20, "retention",
         "its snapshots and retention"),
        ("disk_logs_bytes", "disk: logs", "bytes", 2 * MIB, 0.10, "capped", "log cap"),
        ("disk_redis_bytes", "disk: Redis AOF", "bytes", 8 * MIB, 0.25, "retention", "AOF rewrite"),
        ("disk_state_rest_bytes", "disk: state dir without Elasticsearch and logs", "bytes", 16 * MIB, 0.20,
         "retention", "its parts' limits"),
        ("disk_es_bytes", "disk: Elasticsearch (order history)", "bytes", 0, 0.0, "permanent", None),
    ]
    for g in GROUPS:
        # a consumer that keeps up has at most a few seconds of orders in hand
        rules.append((f"lag:{g}", f"consumer lag {g}", "count", max(50, 5 * args.rate), 0.0, "level", None))
    return rules


def cmd_analyze(args):
    with open(args.samples) as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [list(map(float, line.split("\t"))) for line in f if line.strip()]
    if len(rows) < 10:
        print(f"soak: only {len(rows)} samples in {args.samples}")
        return 1
    col = {name: [r[i] for r in rows] for i, name in enumerate(header)}
    col["redis_persistent_keys"] = [k - e for k, e in zip(col["redis_keys"], col["redis_keys_expiring"])]
    if "disk_kafka_offsets_bytes" in col:
        col["disk_kafka_topics_bytes"] = [k - o - m for k, o, m in zip(col["disk_kafka_bytes"], col["disk_kafka_offsets_bytes"],
                                                                        col["disk_kafka_metadata_bytes"])]
    else:  # samples from before the split: the whole log
        col["disk_kafka_topics_bytes"] = col["disk_kafka_bytes"]
    col["disk_state_rest_bytes"] = [s - e - l for s, e, l in zip(col["disk_state_bytes"], col["disk_es_bytes"],
                                                                   col["disk_logs_bytes"])]
    ts = col["t"]
    duration = ts[-1]
    warmup = min(args.warmup, duration / 2)
    window = [i for i, t in enumerate(ts) if t >= warmup]
    wt = [ts[i] for i in window]
    span = wt[-1] - wt[0]
    maxmemory = max(col["redis_maxmemory_bytes"])
    results, failures, notes = [], [], []
    for name, label, unit, abs_tol, rel_tol, kind, cap in series_rules(args):
        if name not in col:
            continue
        ys = [col[name][i] for i in window]
        slope, _ = fit(wt, ys)
        level = sum(ys) / len(ys)
        growth = slope * span
        tolerance = max(abs_tol, rel_tol * abs(level))
        verdict = "ok"
        if kind == "permanent":
            per_order = slope / args.rate if args.rate else 0
            verdict = f"grows {per_order:.0f} B/order (the permanent order history)"
            if args.es_budget and per_order > args.es_budget:
                verdict = f"FAIL: {per_order:.0f} B/order, over the {args.es_budget} B/order budget"
        elif kind == "capped" and args.log_cap and max(col[name]) > args.log_cap:
            verdict = f"FAIL: {human(max(col[name]), unit)}, over its cap of {human(args.log_cap, unit)}"
        elif kind == "capped" and args.log_cap and growth > tolerance:
            # rotatelogs holds it under its cap whether or not the run reaches it
            verdict = f"grows towards its cap ({human(args.log_cap, unit)}), peak {human(max(col[name]), unit)}"
        elif growth > tolerance:
            if args.mode == "running" and kind == "retention":
                verdict = f"grows, bounded by {cap or 'ORDER_RETENTION'} (not reached in this run)"
                if name == "redis_used_bytes" and maxmemory:
                    # Bounded by maxmemory in any case (noeviction): whether the retention
                    # levels it off first is a question of capacity, reported, not failed.
                    left = max(0.0, args.retention_s - duration)
                    projected = ys[-1] + slope * left
                    if projected > maxmemory:
                        hours = (maxmemory - ys[-1]) / slope / 3600
                        notes.append(f"WARNING: at {args.rate:g} orders/s Redis reaches its maxmemory "
                                     f"({maxmemory / MIB:.0f} MiB) in {hours:.1f} h, before ORDER_RETENTION "
                                     f"({args.retention_s / 3600:.1f} h) expires the first orders; from then on new "
                                     f"orders get 503. For such a load shorten ORDER_RETENTION or raise maxmemory.")
                    else:
                        notes.append(f"Redis memory levels off after ORDER_RETENTION ({args.retention_s / 3600:.1f} h) "
                                     f"at about {projected / MIB:.0f} MiB of {maxmemory / MIB:.0f} MiB")
            else:
                verdict = "FAIL: grows without levelling off"
        if verdict.startswith("FAIL"):
            failures.append(label)
        results.append({"series": name, "label": label, "unit": unit, "kind": kind, "level": level,
                        "slope_per_hour": slope * 3600, "growth_in_window": growth, "tolerance": tolerance,
                        "verdict": verdict})
    lines = [f"soak: {duration / 60:.1f} min at {args.rate:g} orders/s, warm-up {warmup:.0f} s, "
             f"fitted over {span:.0f} s ({len(window)} samples), {args.mode} stack",
             f"{'series':44} {'level':>12} {'growth':>12} {'allowed':>12}  verdict"]
    for r in results:
        lines.append(f"{r['label']:44} {human(r['level'], r['unit']):>12} {human(r['growth_in_window'], r['unit']):>12} "
                     f"{human(r['tolerance'], r['unit']):>12}  {r['verdict']}")
    lines += notes
    lines.append(f"SOAK {'FAILED' if failures else 'PASSED'}: {len(results) - len(failures)} series ok, "
                 f"{len(failures)} growing{': ' + ', '.join(failures) if failures else ''}")
    report = "\n".join(lines)
    print(report)
    out_dir = os.path.dirname(os.path.abspath(args.samples))
    with open(os.path.join(out_dir, "report.txt"), "w") as f:
        f.write(report + "\n")
    with open(os.path.join(out_dir, "report.json"), "w") as f:
        json.dump({"duration_s": duration, "rate": args.rate, "warmup_s": warmup, "mode": args.mode,
                   "passed": not failures, "series": results}, f, indent=1)
    plot(args, header, out_dir, warmup, not failures)
    return 1 if failures else 0


def plot(args, header, out_dir, warmup, passed):
    """plot.png: six panels over time, the warm-up shaded."""
    idx = {name: i + 1 for i, name in enumerate(header)}  # gnuplot columns are 1-based

    def line(column, title, scale, axis="x1y1"):
        return f"'{args.samples}' using ($1/60):(${idx[column]}/{scale}) axes {axis} with lines lw 2 title '{title}'"

    services = COMPONENTS[:5]
    panels = [
        ("RSS of the services (MiB)", [line(f"rss_kib:{c}", c, 1024) for c in services]
         + [line("rss_kib:log-writers", "log writers", 1024)]),
        ("RSS of Kafka, Redis, Elasticsearch (MiB)", [line(f"rss_kib:{c}", c, 1024) for c in COMPONENTS[5:]]),
        ("open file descriptors", [line(f"fds:{c}", c, 1) for c in COMPONENTS + ["log-writers"]]),
        ("Redis: used_memory (MiB, left), keys (thousands, right)",
         [line("redis_used_bytes", "used_memory", MIB),
          line("redis_keys", "keys", 1000, "x1y2"),
          f"'{args.samples}' using ($1/60):((${idx['redis_keys']}-${idx['redis_keys_expiring']})/1000) axes x1y2 "
          f"with lines lw 2 title 'keys without expiry'"]),
        ("disk use (MiB)",
         [line("disk_state_bytes", "state directory", MIB),
          f"'{args.samples}' using ($1/60):((${idx['disk_state_bytes']}-${idx['disk_es_bytes']}-${idx['disk_logs_bytes']})"
          f"/{MIB}) with lines lw 2 title 'state without Elasticsearch and logs'",
          line("disk_kafka_bytes", "Kafka log", MIB)]
         + ([line("disk_kafka_offsets_bytes", "of which __consumer_offsets", MIB),
             line("disk_kafka_metadata_bytes", "of which metadata log", MIB)] if "disk_kafka_offsets_bytes" in idx else [])
         + [line("disk_es_bytes", "Elasticsearch", MIB),
            line("disk_logs_bytes", "logs", MIB), line("disk_redis_bytes", "Redis AOF", MIB)]),
        ("consumer lag (records)", [line(f"lag:{g}", g, 1) for g in GROUPS]),
    ]
    script = [
        "set terminal pngcairo noenhanced size 1600,1500 font 'sans,10'",
        f"set output '{os.path.join(out_dir, 'plot.png')}'",
        "set datafile separator '\\t'",
        "set key top left font ',8' opaque",
        "set grid",
        # from zero: a level series looks level, not like noise blown up to the panel
        "set yrange [0:*]",
        "set y2range [0:*]",
        "set xlabel 'minutes'",
        f"set multiplot layout 3,2 title \"./lab soak: {args.rate:g} orders/s for {args.minutes:g} min ({args.mode} stack, "
        f"{args.settings}); warm-up shaded; {'PASSED' if passed else 'FAILED'}\" font ',12'",
    ]
    for title, lines in panels:
        script += [f"set title '{title}'",
                   f"set object 1 rect from 0, graph 0 to {warmup / 60:.3f}, graph 1 back fc rgb '#eeeeee' fs solid noborder",
                   "set y2tics" if "right" in title else "unset y2tics",
                   "set ytics nomirror" if "right" in title else "set ytics mirror",
                   "plot " + ", ".join(lines)]
    script.append("unset multiplot")
    path = os.path.join(out_dir, "plot.gnuplot")
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    r = subprocess.run(["gnuplot", path], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"soak: gnuplot failed: {r.stderr.strip()}", file=sys.stderr)
    else:
        print(f"soak: plot in {os.path.join(out_dir, 'plot.png')}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--state", required=True)
    s.add_argument("--redis-port", type=int, required=True)
    s.add_argument("--lab-admin", required=True)
    s.add_argument("--kafka", required=True)
    s.add_argument("--namespace", default="")
    s.add_argument("--out", required=True)
    a = sub.add_parser("analyze")
    a.add_argument("--samples", required=True)
    a.add_argument("--warmup", type=float, required=True)
    a.add_argument("--rate", type=float, required=True)
    a.add_argument("--minutes", type=float, required=True)
    a.add_argument("--mode", choices=["isolated", "running"], required=True)
    a.add_argument("--retention-s", type=float, required=True, help="ORDER_RETENTION of the services")
    a.add_argument("--es-budget", type=float, default=0, help="largest Elasticsearch bytes per order (0: none)")
    a.add_argument("--log-cap", type=float, default=0, help="bytes the logs directory may hold (0: unknown)")
    a.add_argument("--settings", default="", help="the retention settings, for the plot's title")
    args = parser.parse_args()
    return cmd_sample(args) if args.command == "sample" else cmd_analyze(args)


if __name__ == "__main__":
    sys.exit(main() or 0)
