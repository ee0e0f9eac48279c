#!/usr/bin/env python3
"""counters.py: what the lab's processes and its infrastructure did, read for tools/bench.sh.

  counters.py sample OUT --state DIR --bench-pid PID
      once a second, one line per process: epoch name pid rss-KiB cpu-ticks (until killed);
      names: the five services, kafka, redis, elasticsearch, generator (a bulk-order-generator
      child of PID), sampler (this process) and machine (busy ticks of all cores)
  counters.py snapshot OUT --state DIR --redis-port P --es URL [--jmx-port P --kafka-libs DIR]
      the cumulative counters at one moment, as JSON: CPU ticks of every process, the
      broker's requests by type and records by topic (JMX), Redis INFO commandstats,
      Elasticsearch's _nodes/stats. /proc is read first and again last, so one snapshot
      can end a phase (first read) and start the next (last read) without the cost of
      reading the other counters (a JVM for JMX) falling inside either phase.
  counters.py pid NAME --state DIR
      prints the pid of one of the processes above (the bench pauses services with it)
  counters.py settle --es URL [--max S]
      returns once Elasticsearch has indexed nothing for 1 s (search-service has caught up
      with the orders of a phase), or after S seconds
  counters.py quiet [--max S] [--window W]
      returns once the whole machine has stopped getting quieter (three W-second windows in
      a row whose busy share is not a point below the lowest before them), or after S
      seconds; prints each window's busy share. The JVMs go on working for seconds after a
      heavy phase (Elasticsearch merges, Kafka's log and compiler): a phase that starts
      before that has ended measures it too

A single Python process with no forks per sample: the bash sampler this replaces forked
~40 processes a second, a few percent of a core on a machine whose idle cost is measured.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

SERVICES = ("order-service", "payment-service", "inventory-service", "notifier-service", "search-service")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def children(pid):
    """Direct children of every thread of pid (a JVM forks from any of its threads)."""
    out = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        text = read(f"/proc/{pid}/task/{tid}/children")
        if text:
            out.extend(int(c) for c in text.split())
    return out


def argv0(pid):
    text = read(f"/proc/{pid}/cmdline")
    return text.split("\0", 1)[0] if text else ""


def ticks(pid):
    text = read(f"/proc/{pid}/stat")
    if not text:
        return None
    fields = text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return int(fields[11]) + int(fields[12])  # utime + stime


def rss_kib(pid):
    text = read(f"/proc/{pid}/status") or ""
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def machine_ticks():
    """(busy, all) ticks of all cores; busy: user nice system irq softirq steal."""
    for line in (read("/proc/stat") or "").splitlines():
        if line.startswith("cpu "):
            v = [int(x) for x in line.split()[1:]]
            return v[0] + v[1] + v[2] + v[5] + v[6] + v[7], sum(v[:8])
    return 0, 0


def machine_busy():
    return machine_ticks()[0]


class Procs:
    """The processes of one lab (its LAB_STATE pid files) and of the bench."""

    def __init__(self, state, bench_pid=None):
        self.state = state
        self.bench_pid = bench_pid
        self.tree_cache = {}  # name -> (pidfile pid, [pids], resolved at)

    def pidfile(self, name):
        text = read(os.path.join(self.state, "run", name + ".pid"))
        try:
            return int(text.strip()) if text else None
        except ValueError:
            return None

    def tree(self, name):
        """The pid file's process and its descendants (Elasticsearch: the CLI launcher's
        JVM starts the server's); re-walked every 10 s or when one of them is gone."""
        top = self.pidfile(name)
        if top is None or not os.path.exists(f"/proc/{top}"):
            return top, []
        cached = self.tree_cache.get(name)
        if cached and cached[0] == top and time.time() - cached[2] < 10 \
                and all(os.path.exists(f"/proc/{p}") for p in cached[1]):
            return top, cached[1]
        pids, todo = [], [top]
        while todo:
            p = todo.pop()
            pids.append(p)
            todo.extend(children(p))
        self.tree_cache[name] = (top, pids, time.time())
        return top, pids

    def resolve(self):
        """{name: (pid shown, [pids summed])}"""
        out = {}
        for name in SERVICES:
            # the service is the child of its supervisor; argv[0], not /proc/PID/exe: a
            # rebuild replaces the binary and exe then ends in " (deleted)"
            sup = self.pidfile(name)
            for child in children(sup) if sup else []:
                if argv0(child).endswith("/" + name):
                    out[name] = (child, [child])
                    break
        for name in ("kafka", "redis"):  # exec'd in place of the started command
            pid = self.pidfile(name)
            if pid and os.path.exists(f"/proc/{pid}"):
                out[name] = (pid, [pid])
        top, pids = self.tree("elasticsearch")
        if pids:
            out["elasticsearch"] = (top, pids)
        if self.bench_pid:
            for child in children(self.bench_pid):
                if argv0(child).endswith("bulk-order-generator"):
                    out["generator"] = (child, [child])
                    break
        return out

    def read_all(self):
        """{name: {"pid", "ticks", "rss_kib"}} plus "machine"."""
        out = {}
        for name, (pid, pids) in self.resolve().items():
            t = [ticks(p) for p in pids]
            if t[0] is None:
                continue
            out[name] = {"pid": pid, "ticks": sum(x for x in t if x is not None),
                         "rss_kib": sum(rss_kib(p) for p in pids)}
        out["machine"] = {"pid": 0, "ticks": machine_busy(), "rss_kib": 0}
        return out


