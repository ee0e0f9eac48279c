#!/usr/bin/env bash
# Static checks of the Docker path: what `./lab docker-check` cannot see, since it builds
# and runs only the service image (no registry here for the apache/kafka, redis,
# elasticsearch and kibana images), and what must stay true between docker-compose.yml,
# the Dockerfile, ./lab and README:
#   - the images are the versions of the local stack (deps/pom.xml, Debian's redis-server);
#   - every port is published on 127.0.0.1, on ./lab's numbers and LAB_*_PORT variables
#     (Prometheus's too), and README's Docker section lists the same ports;
#     (tests/static/check-prometheus.sh checks Prometheus' configuration in both places)
#   - the settings of Kafka, Redis and Elasticsearch come from deps/, as for ./lab; the
#     Kafka template renders with the image's busybox shell, partitions follow
#     LAB_KAFKA_PARTITIONS; Kafka, Redis and Elasticsearch keep their data in volumes;
#   - one service builds the image, the others wait for it; the build context
#     (.dockerignore, as docker-compose computes it) leaves build directories out;
#   - the cluster profile (deps/compose-cluster.env): three Kafka nodes of one quorum
#     and one cluster id, replication 3 and min.insync.replicas 2, every client given
#     the three; a Redis replica and three Sentinels from deps/redis/sentinel.conf.in.
# A tool it needs that is missing is a failure. Closes with "N passed, M failed".
set -uo pipefail
root="${1:?usage: check-compose.sh REPO_ROOT}"
cd "$root" || exit 2
# Debian's python3: docker-compose's own modules (yaml, docker) are installed for it
if [[ ! -x /usr/bin/python3 ]]; then
  echo "FAIL - /usr/bin/python3 is missing (./lab deps)"
  echo "0 passed, 1 failed"
  exit 1
fi
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
    # a check that crashes is a failure too, and the closing line stays honest
    import traceback
    traceback.print_exception(kind, value, tb)
    check(False, "every check ran to its end (one crashed, above)")
    print(f"{passed} passed, {failed} failed")

sys.excepthook = crashed

def read(path):
    with open(os.path.join(root, path)) as f:
        return f.read()

# ---------------------------------------------------------------- tools
missing = [t for t in ("docker-compose", "busybox", "dpkg-query") if not shutil.which(t)]
for t in missing:
    check(False, f"{t} is installed (./lab deps installs it)")
try:
    import yaml
    from docker.utils.build import PatternMatcher
except ImportError as e:
    missing.append("python3 modules")
    check(False, "docker-compose's python modules yaml and docker are importable", str(e))
if missing:
    finish()

# ---------------------------------------------------------------- compose config
# Interpolated as a user without LAB_* variables sees it (the defaults), and with ./lab's
# variables set, which must move compose's ports and partitions the same way.
LAB_VARS = {"LAB_KAFKA_PORT": "19192", "LAB_REDIS_PORT": "16479", "LAB_ES_PORT": "19300",
            "LAB_ORDER_PORT": "15000", "LAB_SEARCH_PORT": "15100", "LAB_PAYMENT_PORT": "15200",
            "LAB_INVENTORY_PORT": "15300", "LAB_NOTIFIER_PORT": "18000", "LAB_KAFKA_PARTITIONS": "3",
            "LAB_PROMETHEUS_PORT": "19090"}

def compose_config(extra, env_file=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAB_", "COMPOSE_"))}
    env.update(extra)
    args = ["docker-compose", "-f", "docker-compose.yml"] + (["--env-file", env_file] if env_file else []) + ["config"]
    r = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip()
    return yaml.safe_load(r.stdout), ""

cfg, err = compose_config({})
if not check(cfg is not None, "docker-compose config validates docker-compose.yml", err):
    finish()
moved, err = compose_config(LAB_VARS)
check(moved is not None, "docker-compose config validates with LAB_* variables set", err)
services = cfg["services"]

# ---------------------------------------------------------------- versions
def pom_property(name):
    m = re.search(rf"<{name}>([^<]+)</{name}>", read("deps/pom.xml"))
    return m.group(1).strip() if m else ""

kafka_version = pom_property("kafka.version")
es_version = pom_property("elasticsearch.version")
version = re.compile(r"^\d+\.\d+\.\d+$")
r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "redis-server"], capture_output=True, text=True)
redis_deb = re.sub(r"^\d+:", "", r.stdout).split("-")[0] if r.returncode == 0 else ""

