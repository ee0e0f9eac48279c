#!/usr/bin/env python3
"""report.py OUT_DIR [LATEST_JSON]: turns the raw files of one tools/bench.sh run into
one table (stdout) and OUT_DIR/summary.json (also copied to LATEST_JSON).
Exit 1 when an order of the run got no notification or more than one."""
import csv
import json
import os
import re
import shutil
import sys
from collections import defaultdict

# What an order costs the infrastructure (see docs/BENCHMARKS.md): the records
# produced with acks=all (order.created, payment.*, inventory.*, order.notification)
# and the Lua scripts run (claim, mark accepted, payment decide, reserve stock,
# correlate x2, mark published).
KAFKA_RECORDS_PER_ORDER = 4
REDIS_SCRIPTS_PER_ORDER = 7
MIB = 1024 * 1024


def load(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def redis_rates(path):
    rates = {}
    try:
        with open(path) as f:
            for row in csv.reader(f):
                if len(row) < 2 or row[1] == "rps":
                    continue
                name = row[0].split()[0].upper()
                try:
                    rates[name] = float(row[1])
                except ValueError:
                    pass
    except OSError:
        pass
    return rates


def kafka_perf(path):
    pat = re.compile(r"(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, "
                     r"([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th")
    found = None
    try:
        with open(path) as f:
            for line in f:
                m = pat.search(line)
                if m:
                    found = m
    except OSError:
        pass
    if not found:
        return {}
    g = found.groups()
    return {"records": int(g[0]), "records_per_s": float(g[1]), "mb_per_s": float(g[2]),
            "avg_ms": float(g[3]), "max_ms": float(g[4]), "p50_ms": int(g[5]), "p95_ms": int(g[6]),
            "p99_ms": int(g[7])}


def resources(path, clk_tck):
    samples = defaultdict(list)  # name -> [(t, pid, rss_kib, ticks)]
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) != 5:
                    continue
                t, name, pid, rss, ticks = parts
                samples[name].append((float(t), int(pid), int(rss), float(ticks)))
    except OSError:
        pass
    out = {}
    for name, rows in samples.items():
        peak_rss = max(r[2] for r in rows)
        peak_cpu = 0.0
        busy = 0.0
        span = 0.0
        pids = sorted({r[1] for r in rows})
        for a, b in zip(rows, rows[1:]):
            if a[1] != b[1] or b[0] <= a[0]:
                continue  # restarted between the samples
            dt = b[0] - a[0]
            cpu = (b[3] - a[3]) / clk_tck
            peak_cpu = max(peak_cpu, 100.0 * cpu / dt)
            busy += cpu
            span += dt
        out[name] = {"peak_rss_mib": round(peak_rss / 1024, 1), "peak_cpu_pct": round(peak_cpu),
                     "avg_cpu_pct": round(100.0 * busy / span) if span else 0, "samples": len(rows),
                     "pids": pids}
    return out


def phase_cpu(path, phases, clk_tck):
    """CPU seconds each process (and the whole machine) used during each phase:
    {phase: {name: cpu_s}}, from the samples nearest outside the phase's bounds."""
    samples = defaultdict(list)
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 5:
                    samples[parts[1]].append((float(parts[0]), int(parts[2]), float(parts[4])))
    except OSError:
        pass
    out = {}
    for phase, (start, end) in phases.items():
        per = {}
        for name, rows in samples.items():
            before = [r for r in rows if r[0] <= start]
            after = [r for r in rows if r[0] >= end]
            if not before or not after or before[-1][1] != after[0][1]:
                continue
            # the rate between the bounding samples, applied to the phase's own length
            rate = (after[0][2] - before[-1][2]) / clk_tck / max(after[0][0] - before[-1][0], 1e-9)
            per[name] = round(rate * (end - start), 2)
        out[phase] = {"seconds": round(end - start, 2), "cpu_s": per}
    return out