# ---------------------------------------------------------------- sample
def cmd_sample(args):
    procs = Procs(args.state, args.bench_pid)
    me = os.getpid()
    with open(args.out, "a", buffering=1) as out:
        while True:
            now = time.time()
            rows = procs.read_all()
            rows["sampler"] = {"pid": me, "ticks": ticks(me) or 0, "rss_kib": rss_kib(me)}
            out.write("".join(f"{now:.3f} {name} {r['pid']} {r['rss_kib']} {r['ticks']}\n"
                              for name, r in rows.items()))
            time.sleep(max(0.05, args.interval - (time.time() - now)))


# ---------------------------------------------------------------- snapshot
def redis_info(port):
    """INFO commandstats + stats over RESP: {"commands": {cmd: {calls, usec}}, "stats": {...}}"""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"*3\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n$5\r\nstats\r\n")
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                raise OSError("Redis closed the connection")
            buf += chunk
        header, rest = buf.split(b"\r\n", 1)
        if not header.startswith(b"$"):
            raise OSError(header.decode(errors="replace"))
        size = int(header[1:])
        while len(rest) < size:
            chunk = s.recv(65536)
            if not chunk:
                raise OSError("Redis closed the connection")
            rest += chunk
    commands, stats = {}, {}
    for line in rest[:size].decode().splitlines():
        if line.startswith("cmdstat_"):
            name, fields = line[len("cmdstat_"):].split(":", 1)
            kv = dict(f.split("=", 1) for f in fields.split(","))
            commands[name] = {"calls": int(kv["calls"]), "usec": int(kv["usec"])}
        elif ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            if v.isdigit():
                stats[k] = int(v)
    return {"commands": commands, "stats": stats}


def es_get(base, path):
    with urllib.request.urlopen(base.rstrip("/") + path, timeout=10) as r:
        return json.load(r)


def es_stats(base):
    doc = es_get(base, "/_nodes/_local/stats/indices,http,thread_pool"
                       "?filter_path=nodes.*.indices.indexing.index_total,nodes.*.indices.refresh.total,"
                       "nodes.*.indices.bulk.total_operations,nodes.*.indices.search.query_total,"
                       "nodes.*.thread_pool.write.completed,nodes.*.thread_pool.search.completed,"
                       "nodes.*.http.total_opened,nodes.*.http.routes.*.requests.count")
    node = next(iter(doc["nodes"].values()))
    ind = node.get("indices", {})
    tp = node.get("thread_pool", {})
    http = node.get("http", {})
    return {"index_total": ind.get("indexing", {}).get("index_total", 0),
            "refresh_total": ind.get("refresh", {}).get("total", 0),
            "bulk_shard_ops": ind.get("bulk", {}).get("total_operations", 0),
            "query_total": ind.get("search", {}).get("query_total", 0),
            "write_pool_completed": tp.get("write", {}).get("completed", 0),
            "search_pool_completed": tp.get("search", {}).get("completed", 0),
            "http_opened": http.get("total_opened", 0),
            "routes": {route: v.get("requests", {}).get("count", 0)
                       for route, v in http.get("routes", {}).items()}}


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def kafka_jmx(port, libs, java):
    """The broker's request counts by API and records in by topic, read with Kafka's own
    JmxTool: {"requests": {api: count}, "messages_in": {topic: count}}."""
    if not port_open(port):
        raise OSError(f"no JMX on 127.0.0.1:{port} (a broker started before ./lab had LAB_KAFKA_JMX_PORT: "
                      "./lab infra restart kafka)")
    cmd = [java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", os.path.join(libs, "*"),
           "org.apache.kafka.tools.JmxTool", "--jmx-url", f"service:jmx:rmi:///jndi/rmi://127.0.0.1:{port}/jmxrmi",
           "--object-name", "kafka.network:type=RequestMetrics,name=RequestsPerSec,*",
           "--object-name", "kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,*",
           "--attributes", "Count", "--one-time", "true", "--report-format", "properties"]
    for _ in range(3):  # JmxTool prints nothing when an MBean came or went during the query
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        requests, messages = {}, {}
        for line in r.stdout.splitlines():
            if ":Count=" not in line:
                continue
            name, value = line.rsplit(":Count=", 1)
            props = dict(p.split("=", 1) for p in name.split(":", 1)[1].split(","))
            if props.get("name") == "RequestsPerSec" and "request" in props:
                requests[props["request"]] = requests.get(props["request"], 0) + int(float(value))
            elif props.get("name") == "MessagesInPerSec":
                messages[props.get("topic", "(all topics)")] = int(float(value))
        if requests:
            return {"requests": requests, "messages_in": messages}
    raise OSError("JmxTool read nothing: " + (r.stderr.strip().splitlines() or ["no output"])[-1])