def image_is(service, expected, source, known):
    image = services.get(service, {}).get("image", "")
    if not known:
        return check(False, f"{service} image follows {source}", "the version cannot be read there")
    return check(image == expected, f"{service} image is {expected} ({source})", f"it is {image!r}")

image_is("kafka", f"apache/kafka:{kafka_version}", "deps/pom.xml kafka.version", version.match(kafka_version))
image_is("elasticsearch", f"docker.elastic.co/elasticsearch/elasticsearch:{es_version}",
         "deps/pom.xml elasticsearch.version", version.match(es_version))
image_is("kibana", f"docker.elastic.co/kibana/kibana:{es_version}", "deps/pom.xml elasticsearch.version",
         version.match(es_version))
image_is("redis", f"redis:{redis_deb}",
         "Debian's redis-server" + ("" if redis_deb else ", which is not installed (./lab deps)"),
         version.match(redis_deb))

# ---------------------------------------------------------------- ports
def published(svc_cfg):
    """[(host_ip, published, target)] of a service in docker-compose config's output."""
    out = []
    for p in svc_cfg.get("ports", []):
        if isinstance(p, dict):
            out.append((p.get("host_ip", ""), str(p.get("published", "")), str(p.get("target", ""))))
            continue
        m = re.match(r"^(?:(?P<ip>[\d.]+):)?(?P<pub>\d+):(?P<target>\d+)(?:/\w+)?$", str(p))
        out.append((m["ip"] or "", m["pub"], m["target"]) if m else ("?", str(p), "?"))
    return out

# ./lab and the environment every script of it sources (tools/lib/env.sh: the ports)
lab_text = read("lab") + "\n" + read("tools/lib/env.sh")

def lab_default(var):
    m = re.search(r"\$\{" + var + r":-(\d+)\}", lab_text)
    return m.group(1) if m else None

lab_ports = {"kafka": lab_default("LAB_KAFKA_PORT"), "redis": lab_default("LAB_REDIS_PORT"),
             "elasticsearch": lab_default("LAB_ES_PORT"), "prometheus": lab_default("LAB_PROMETHEUS_PORT")}
for name, var, port in re.findall(r"([a-z]+-service):(LAB_[A-Z]+_PORT):(\d+)", lab_text):
    lab_ports[name] = port
port_vars = {"kafka": "LAB_KAFKA_PORT", "redis": "LAB_REDIS_PORT", "elasticsearch": "LAB_ES_PORT",
             "order-service": "LAB_ORDER_PORT", "search-service": "LAB_SEARCH_PORT",
             "payment-service": "LAB_PAYMENT_PORT", "inventory-service": "LAB_INVENTORY_PORT",
             "notifier-service": "LAB_NOTIFIER_PORT", "prometheus": "LAB_PROMETHEUS_PORT"}
check(len(lab_ports) == 9 and all(lab_ports.values()), "./lab's default ports are readable",
      str(lab_ports))
# the cluster profile's nodes 2 and 3 on ./lab's cluster ports (LAB_KAFKA_PORT +2, +4)
expected = dict(lab_ports, kibana="5601", **{"kafka-ui": "8080"})
if lab_ports.get("kafka"):
    expected.update({"kafka-2": str(int(lab_ports["kafka"]) + 2), "kafka-3": str(int(lab_ports["kafka"]) + 4)})
actual = {}
for name, s in services.items():
    for ip, pub, target in published(s):
        check(ip == "127.0.0.1", f"{name} publishes {pub} on 127.0.0.1 only", f"host address {ip or 'all'}")
        actual.setdefault(name, []).append(pub)
check(actual == {k: [v] for k, v in expected.items()},
      "compose publishes exactly ./lab's ports (and Kibana 5601, Kafka UI 8080; kafka-2/-3 on ./lab's cluster ports)",
      f"compose {actual}, expected {expected}")
if moved:
    for name, var in port_vars.items():
        pubs = [pub for _, pub, _ in published(moved["services"].get(name, {}))]
        check(pubs == [LAB_VARS[var]], f"{name}'s published port follows {var}", f"{var}={LAB_VARS[var]} gives {pubs}")

