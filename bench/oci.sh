#!/usr/bin/env bash
# The cost of a Docker container made by glassbox-runc against runc (and crun when
# installed), through the same dockerd: `docker run --rm --network none IMAGE true` with
# `--runtime glassbox`, `--runtime runc` and `--runtime crun`, taking turns (A B C A B C
# ...) so that a busy machine slows each alike. Prints the medians of wall time and their
# ratio to runc's (the goal of issue 14: no slower than runc). Docker's own work (the API,
# containerd, the shim, the rootfs) is in every number; the difference is the runtime's.
# Like test 97, dockerd runs in a network namespace of its own with private directories.
# Usage: bench/oci.sh [RUNS]   (as root; needs Debian's docker.io)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-30}
BUILD=${BUILD:-build}
RUNC_BIN="$PWD/$BUILD/bin/glassbox-runc"
[ "$(id -u)" -eq 0 ] || { echo "bench/oci.sh: run as root" >&2; exit 1; }
for c in dockerd /usr/bin/docker containerd runc unshare python3; do
    command -v "$c" >/dev/null || { echo "bench/oci.sh: needs $c" >&2; exit 1; }
done
[ -x "$RUNC_BIN" ] || { echo "bench/oci.sh: build first (make): no $RUNC_BIN" >&2; exit 1; }
D=$(mktemp -d /var/tmp/gbbench-oci.XXXXXX)
chmod 711 "$D"
SOCK=$D/docker.sock
CGPARENT=gbbench-docker$$ # the containers' parent cgroup, ours to remove (not a shared /docker)
docker_() { /usr/bin/docker -H "unix://$SOCK" "$@"; }
cleanup() {
    local pid
    if pid=$(cat "$D/dockerd.pid" 2>/dev/null); then
        docker_ rm -f $(docker_ ps -aq) >/dev/null 2>&1 || true
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    umount -R "$D/data" 2>/dev/null || true
    umount -R "$D/exec" 2>/dev/null || true
    for d in /sys/fs/cgroup/"$CGPARENT" /sys/fs/cgroup/*/"$CGPARENT"; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
    done
    rm -rf "$D"
}
trap cleanup EXIT

runtimes=(--add-runtime "glassbox=$RUNC_BIN")
names=(runc glassbox)
if command -v crun >/dev/null; then
    runtimes+=(--add-runtime "crun=$(command -v crun)")
    names+=(crun)
fi
unshare --net --fork --kill-child setsid dockerd \
    --data-root "$D/data" --exec-root "$D/exec" -H "unix://$SOCK" --pidfile "$D/dockerd.pid" \
    --cgroup-parent "/$CGPARENT" \
    --containerd-namespace "gbbench$$" --containerd-plugins-namespace "gbbenchp$$" \
    --bridge=none --iptables=false --ip-masq=false --ip6tables=false \
    "${runtimes[@]}" >"$D/dockerd.log" 2>&1 &
for _ in $(seq 150); do docker_ version >/dev/null 2>&1 && break; sleep 0.2; done
docker_ version >/dev/null 2>&1 || { tail -20 "$D/dockerd.log"; echo "dockerd did not start" >&2; exit 1; }
tar -C "$BUILD/share/glassbox/images/busybox/rootfs" -c . | docker_ import - gbbusybox:bench >/dev/null

echo "docker $(docker_ version -f '{{.Server.Version}}'), runc $(runc --version | awk 'NR==1 {print $3}')," \
    "$(command -v crun >/dev/null && crun --version | head -1 || echo 'no crun'), $RUNS runs each"
python3 - "$RUNS" "$SOCK" "${names[@]}" <<'PY'
import statistics, subprocess, sys, time
runs, sock, names = int(sys.argv[1]), sys.argv[2], sys.argv[3:]

def once(rt, fatal=True):
    cmd = ["/usr/bin/docker", "-H", "unix://" + sock, "run", "--rm", "--runtime", rt,
           "--network", "none", "gbbusybox:bench", "true"]
    t = time.perf_counter()
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    if r.returncode != 0 and fatal:
        sys.exit(f"--runtime {rt} failed: {r.stderr.decode().strip()}")
    return (time.perf_counter() - t) * 1000 if r.returncode == 0 else None

# crun 1.8 refuses a hybrid cgroup host ("cgroups in hybrid mode not supported"): a peer
# that cannot run here is left out, with its reason, rather than failing the bench.
for rt in [n for n in names if n == "crun"]:
    r = subprocess.run(["/usr/bin/docker", "-H", "unix://" + sock, "run", "--rm", "--runtime",
                        rt, "--network", "none", "gbbusybox:bench", "true"],
                       stdin=subprocess.DEVNULL, capture_output=True)
    if r.returncode != 0:
        print(f"(crun left out: {r.stderr.decode().strip().splitlines()[-1][-120:]})")
        names.remove(rt)
for rt in names:  # warm up: page cache, dockerd's caches
    for _ in range(3):
        once(rt)
wall = {rt: [] for rt in names}
for _ in range(runs):
    for rt in names:
        wall[rt].append(once(rt))
base = statistics.median(wall["runc"])
print(f"{'docker run --rm true':22} {'median ms':>9} {'min ms':>7} {'ratio to runc':>14}")
for rt in names:
    m = statistics.median(wall[rt])
    print(f"--runtime {rt:12} {m:9.1f} {min(wall[rt]):7.1f} {m / base:14.2f}")
PY
