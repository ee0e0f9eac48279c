#!/usr/bin/env bash
# Static checks of the lab's Prometheus (deps/prometheus), no server needed:
#   - promtool accepts the rules and the configuration ./lab up renders, and the
#     configuration docker-compose.yml's prometheus renders (with busybox, as the
#     container does);
#   - the rules' unit tests pass (deps/prometheus/rules.test.yml: each alert fires on
#     trouble, after its `for`, and stays silent otherwise);
#   - each service job scrapes that service: ./lab's on 127.0.0.1 and its port (moved by
#     LAB_*_PORT), compose's by the service's container address and container port;
#   - every lab_* series the rules read is one the services export (or is named as
#     pending below), so a renamed metric cannot leave an alert silent for ever.
# Closes with "N passed, M failed".
set -uo pipefail
root="${1:?usage: check-prometheus.sh REPO_ROOT}"
cd "$root" || exit 2
exec /usr/bin/python3 - "$root" <<'PY'
import os, re, shutil, subprocess, sys, tempfile

root = os.path.abspath(sys.argv[1])
passed = failed = 0

def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   - {what}")
    else:
        failed += 1
        print(f"FAIL - {what}" + (f": {detail}" if detail else ""))
    return ok

def finish():
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

def crashed(kind, value, tb):
    import traceback
    traceback.print_exception(kind, value, tb)
    check(False, "every check ran to its end (one crashed, above)")
    print(f"{passed} passed, {failed} failed")

sys.excepthook = crashed

def run(cmd, env=None, **kw):
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, **kw)

missing = [t for t in ("promtool", "busybox", "docker-compose") if not shutil.which(t)]
for t in missing:
    check(False, f"{t} is installed (./lab deps installs it)")
try:
    import yaml
except ImportError as e:
    missing.append("yaml")
    check(False, "python3's yaml module is importable (docker-compose's)", str(e))
if missing:
    finish()

prom = "deps/prometheus"
r = run(["promtool", "check", "rules", f"{prom}/rules.yml"])
check(r.returncode == 0, "promtool check rules deps/prometheus/rules.yml", (r.stdout + r.stderr).strip())
r = subprocess.run(["promtool", "test", "rules", "rules.test.yml"], cwd=os.path.join(root, prom),
                   capture_output=True, text=True)
check(r.returncode == 0, "promtool test rules deps/prometheus/rules.test.yml (every alert fires, and only then)",
      (r.stdout + r.stderr).strip())

def jobs(config):
    return {j["job_name"]: j for j in config.get("scrape_configs", [])}

services = {"order-service": "LAB_ORDER_PORT", "search-service": "LAB_SEARCH_PORT",
            "payment-service": "LAB_PAYMENT_PORT", "inventory-service": "LAB_INVENTORY_PORT",
            "notifier-service": "LAB_NOTIFIER_PORT"}