# README's Docker section: a table row per published port, naming the compose service
readme = read("README.md")
m = re.search(r"^## Docker\n(.*?)(?=^## )", readme, re.S | re.M)
docker_section = m.group(1) if m else ""
rows = {}
for line in docker_section.splitlines():
    row = re.match(r"^\|(?P<name>[^|]*)\|(?P<where>[^|]*)\|", line)
    svc = re.search(r"`([a-z0-9-]+)`", row["name"]) if row else None
    port = re.search(r"127\.0\.0\.1:(\d+)", row["where"]) if row else None
    if svc and port:
        rows[svc.group(1)] = port.group(1)
check(rows == expected, "README's Docker section lists every published port, port for port",
      f"README {rows}, compose {expected}")

# ---------------------------------------------------------------- one image, built once
lab_image = "kafka-microservices-lab:latest"
builders = [n for n, s in services.items() if "build" in s]
check(len(builders) == 1, "exactly one service builds the image", f"builders: {builders}")
builder = builders[0] if builders else None
for name, s in services.items():
    if s.get("image") == lab_image and name != builder:
        check("build" not in s and builder in s.get("depends_on", {}),
              f"{name} uses the image that {builder} builds (no build of its own, waits for it)")

# ---------------------------------------------------------------- Kafka
kafka = services.get("kafka", {})
kenv = {k: str(v) for k, v in kafka.get("environment", {}).items()}

def mounts(svc_cfg):
    out = {}
    for v in svc_cfg.get("volumes", []):
        if isinstance(v, dict):
            out[v.get("target")] = (v.get("source"), v.get("read_only", False))
        else:
            parts = str(v).split(":")
            out[parts[1]] = (parts[0], len(parts) > 2 and parts[2] == "ro")
    return out

kmounts = mounts(kafka)
check(kmounts.get("/lab/kafka", ("",))[0] == os.path.join(root, "deps/kafka")
      and kafka.get("entrypoint") == ["sh", "/lab/kafka/docker-start.sh"],
      "kafka starts with deps/kafka/docker-start.sh (the template ./lab renders too)")
data_dir = kenv.get("LAB_KAFKA_DATA_DIR", "")
check(data_dir and kmounts.get(data_dir, ("",))[0] in cfg.get("volumes", {}),
      f"kafka keeps its log directory {data_dir or '(unset)'} in a named volume")
# the template, rendered as the container does: busybox sh and busybox's grep/sed/tr/sort
busybox = shutil.which("busybox")
with tempfile.TemporaryDirectory() as bindir:
    for applet in ("sh", "grep", "sed", "tr", "sort", "cat"):
        os.symlink(busybox, os.path.join(bindir, applet))
    def render(env):
        r = subprocess.run([busybox, "sh", "deps/kafka/render.sh", "deps/kafka/server.properties.in"],
                           cwd=root, env=dict(env, PATH=bindir), capture_output=True, text=True)
        return r.returncode, r.stdout, r.stderr.strip()
    rc, props, err = render(kenv)
    check(rc == 0 and "@" not in re.sub(r"^#.*$|^controller\.quorum\.voters=.*$", "", props, flags=re.M),
          "the Kafka template renders with busybox from compose's kafka environment", err)
    settings = dict(l.split("=", 1) for l in props.splitlines() if "=" in l and not l.startswith("#"))
    check(settings.get("node.id") == "1" and settings.get("controller.quorum.voters") == "1@kafka:9093"
          and all(settings.get(k) == "1" for k in ("default.replication.factor", "offsets.topic.replication.factor",
                                                   "transaction.state.log.replication.factor", "min.insync.replicas",
                                                   "transaction.state.log.min.isr")),
          "one Kafka node by default: node 1, its own quorum, replication 1, min.insync.replicas 1",
          str({k: v for k, v in settings.items() if "replica" in k or "isr" in k or k in ("node.id", "controller.quorum.voters")}))
    check(settings.get("num.partitions") == "6" and "--partitions" in services.get(builder or "", {}).get("command", [])
          and services[builder]["command"][services[builder]["command"].index("--partitions") + 1] == "6",
          "6 partitions by default, in the broker and in topic creation (as ./lab)")
    if moved:
        rc, mprops, err = render({k: str(v) for k, v in moved["services"]["kafka"]["environment"].items()})
        mcmd = moved["services"].get(builder or "", {}).get("command", [])
        check(f"num.partitions={LAB_VARS['LAB_KAFKA_PARTITIONS']}" in mprops.splitlines()
              and mcmd[mcmd.index("--partitions") + 1:][:1] == [LAB_VARS["LAB_KAFKA_PARTITIONS"]],
              "partitions follow LAB_KAFKA_PARTITIONS (broker and topic creation)", f"{mcmd} {err}")
        adv = moved["services"]["kafka"]["environment"].get("LAB_KAFKA_ADVERTISED_LISTENERS", "")
        check(f"HOST://127.0.0.1:{LAB_VARS['LAB_KAFKA_PORT']}" in adv,
              "kafka advertises 127.0.0.1 on the published port to programs on this machine", adv)
    listeners = dict(re.findall(r"(\w+)://[^:,]*:(\d+)", settings.get("listeners", "")))
    host_targets = [t for _, _, t in published(kafka)]
    check(listeners.get("HOST") in host_targets and listeners.get("PLAINTEXT") == "9092",
          "kafka's published port reaches its HOST listener; containers use PLAINTEXT kafka:9092",
          f"listeners {listeners}, published to {host_targets}")
