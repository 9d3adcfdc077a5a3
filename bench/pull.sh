#!/usr/bin/env bash
# The speed of `glassbox pull` against `skopeo copy` of the same image from the same local
# registry, in one run: Debian's docker-registry on 127.0.0.1:5000 inside a network
# namespace of this script's own, an image of SIZE_MB (default 100) of incompressible
# files in four layers over the busybox rootfs (made with umoci, pushed with skopeo). The
# two take turns (A B A B ...) so a busy machine slows both alike; each pull starts from an
# empty store. Prints the medians and glassbox's ratio to skopeo (the goal: at most 1.5;
# glassbox also unpacks every layer, which skopeo copying into an OCI layout does not).
# Usage: bench/pull.sh [RUNS] [SIZE_MB]   (as root)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-5}
SIZE_MB=${2:-100}
BUILD=${BUILD:-build}
G="$PWD/$BUILD/bin/glassbox"
[ "$(id -u)" -eq 0 ] || { echo "bench/pull.sh: run as root" >&2; exit 1; }
for c in docker-registry skopeo umoci unshare python3; do
    command -v $c >/dev/null || { echo "bench/pull.sh: needs $c" >&2; exit 1; }
done
if [ -z "${GB_BENCH_NETNS:-}" ]; then
    GB_BENCH_NETNS=1 exec unshare --net -- "$0" "$@"
fi
ip link set lo up
W=$(mktemp -d /var/tmp/gbbench-pull.XXXXXX)
export GLASSBOX_ROOT=$W/run GLASSBOX_DATA_ROOT=$W/data
cat > "$W/config.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $W/storage
http:
  addr: 127.0.0.1:5000
YML
docker-registry serve "$W/config.yml" > "$W/registry.log" 2>&1 &
REG_PID=$!
# (wait reports the registry's SIGTERM as a failure: under set -e that would end the
# trap before the rm, leaving ~300 MB in /var/tmp for every run)
cleanup() {
    kill "$REG_PID" 2>/dev/null || true
    wait "$REG_PID" 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/5000) 2>/dev/null && break; sleep 0.1; done

O=$W/oci
umoci init --layout "$O" && umoci new --image "$O:1"
umoci insert --image "$O:1" "$BUILD/share/glassbox/images/busybox/rootfs" /
for l in 1 2 3 4; do
    mkdir -p "$W/layer$l/data$l"
    for f in $(seq 8); do
        head -c $((SIZE_MB * 1024 * 1024 / 32)) /dev/urandom > "$W/layer$l/data$l/f$f"
    done
    tar -C "$W/layer$l" -cf "$W/layer$l.tar" .
    umoci raw add-layer --image "$O:1" "$W/layer$l.tar"
    rm -rf "$W/layer$l" "$W/layer$l.tar"
done
skopeo copy -q --dest-tls-verify=false "oci:$O:1" docker://127.0.0.1:5000/bench:1

python3 - "$RUNS" "$G" "$W" <<'PY'
import os, shutil, statistics, subprocess, sys, time
runs, g, w = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cmds = {
    "glassbox pull": [g, "pull", "127.0.0.1:5000/bench:1"],
    "skopeo copy": ["skopeo", "copy", "-q", "--src-tls-verify=false",
                    "docker://127.0.0.1:5000/bench:1", "oci:" + w + "/copy:1"],
}
times = {k: [] for k in cmds}
for _ in range(runs):
    for name, cmd in cmds.items():
        for d in (w + "/data", w + "/copy"):
            shutil.rmtree(d, ignore_errors=True)
        t = time.monotonic()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times[name].append(time.monotonic() - t)
base = statistics.median(times["skopeo copy"])
for name, ts in times.items():
    m = statistics.median(ts)
    print(f"{name:14s} median {m:6.2f} s   ratio to skopeo {m / base:4.2f}")
PY
