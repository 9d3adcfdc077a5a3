#!/usr/bin/env bash
# Start + exit + remove of /bin/true: glassbox side by side with runc, crun and the floor
# (`unshare -fpmnui --mount-proc true`), measured in one run, in rounds (bench/rounds.py);
# the limits variant with hyperfine.
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
# Timed in rounds (bench/rounds.py): every command once a round, the order rotating,
# so that this shared VM's drifts in speed touch all of them alike; "vs floor" is the
# median over rounds of each one's time over the floor's in the same round.
crun_sh="umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --root $S/crun run -b $W/bundle gbbench-\$\$"
# crun refuses hybrid cgroup hosts; it runs when /sys/fs/cgroup/unified is hidden in a
# private mount namespace (README.md, "Speed"). Included when that works here.
with_crun=0
if command -v crun >/dev/null && unshare -m sh -c "$crun_sh" >/dev/null 2>&1; then
    with_crun=1
else
    echo "(crun does not run on this host: left out)"
fi
python3 - "$RUNS" "$G" "$S" "$W" "$with_crun" "$crun_sh" <<'PY' | python3 bench/rounds.py --json "$W/start.json"
import json, sys
runs, g, s, w, with_crun, crun_sh = sys.argv[1:]
cmds = [["floor", ["unshare", "-fpmnui", "--mount-proc", "true"]],
        ["glassbox", [g, "run", "--rm", "busybox", "/bin/true"]],
        ["runc", ["runc", "--root", f"{s}/runc", "run", "-b", f"{w}/bundle", "gbbench-{i}"]]]
if with_crun == "1":
    cmds.append(["crun", ["unshare", "-m", "sh", "-c", crun_sh]])
print(json.dumps({"runs": int(runs), "warmup": 3, "baseline": "floor", "commands": cmds}))
PY

# Peak RSS of the engine's own process (what the CLI itself needs), by GNU time.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo "peak RSS of the engine process (KiB): glassbox $(rss "$G" run --rm busybox /bin/true)," \
     "runc $(rss runc --root $S/runc run -b "$W/bundle" gbbench-rss)"

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