r = subprocess.run([busybox, "sh", "-n", "deps/kafka/docker-start.sh"], cwd=root, capture_output=True, text=True)
check(r.returncode == 0, "deps/kafka/docker-start.sh parses with busybox sh", r.stderr.strip())
# no broker setting of its own in either place: they live in the template only
inline = re.compile(r"offsets\.topic|log\.retention|log\.segment|num\.partitions|KAFKA_NUM_PARTITIONS|KAFKA_OFFSETS")
for path in ("lab", "docker-compose.yml"):
    hits = [l.strip() for l in read(path).splitlines() if inline.search(l)]
    check(not hits, f"{path} sets no Kafka broker setting of its own (deps/kafka/server.properties.in)", str(hits))
check("deps/kafka/server.properties.in" in lab_text and "deps/kafka/render.sh" in lab_text,
      "./lab renders deps/kafka/server.properties.in with deps/kafka/render.sh")
for svc in ("kafka-init", "kafka-ui", "order-service"):
    env = services.get(svc, {}).get("environment", {})
    brokers = env.get("KAFKA_BROKERS") or env.get("KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS")
    check(brokers == "kafka:9092", f"{svc} reaches Kafka at kafka:9092", str(brokers))

# ---------------------------------------------------------------- Elasticsearch, Redis
es = services.get("elasticsearch", {})
es_mounts = mounts(es)
check(es_mounts.get("/usr/share/elasticsearch/config/elasticsearch.yml", ("",))[0]
      == os.path.join(root, "deps/elasticsearch/elasticsearch.yml"),
      "elasticsearch runs with deps/elasticsearch/elasticsearch.yml (as ./lab)")
es_vars = sorted(set(re.findall(r"\$\{(\w+)\}", read("deps/elasticsearch/elasticsearch.yml"))))
check(es_vars and all(v in es.get("environment", {}) for v in es_vars),
      "compose sets every variable elasticsearch.yml reads", f"{es_vars}")
check(es_vars and all(f"{v}=" in lab_text for v in es_vars) and "deps/elasticsearch/elasticsearch.yml" in lab_text,
      "./lab uses deps/elasticsearch/elasticsearch.yml and sets every variable it reads")
es_data = es.get("environment", {}).get("LAB_ES_DATA_DIR", "")
check(es_mounts.get(es_data, ("",))[0] in cfg.get("volumes", {}), "elasticsearch keeps its data in a named volume")
check([t for _, _, t in published(es)] == [str(es.get("environment", {}).get("LAB_ES_HTTP_PORT"))],
      "elasticsearch's published port is its http.port")
redis = services.get("redis", {})
check(mounts(redis).get("/lab/redis", ("",))[0] == os.path.join(root, "deps/redis")
      and redis.get("command", [])[:2] == ["redis-server", "/lab/redis/redis.conf"]
      and "deps/redis/redis.conf" in lab_text,
      "redis runs with deps/redis/redis.conf, as ./lab does")
check(mounts(redis).get("/data", ("",))[0] in cfg.get("volumes", {}), "redis keeps its AOF in a named volume")

# ---------------------------------------------------------------- cluster profile
CLUSTER_ENV = "deps/compose-cluster.env"
cluster_env = {}
if check(os.path.exists(os.path.join(root, CLUSTER_ENV)), f"{CLUSTER_ENV} exists (docker-compose's cluster mode)"):
    for line in read(CLUSTER_ENV).splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            k, v = line.split("=", 1)
            cluster_env[k.strip()] = v.strip()