def cmd_snapshot(args):
    procs = Procs(args.state)
    snap = {"t_first": time.time()}
    snap["procs_first"] = procs.read_all()
    parts = [("redis", lambda: redis_info(args.redis_port)), ("es", lambda: es_stats(args.es))]
    if args.jmx_port:
        parts.append(("kafka", lambda: kafka_jmx(args.jmx_port, args.kafka_libs, args.java)))
    for name, fn in parts:
        t = time.time()
        try:
            snap[name] = fn()
        except Exception as e:  # a counter that cannot be read is reported, not fatal
            snap[name] = {"error": str(e)}
        snap[name]["t"] = (t + time.time()) / 2
    snap["t_last"] = time.time()
    snap["procs_last"] = procs.read_all()
    snap["clk_tck"] = CLK_TCK
    with open(args.out, "w") as f:
        json.dump(snap, f)
    errors = [f"{n}: {snap[n]['error']}" for n, _ in parts if "error" in snap[n]]
    if errors:
        print("counters: " + "; ".join(errors), file=sys.stderr)


def cmd_pid(args):
    found = Procs(args.state).resolve().get(args.name)
    if not found:
        sys.exit(1)
    print(found[0])


def cmd_settle(args):
    deadline = time.time() + args.max
    last = None
    while time.time() < deadline:
        try:
            now = es_stats(args.es)["index_total"]
        except Exception:
            return
        if now == last:
            return
        last = now
        time.sleep(1)


def cmd_quiet(args):
    deadline = time.time() + args.max
    shares, flat = [], 0
    b0, t0 = machine_ticks()
    while time.time() < deadline and flat < 3:
        time.sleep(args.window)
        b1, t1 = machine_ticks()
        share = 100.0 * (b1 - b0) / max(1, t1 - t0)
        b0, t0 = b1, t1
        flat = flat + 1 if shares and share >= min(shares) - 1.0 else 0
        shares.append(share)
    print(" ".join(f"{x:.0f}%" for x in shares))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("out")
    s.add_argument("--state", required=True)
    s.add_argument("--bench-pid", type=int)
    s.add_argument("--interval", type=float, default=1.0)
    s = sub.add_parser("snapshot")
    s.add_argument("out")
    s.add_argument("--state", required=True)
    s.add_argument("--redis-port", type=int, required=True)
    s.add_argument("--es", required=True)
    s.add_argument("--jmx-port", type=int, default=0)
    s.add_argument("--kafka-libs", default="")
    s.add_argument("--java", default="java")
    s = sub.add_parser("pid")
    s.add_argument("name")
    s.add_argument("--state", required=True)
    s = sub.add_parser("settle")
    s.add_argument("--es", required=True)
    s.add_argument("--max", type=float, default=10)
    s = sub.add_parser("quiet")
    s.add_argument("--max", type=float, default=60)
    s.add_argument("--window", type=float, default=3)
    args = p.parse_args()
    {"sample": cmd_sample, "snapshot": cmd_snapshot, "pid": cmd_pid, "settle": cmd_settle,
     "quiet": cmd_quiet}[args.cmd](args)


if __name__ == "__main__":
    main()
