#!/usr/bin/env bash
# Start + exit + remove of /bin/true: glassbox side by side with runc, crun and the floor
# (`unshare -fpmnui --mount-proc true`), measured in one run with hyperfine.
# Prints medians and ratios, and the peak RSS of each engine process.
# Usage: bench/start.sh [RUNS]   (as root; needs hyperfine, runc, crun: make deps)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-30}
BUILD=${BUILD:-build}
G="$PWD/$BUILD/bin/glassbox"
[ "$(id -u)" -eq 0 ] || { echo "bench/start.sh: run as root" >&2; exit 1; }
for c in hyperfine runc python3 /usr/bin/time; do
    command -v $c >/dev/null || { echo "bench/start.sh: needs $c (make deps)" >&2; exit 1; }
done
W=$(mktemp -d /var/tmp/gbbench.XXXXXX)
# State on tmpfs, layers on disk (/var), as in a real installation: there /run is a
# tmpfs (systemd mounts it; Docker, runc and glassbox keep their state in it). Where it
# is not (these VMs: /run is on the root's ext4), the engines' state roots go on a tmpfs
# of the bench's own, or every start would pay the disk for files a reboot must forget.
S=/run/gbbench.$$
mkdir -p "$S"
if [ "$(stat -f -c %T /run)" != tmpfs ]; then
    mount -t tmpfs -o mode=0700,size=64m gbbench "$S"
    echo "(/run is $(stat -f -c %T /run) here: the state roots are on a tmpfs at $S)"
fi
trap 'rm -rf "$W"; umount "$S" 2>/dev/null; rm -rf "$S"' EXIT
export GLASSBOX_ROOT=$S/glassbox GLASSBOX_DATA_ROOT=$W/data
"$G" run --rm busybox true   # import the image once, outside the measurement

# An OCI bundle for runc and crun from the same busybox root filesystem.
mkdir -p "$W/bundle"
cp -a "$BUILD/share/glassbox/images/busybox/rootfs" "$W/bundle/rootfs"
(cd "$W/bundle" && runc spec && python3 - <<'PY'
import json
c = json.load(open("config.json"))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
json.dump(c, open("config.json", "w"))
PY
)
cmds=(-n floor "unshare -fpmnui --mount-proc true"
      -n glassbox "$G run --rm busybox /bin/true"
      -n runc "runc --root $S/runc run -b $W/bundle gbbench-\$RANDOM")
# crun refuses hybrid cgroup hosts; it runs when /sys/fs/cgroup/unified is hidden in a
# private mount namespace (shared/FACTS.md). Included when that works here.
crun_cmd="unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root $S/crun run -b $W/bundle gbbench-\$\$'"
if command -v crun >/dev/null && sh -c "$crun_cmd" >/dev/null 2>&1; then
    cmds+=(-n crun "$crun_cmd")
else
    echo "(crun does not run on this host: left out)"
fi
hyperfine --warmup 3 --runs "$RUNS" --export-json "$W/start.json" "${cmds[@]}" >/dev/null

# Peak RSS of the engine's own process (what the CLI itself needs), by GNU time.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
python3 - "$W/start.json" "$(rss "$G" run --rm busybox /bin/true)" "$(rss runc --root $S/runc run -b "$W/bundle" gbbench-rss)" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
med = {k: v["median"] * 1000 for k, v in res.items()}
print(f"{'what':10} {'median ms':>10} {'vs floor':>9} {'vs glassbox':>12}")
for k in ["floor", "glassbox", "runc", "crun"]:
    if k in med:
        print(f"{k:10} {med[k]:10.2f} {med[k]/med['floor']:8.2f}x {med[k]/med['glassbox']:11.2f}x")
print(f"peak RSS of the engine process (KiB): glassbox {sys.argv[2]}, runc {sys.argv[3]}")
PY

# The limits variant: memory + cpu + pids, for glassbox and for runc (same values in the
# OCI config). "warm": back to back; "cold": after 1 s of quiet, when the kernel's first
# cgroup.procs write waits for an RCU grace period (docs/cgroups.md).
mkdir -p "$W/limits"
cp -a "$W/bundle/rootfs" "$W/limits/rootfs"
python3 - "$W/bundle/config.json" "$W/limits/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["resources"] = {"memory": {"limit": 64 << 20, "swap": 64 << 20},
                           "cpu": {"quota": 100000, "period": 100000}, "pids": {"limit": 100}}
json.dump(c, open(sys.argv[2], "w"))
PY
GL="$G run --rm -m 64m --cpus 1 --pids-limit 100 busybox /bin/true"
RL="runc --root $S/runc run -b $W/limits gbbench-\$RANDOM"
COLD=${COLD_RUNS:-8}
hyperfine --warmup 3 --runs "$RUNS" --export-json "$W/warm.json" \
    -n glassbox-limits "$GL" -n runc-limits "$RL" >/dev/null
hyperfine --runs "$COLD" --prepare "sleep 1" --export-json "$W/cold.json" \
    -n glassbox-limits "$GL" -n runc-limits "$RL" >/dev/null
python3 - "$W/warm.json" "$W/cold.json" <<'PY'
import json, sys
med = lambda f: {r["command"]: r["median"] * 1000 for r in json.load(open(f))["results"]}
warm, cold = med(sys.argv[1]), med(sys.argv[2])
print(f"\nwith -m 64m --cpus 1 --pids-limit 100 (median ms)")
print(f"{'what':16} {'warm':>8} {'cold (1 s idle)':>16}")
for k in ["glassbox-limits", "runc-limits"]:
    print(f"{k:16} {warm[k]:8.2f} {cold[k]:16.2f}")
PY