check(cluster_env.get("COMPOSE_PROFILES") == "cluster", f"{CLUSTER_ENV} turns on the profile 'cluster'")
ccfg, err = compose_config({}, CLUSTER_ENV) if cluster_env else (None, "no env file")
if check(ccfg is not None, f"docker-compose config validates with --env-file {CLUSTER_ENV}", err):
    cs = ccfg["services"]
    extra = ["kafka-2", "kafka-3", "redis-2", "sentinel-1", "sentinel-2", "sentinel-3"]
    check(all(cs.get(n, {}).get("profiles") == ["cluster"] for n in extra)
          and all(not services.get(n, {}).get("profiles") for n in ("kafka", "redis", "order-service")),
          "kafka-2, kafka-3, redis-2 and the Sentinels are in the profile 'cluster' only", str({n: cs.get(n, {}).get("profiles") for n in extra}))
    nodes = ["kafka", "kafka-2", "kafka-3"]
    rendered = {}
    with tempfile.TemporaryDirectory() as bindir:
        for applet in ("sh", "grep", "sed", "tr", "sort", "cat"):
            os.symlink(busybox, os.path.join(bindir, applet))
        def render_with(template, env):
            r = subprocess.run([busybox, "sh", "deps/kafka/render.sh", template], cwd=root,
                               env=dict({k: str(v) for k, v in env.items()}, PATH=bindir), capture_output=True, text=True)
            if r.returncode != 0:
                return {"error": r.stderr.strip()}
            return dict(l.split("=", 1) if "=" in l else (l, "") for l in r.stdout.splitlines() if l and not l.startswith("#"))
        for n in nodes:
            rendered[n] = render_with("deps/kafka/server.properties.in", cs.get(n, {}).get("environment", {}))
        sentinel_conf = {n: render_with("deps/redis/sentinel.conf.in", cs.get(n, {}).get("environment", {}))
                         for n in ("sentinel-1", "sentinel-2", "sentinel-3")}
    voters = {n: rendered[n].get("controller.quorum.voters") for n in nodes}
    check(len(set(voters.values())) == 1
          and voters["kafka"] == "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093",
          "the three Kafka nodes render one controller quorum of all three", str(voters))
    check([rendered[n].get("node.id") for n in nodes] == ["1", "2", "3"] and all(
          rendered[n].get("process.roles") == "broker,controller" for n in nodes),
          "each Kafka node is a broker and a controller with its own node id", str({n: rendered[n].get("node.id") for n in nodes}))
    check(all(rendered[n].get(k) == "3" for n in nodes for k in ("default.replication.factor", "offsets.topic.replication.factor",
                                                                  "transaction.state.log.replication.factor"))
          and all(rendered[n].get(k) == "2" for n in nodes for k in ("min.insync.replicas", "transaction.state.log.min.isr")),
          "replication factor 3 and min.insync.replicas 2 for every topic, the internal ones included")
    ids = {cs[n]["environment"].get("LAB_KAFKA_CLUSTER_ID") for n in nodes}
    check(len(ids) == 1 and re.match(r"^[A-Za-z0-9_-]{22}$", next(iter(ids)) or ""),
          "the three nodes format their storage with one cluster id (22 characters of base64)", str(ids))
    check(all(f"PLAINTEXT://{n}:9092" in cs[n]["environment"].get("LAB_KAFKA_ADVERTISED_LISTENERS", "")
              and f"HOST://127.0.0.1:{published(cs[n])[0][1]}" in cs[n]["environment"].get("LAB_KAFKA_ADVERTISED_LISTENERS", "")
              for n in nodes),
          "each node advertises its own name to containers and its published port to this machine")
    check(all(mounts(cs[n]).get("/var/lib/kafka/data", ("",))[0] in ccfg.get("volumes", {}) for n in nodes)
          and len({mounts(cs[n]).get("/var/lib/kafka/data", ("",))[0] for n in nodes}) == 3,
          "each Kafka node keeps its log directory in a volume of its own")
    all_brokers = "kafka:9092,kafka-2:9092,kafka-3:9092"
    clients = {svc: (cs.get(svc, {}).get("environment", {}).get("KAFKA_BROKERS")
                     or cs.get(svc, {}).get("environment", {}).get("KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"))
               for svc in ("kafka-init", "kafka-ui", "order-service", "payment-service", "inventory-service",
                           "notifier-service", "search-service")}
    check(all(v == all_brokers for v in clients.values()), "every Kafka client is given the three nodes", str(clients))
    sentinels = {svc: cs.get(svc, {}).get("environment", {}).get("REDIS_SENTINELS")
                 for svc in ("order-service", "payment-service", "inventory-service", "notifier-service", "search-service")}
    check(all(v == "sentinel-1:26379,sentinel-2:26379,sentinel-3:26379" for v in sentinels.values())
          and not any(services.get(svc, {}).get("environment", {}).get("REDIS_SENTINELS") for svc in sentinels),
          "the services find Redis through the three Sentinels in the cluster profile (and not by default)", str(sentinels))
    check(all("sentinel monitor lab redis 6379 2" in c and "port 26379" in c for c in sentinel_conf.values())
          and all(not c.get("error") for c in sentinel_conf.values()),
          "the Sentinels render deps/redis/sentinel.conf.in (busybox) to monitor 'lab' at redis:6379, quorum 2",
          str({n: [k for k in c if k.startswith("sentinel monitor") or k == "error"] for n, c in sentinel_conf.items()}))
    check(cs.get("redis-2", {}).get("command", [])[:2] == ["redis-server", "/lab/redis/redis.conf"]
          and cs["redis-2"]["command"][-3:] == ["--replicaof", "redis", "6379"],
          "redis-2 runs deps/redis/redis.conf as a replica of redis")
    # A node the voters do not list stops at once with the way to start the cluster (the
    # image's tools are stand-ins that would start and say so).
    with tempfile.TemporaryDirectory() as home:
        os.makedirs(os.path.join(home, "bin"))
        os.makedirs(os.path.join(home, "config"))
        for tool in ("kafka-storage.sh", "kafka-server-start.sh"):
            with open(os.path.join(home, "bin", tool), "w") as f:
                f.write("#!/bin/sh\necho started\n")
            os.chmod(os.path.join(home, "bin", tool), 0o755)
        env = {k: str(v) for k, v in cs["kafka-2"]["environment"].items()}
        env.update(PATH="/usr/bin:/bin", LAB_KAFKA_HOME=home, LAB_KAFKA_DATA_DIR=home,
                   LAB_KAFKA_QUORUM_VOTERS="1@kafka:9093")
        r = subprocess.run([busybox, "sh", "deps/kafka/docker-start.sh"], cwd=root, capture_output=True, text=True, env=env)
        check(r.returncode != 0 and CLUSTER_ENV in r.stderr and "started" not in r.stdout,
              "kafka-2 without the cluster's settings (--profile cluster alone) stops and names the env file",
              (r.stdout + r.stderr).strip())
        env.update(LAB_KAFKA_QUORUM_VOTERS=cs["kafka-2"]["environment"]["LAB_KAFKA_QUORUM_VOTERS"])
        r = subprocess.run([busybox, "sh", "deps/kafka/docker-start.sh"], cwd=root, capture_output=True, text=True, env=env)
        check(r.returncode == 0 and "started" in r.stdout, "kafka-2 with the cluster's settings starts",
              (r.stdout + r.stderr).strip())