def main():
    out_dir = sys.argv[1]
    latest = sys.argv[2] if len(sys.argv) > 2 else None
    machine = load(os.path.join(out_dir, "machine.json"), {})
    end = load(os.path.join(out_dir, "end.json"), {})
    bare = load(os.path.join(out_dir, "bare-http.json"), {})
    es = load(os.path.join(out_dir, "es-bulk.json"), {})
    redis = redis_rates(os.path.join(out_dir, "redis-benchmark.csv"))
    kafka = kafka_perf(os.path.join(out_dir, "kafka-producer-perf.txt"))
    kafka_paced = kafka_perf(os.path.join(out_dir, "kafka-producer-perf-1000.txt"))
    runs = {name: load(os.path.join(out_dir, name + ".json"), {})
            for name in ("rate-100", "rate-1000", "rate-5000", "saturation", "saturation-alone", "e2e")}
    res = resources(os.path.join(out_dir, "resources.txt"), end.get("clk_tck", 100))
    phases = {}
    try:
        with open(os.path.join(out_dir, "phases.txt")) as f:
            for line in f:
                name, start, stop = line.split()
                phases[name] = (float(start), float(stop))
    except (OSError, ValueError):
        pass
    cpu = phase_cpu(os.path.join(out_dir, "resources.txt"), phases, end.get("clk_tck", 100))

    bare_rate = bare.get("ok_per_s", 0)
    sat_rate = runs["saturation"].get("ok_per_s", 0)
    alone_rate = runs["saturation-alone"].get("ok_per_s", 0)
    e2e_watch = runs["e2e"].get("watch", {})
    e2e_rate = e2e_watch.get("confirmed_per_s", 0)
    kafka_rate = kafka.get("records_per_s", 0)
    evalsha_rate = redis.get("EVALSHA", 0)
    e2e_ceiling = min(kafka_rate / KAFKA_RECORDS_PER_ORDER, evalsha_rate / REDIS_SCRIPTS_PER_ORDER) \
        if kafka_rate and evalsha_rate else 0
    es_rate = es.get("docs_per_s", 0)
    lag = runs["rate-1000"].get("search_lag", {})
    lag_ms = lag.get("latency_ms", {})

    # exactly once, over every watched run
    check = {"accepted": 0, "exactly_once": 0, "none": 0, "duplicated": 0, "unexpected": 0}
    for r in runs.values():
        w = r.get("watch", {})
        for k in check:
            check[k] += int(w.get(k, 0))
    exactly_once_ok = all(r.get("watch", {}).get("ok", False) for r in runs.values())

    def ratio(a, b):
        return round(a / b, 3) if a and b else None

    rows = []  # (measure, ours, ceiling, ratio, target, met)

    def row(measure, ours, ceiling="", rat=None, target="", met=None):
        rows.append((measure, ours, ceiling, "" if rat is None else f"{rat * 100:.0f}%", target,
                     "" if met is None else ("met" if met else "MISSED")))

    row("order-service accepted orders/s (saturation, Kafka ack)", f"{sat_rate:,.0f}",
        f"{bare_rate:,.0f} bare QHttpServer", ratio(sat_rate, bare_rate))
    row("  the same, rest of the pipeline paused", f"{alone_rate:,.0f}",
        f"{bare_rate:,.0f} bare QHttpServer", ratio(alone_rate, bare_rate), ">= 40% of bare",
        bool(bare_rate) and alone_rate / bare_rate >= 0.40)
    row(f"end-to-end confirmed orders/s over {runs['e2e'].get('seconds', 0):.0f} s", f"{e2e_rate:,.0f}",
        f"{e2e_ceiling:,.0f} infra (Kafka/{KAFKA_RECORDS_PER_ORDER}, EVALSHA/{REDIS_SCRIPTS_PER_ORDER})",
        ratio(e2e_rate, e2e_ceiling), ">= 10,000/s", e2e_rate >= 10000)
    for rate in (100, 1000, 5000):
        r = runs[f"rate-{rate}"]
        w = r.get("watch", {}).get("latency_ms", {})
        achieved = r.get("ok_per_s", 0)
        http = r.get("latency_ms", {})
        note = f" (achieved {achieved:,.0f}/s)" if achieved < 0.95 * rate else ""
        row(f"POST->notification ms @ {rate:,}/s{note}",
            f"p50 {w.get('p50', 0):.1f} p95 {w.get('p95', 0):.1f} p99 {w.get('p99', 0):.1f} max {w.get('max', 0):.0f}",
            f"3 Kafka hops: 3 x p99 {kafka_paced.get('p99_ms', 0)} ms (ProducerPerformance @ 1,000/s)"
            if rate == 1000 else "",
            None, "p99 <= 20 ms" if rate == 1000 else "",
            (w.get("p99", 1e9) <= 20) if rate == 1000 else None)
        row(f"  POST answer ms @ {rate:,}/s", f"p50 {http.get('p50', 0):.1f} p95 {http.get('p95', 0):.1f} "
            f"p99 {http.get('p99', 0):.1f} max {http.get('max', 0):.0f}")
    row("search lag ms @ 1,000/s (POST answer -> found by _search)",
        f"p50 {lag_ms.get('p50', 0):.0f} p95 {lag_ms.get('p95', 0):.0f} p99 {lag_ms.get('p99', 0):.0f} "
        f"max {lag_ms.get('max', 0):.0f} ({lag.get('sampled', 0)} samples, {lag.get('not_found', 0)} not found)",
        f"ES _bulk {es_rate:,.0f} docs/s", ratio(1000, es_rate), "p99 <= 2,000 ms",
        bool(lag_ms) and lag_ms.get("p99", 1e9) <= 2000 and lag.get("not_found", 1) == 0)
    for name in ("order-service", "payment-service", "inventory-service", "notifier-service", "search-service"):
        r = res.get(name, {})
        row(f"{name} peak RSS / CPU (peak, mean)",
            f"{r.get('peak_rss_mib', 0):.1f} MiB / {r.get('peak_cpu_pct', 0)}%, {r.get('avg_cpu_pct', 0)}%",
            "", None, "<= 50 MiB", bool(r) and r.get("peak_rss_mib", 1e9) <= 50)

    ceilings = [
        ("bare QHttpServer route (same client, same concurrency)", f"{bare_rate:,.0f} req/s, p99 "
         f"{bare.get('latency_ms', {}).get('p99', 0):.1f} ms"),
        ("Kafka ProducerPerformance acks=all, 120 B records",
         f"{kafka_rate:,.0f} records/s ({kafka.get('mb_per_s', 0)} MB/s), latency avg {kafka.get('avg_ms', 0)} ms, "
         f"p99 {kafka.get('p99_ms', 0)} ms"),
        ("Kafka ProducerPerformance acks=all, paced at 1,000 records/s",
         f"latency avg {kafka_paced.get('avg_ms', 0)} ms, p50 {kafka_paced.get('p50_ms', 0)} ms, "
         f"p99 {kafka_paced.get('p99_ms', 0)} ms, max {kafka_paced.get('max_ms', 0)} ms"),
        ("redis-benchmark, 50 clients, no pipelining",
         ", ".join(f"{k} {v:,.0f}/s" for k, v in redis.items())),
        ("Elasticsearch _bulk of order documents (1,000 per request, 2 in flight)",
         f"{es_rate:,.0f} docs/s ({es.get('indexed', 0):,} docs in {es.get('seconds', 0)} s)"),
    ]

    print()
    print(f"Machine: {machine.get('nproc')} cores ({machine.get('cpu')}), {machine.get('mem_total_mib')} MiB; "
          f"load average at start {machine.get('load_start')}, at end {end.get('load_end')}; "
          f"{'quick' if machine.get('quick') else 'full'} run, {end.get('seconds')} s, "
          f"{machine.get('concurrency')} connections")
    print()
    print("Ceilings (measured in this run)")
    for name, value in ceilings:
        print(f"  {name:<72} {value}")
    print()
    headers = ("measure", "ours", "ceiling", "ratio", "target", "")
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    line = "  ".join(h.ljust(widths[i]) for i, h in enumerate(headers))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)))
    infra = [n for n in ("kafka", "redis") if n in res]
    if infra:
        print("  (infrastructure: " + "; ".join(
            f"{n} peak RSS {res[n]['peak_rss_mib']:.0f} MiB, CPU peak {res[n]['peak_cpu_pct']}%" for n in infra) + ")")
    for phase, what in (("saturation", "order-service at saturation"),
                        ("saturation-alone", "order-service alone at saturation, then the backlog worked off"),
                        ("e2e", "end-to-end run")):
        phase_cpu_s = cpu.get(phase, {})
        accepted = runs[phase].get("watch", {}).get("accepted", 0)
        if not phase_cpu_s.get("cpu_s") or not accepted:
            continue
        span = phase_cpu_s["seconds"]
        print()
        print(f"Where the CPU went: {what} ({span:.0f} s incl. draining the notifications, {accepted:,} orders; "
              f"2 cores = {2 * span:.0f} CPU-s)")
        ours_total = 0.0
        for name in ("order-service", "payment-service", "inventory-service", "notifier-service", "search-service",
                     "kafka", "redis", "machine"):
            v = phase_cpu_s["cpu_s"].get(name)
            if v is None:
                continue
            if name not in ("kafka", "redis", "machine"):
                ours_total += v
            label = "whole machine (everything, incl. other users)" if name == "machine" else name
            print(f"  {label:<48} {v:7.1f} CPU-s {100 * v / span:5.0f}% of a core {1000 * v / accepted:7.3f} CPU-ms/order")
        print(f"  {'our five services together':<48} {ours_total:7.1f} CPU-s {100 * ours_total / span:5.0f}% of a core "
              f"{1000 * ours_total / accepted:7.3f} CPU-ms/order")
    print()
    print(f"Exactly one notification per accepted order: {'PASS' if exactly_once_ok else 'FAIL'} "
          f"({check['accepted']:,} accepted, {check['exactly_once']:,} exactly once, {check['none']} none, "
          f"{check['duplicated']} duplicated, {check['unexpected']} unexpected)")

    summary = {"machine": machine, "end": end,
               "ceilings": {"bare_http": bare, "redis_rps": redis, "kafka_producer_perf": kafka, "kafka_producer_perf_1000": kafka_paced, "es_bulk": es,
                            "e2e_infra_orders_per_s": round(e2e_ceiling)},
               "ours": runs, "resources": res, "phase_cpu": cpu,
               "table": [dict(zip(("measure", "ours", "ceiling", "ratio", "target", "result"), r)) for r in rows],
               "exactly_once": dict(check, ok=exactly_once_ok)}
    path = os.path.join(out_dir, "summary.json")
    with open(path, "w") as f:
        json.dump(summary, f, indent=1)
    if latest:
        shutil.copyfile(path, latest)
    return 0 if exactly_once_ok else 1


if __name__ == "__main__":
    sys.exit(main())