# ---------------------------------------------------------------- ./lab up's configuration
def lab_config(extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAB_")}
    env.update(extra)
    r = run(["bash", "./lab", "prometheus-config"], env=env)
    return (yaml.safe_load(r.stdout) if r.returncode == 0 else None), r.stderr.strip()

lab_text = open(os.path.join(root, "lab")).read()
defaults = {s: re.search(r"([a-z-]+-service):" + v + r":(\d+)", lab_text) for s, v in services.items()}
cfg, err = lab_config({})
if check(cfg is not None, "./lab prometheus-config renders a configuration promtool accepts", err):
    j = jobs(cfg)
    for s, m in defaults.items():
        targets = [t for sc in j.get(s, {}).get("static_configs", []) for t in sc.get("targets", [])]
        check(m and targets == [f"127.0.0.1:{m.group(2)}"], f"./lab's job {s} scrapes 127.0.0.1:{m.group(2) if m else '?'}",
              str(targets))
    check(cfg.get("rule_files") == [os.path.join(root, prom, "rules.yml")], "./lab's Prometheus loads deps/prometheus/rules.yml",
          str(cfg.get("rule_files")))
moved_env = {v: str(15000 + i) for i, v in enumerate(services.values())}
moved, err = lab_config(moved_env)
if check(moved is not None, "./lab prometheus-config with LAB_*_PORT set", err):
    j = jobs(moved)
    got = {s: [t for sc in j.get(s, {}).get("static_configs", []) for t in sc.get("targets", [])] for s in services}
    want = {s: [f"127.0.0.1:{moved_env[v]}"] for s, v in services.items()}
    check(got == want, "./lab's targets follow LAB_*_PORT", f"{got}")

# ---------------------------------------------------------------- docker-compose's
env = {k: v for k, v in os.environ.items() if not k.startswith("LAB_")}
r = run(["docker-compose", "-f", "docker-compose.yml", "config"], env=env)
compose = yaml.safe_load(r.stdout) if r.returncode == 0 else {}
p = compose.get("services", {}).get("prometheus", {})
if check(bool(p), "docker-compose.yml has a prometheus service", r.stderr.strip()):
    mounts = {}
    for v in p.get("volumes", []):
        if isinstance(v, dict):
            mounts[v.get("target")] = v.get("source")
        else:
            parts = str(v).split(":")
            mounts[parts[1]] = parts[0]
    check(p.get("entrypoint") == ["sh", "/lab/prometheus/docker-start.sh"]
          and mounts.get("/lab/prometheus") == os.path.join(root, prom)
          and mounts.get("/lab/kafka/render.sh") == os.path.join(root, "deps/kafka/render.sh"),
          "compose's prometheus starts with deps/prometheus/docker-start.sh and renders the same template",
          f"{p.get('entrypoint')} {mounts}")
    check(mounts.get("/prometheus") in compose.get("volumes", {}), "compose's prometheus keeps its data in a named volume")
    penv = {k: str(v) for k, v in p.get("environment", {}).items()}
    busybox = shutil.which("busybox")
    with tempfile.TemporaryDirectory() as tmp:
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        for applet in ("sh", "grep", "sed", "tr", "sort", "cat"):
            os.symlink(busybox, os.path.join(bindir, applet))
        # the rules where this machine has them (the container reads them at /lab/prometheus)
        rules_in_container = penv.get("LAB_PROM_RULES")
        renv = dict(penv, LAB_PROM_RULES=os.path.join(root, prom, "rules.yml"), PATH=bindir)
        r = subprocess.run([busybox, "sh", "deps/kafka/render.sh", f"{prom}/prometheus.yml.in"], cwd=root, env=renv,
                           capture_output=True, text=True)
        rendered = os.path.join(tmp, "prometheus.yml")
        with open(rendered, "w") as f:
            f.write(r.stdout)
        check(r.returncode == 0 and rules_in_container == "/lab/prometheus/rules.yml",
              "the template renders with busybox from compose's prometheus environment", r.stderr.strip())
        c = subprocess.run(["promtool", "check", "config", rendered], capture_output=True, text=True)
        check(c.returncode == 0, "promtool accepts compose's rendered configuration", (c.stdout + c.stderr).strip())
        ccfg = yaml.safe_load(r.stdout) or {}
        j = jobs(ccfg)
        for s in services:
            sd = j.get(s, {}).get("dns_sd_configs", [])
            cmd = compose["services"].get(s, {}).get("command", [])
            port = int(cmd[cmd.index("--port") + 1]) if "--port" in cmd else None
            check(sd == [{"names": [s], "type": "A", "port": port}],
                  f"compose's job {s} scrapes the container addresses of {s} on its port {port} (Host: an IP, which "
                  f"the services allow)", str(sd))
    r = subprocess.run([busybox, "sh", "-n", f"{prom}/docker-start.sh"], cwd=root, capture_output=True, text=True)
    check(r.returncode == 0, "deps/prometheus/docker-start.sh parses with busybox sh", r.stderr.strip())
    deb = run(["dpkg-query", "-W", "-f=${Version}", "prometheus"])
    version = re.sub(r"^\d+:", "", deb.stdout).split("+")[0].split("-")[0] if deb.returncode == 0 else ""
    check(version and p.get("image") == f"prom/prometheus:v{version}",
          f"compose's prometheus image is Debian's version (prom/prometheus:v{version or '?'})", p.get("image", ""))

# ---------------------------------------------------------------- the rules read real series
# Exported by the Redis memory report of the retention work (issue 12), not here yet:
# RedisMemoryHigh stays silent until a service exports them.
PENDING = {"lab_redis_used_memory_bytes", "lab_redis_maxmemory_bytes"}
rules = open(os.path.join(root, prom, "rules.yml")).read()
used = set(re.findall(r"\b(lab_[a-z_]+?)(?:_bucket|_sum|_count)?\b", rules))
sources = ""
for base in ("shared", "services"):
    for dirpath, _, files in os.walk(os.path.join(root, base)):
        for name in files:
            if name.endswith((".cpp", ".h")):
                sources += open(os.path.join(dirpath, name)).read()
exported = set(re.findall(r'"(lab_[a-z_]+)"', sources))
unknown = sorted(used - exported - PENDING)
check(used and not unknown, "every lab_* series the rules read is exported by a service", f"not exported: {unknown}")
finish()
PY