# ---------------------------------------------------------------- services
for svc in ("order-service", "payment-service", "inventory-service", "notifier-service", "search-service"):
    s = services.get(svc, {})
    deps = s.get("depends_on", {})
    check("healthcheck" in s
          and deps.get("redis", {}).get("condition") == "service_healthy"
          and deps.get("elasticsearch", {}).get("condition") == "service_healthy"
          and deps.get(builder or "", {}).get("condition") == "service_completed_successfully",
          f"{svc} has a healthcheck and waits for healthy dependencies and the topics")
check(re.search(r'"title": "order-logs\*".*"timeFieldName": "timestamp"', read("docker-compose.yml")) is not None,
      "Kibana's data view order-logs* on timestamp is created")

# ---------------------------------------------------------------- bounded resources
# every container's log capped (README, "Logs"), the retention settings passed on
uncapped = [n for n, s in services.items()
            if s.get("logging", {}).get("driver") != "json-file"
            or not s.get("logging", {}).get("options", {}).get("max-size")
            or not str(s.get("logging", {}).get("options", {}).get("max-file", "")).isdigit()]
check(not uncapped, "every container's log is capped (json-file max-size, max-file)", f"uncapped: {uncapped}")
for svc in ("order-service", "payment-service", "inventory-service", "notifier-service"):
    env = services.get(svc, {}).get("environment", {})
    check(env.get("ORDER_RETENTION") == "7d" and env.get("ORDER_UNDECIDED_RETENTION") == "30d",
          f"{svc} gets ORDER_RETENTION and ORDER_UNDECIDED_RETENTION (7d, 30d as README)",
          f"{env.get('ORDER_RETENTION')}, {env.get('ORDER_UNDECIDED_RETENTION')}")
check("LAB_KAFKA_TOPIC_CONFIG" in services.get(builder or "", {}).get("environment", {}),
      f"{builder} creates the topics with LAB_KAFKA_TOPIC_CONFIG over the built-in retention")
check(re.search(r"^maxmemory \d+[kmg]b$", read("deps/redis/redis.conf"), re.M | re.I) is not None
      and re.search(r"^maxmemory-policy noeviction$", read("deps/redis/redis.conf"), re.M) is not None,
      "Redis runs with a maxmemory and noeviction (deps/redis/redis.conf)")

# ---------------------------------------------------------------- Dockerfile and build context
dockerfile = read("Dockerfile")
check(re.search(r"^ARG BASE_IMAGE=debian:bookworm$", dockerfile, re.M)
      and re.search(r"^ARG RUNTIME_IMAGE=debian:bookworm-slim$", dockerfile, re.M)
      and re.search(r"^FROM \$\{BASE_IMAGE\} AS build$", dockerfile, re.M)
      and re.search(r"^FROM \$\{RUNTIME_IMAGE\} AS runtime$", dockerfile, re.M),
      "Dockerfile stages are Debian bookworm by default, their base images overridable")
check("COPY deps/debian-build-packages.txt" in dockerfile and "deps/debian-build-packages.txt" in lab_text,
      "the build stage installs deps/debian-build-packages.txt, which ./lab deps installs too")
build_pkgs = [l.strip() for l in read("deps/debian-build-packages.txt").splitlines()
              if l.strip() and not l.strip().startswith("#")]
heavy = [p for p in build_pkgs if re.match(r"chromium|openjdk|default-jdk|maven|clang|xvfb|docker", p)]
check(build_pkgs and not heavy, "the build stage installs no browser, JDK, Maven or clang", str(heavy))
targets = re.search(r"--target ((?:[a-z-]+\s*\\?\s*)+)", dockerfile)
targets = set(targets.group(1).replace("\\", " ").split()) if targets else set()
copied = set(re.findall(r"/src/build/(?:services|tools)/[a-z-]+/([a-z-]+)", dockerfile))
check(targets == copied == {"order-service", "payment-service", "inventory-service", "notifier-service",
                            "search-service", "lab-admin"} and "-DLAB_BUILD_TESTS=OFF" in dockerfile,
      "the build stage builds only the five services and lab-admin (no tests, no console)", f"{targets} {copied}")
check(not re.search(r"^COPY \.\s", dockerfile, re.M),
      "the Dockerfile copies the sources it builds from, not the whole context")
check("npm ci" in dockerfile and not re.search(r"--loglevel|--silent|2>\s*/dev/null", dockerfile),
      "npm installs from the lockfile and its warnings are not hidden")
# the build context as docker-compose (docker-py) computes it from .dockerignore
if check(os.path.exists(os.path.join(root, ".dockerignore")), ".dockerignore exists"):
    patterns = [l.strip() for l in read(".dockerignore").splitlines() if l.strip() and not l.startswith("#")]
    matcher = PatternMatcher(patterns)
    out = ["build/CMakeCache.txt", "build/services/order-service/order-service", "build-asan/CMakeCache.txt",
           "node_modules/swagger-ui-dist/package.json", ".git/HEAD", "services/x/CMakeCache.txt"]
    leaked = [p for p in out if not matcher.matches(p)]
    check(not leaked, "the build context leaves out build directories, CMake caches, node_modules, .git",
          f"would be sent: {leaked}")
    needed = ["CMakeLists.txt", "cmake", "shared/CMakeLists.txt", "services/CMakeLists.txt", "tools/CMakeLists.txt",
              "frontend/index.html", "package.json", "package-lock.json", "deps/debian-build-packages.txt"]
    lost = [p for p in needed if matcher.matches(p) or not os.path.exists(os.path.join(root, p))]
    check(not lost, "the build context keeps what the image builds from", f"left out or absent: {lost}")
finish()
PY
