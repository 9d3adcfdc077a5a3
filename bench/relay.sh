#!/usr/bin/env bash
# The stdio relay's cost (issue 18): 1 GiB through `glassbox run -i busybox cat`, the
# container's stdin and stdout being pipes that glassbox relays with splice(2), against
# the same busybox cat fed through a plain pipe on the host, writing to /dev/null
# ("host pipe") and, as the container's cat must, into a pipe ("host pipe, out through
# a pipe"). All measured in this run; prints the medians and the ratios (container
# start and exit included).
# Usage: bench/relay.sh [RUNS] [SIZE]   (as root; needs hyperfine: make deps)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-5}
SIZE=${2:-1G}
BUILD=${BUILD:-build}
G="$PWD/$BUILD/bin/glassbox"
BB="$PWD/$BUILD/share/glassbox/images/busybox/rootfs/bin/busybox"
[ "$(id -u)" -eq 0 ] || { echo "bench/relay.sh: run as root" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "bench/relay.sh: needs hyperfine (make deps)" >&2; exit 1; }
W=$(mktemp -d /var/tmp/gbbench-relay.XXXXXX)
trap 'rm -rf "$W" /run/gbbench-relay' EXIT
export GLASSBOX_ROOT=/run/gbbench-relay GLASSBOX_DATA_ROOT=$W/data
"$G" run --rm busybox true   # import the image once, outside the measurement
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$W/r.json" \
    -n host-pipe "sh -c 'head -c $SIZE /dev/zero | $BB cat > /dev/null'" \
    -n host-pipe-out "sh -c 'head -c $SIZE /dev/zero | $BB cat | $BB cat > /dev/null'" \
    -n "glassbox run -i" "sh -c 'head -c $SIZE /dev/zero | $G run --rm -i busybox cat > /dev/null'" >&2
python3 - "$W/r.json" "$SIZE" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
host, out, gb = r["host-pipe"], r["host-pipe-out"], r["glassbox run -i"]
print(f"{sys.argv[2]} through cat: host pipe {host * 1000:.0f} ms, host pipe out through a pipe "
      f"{out * 1000:.0f} ms, glassbox run -i {gb * 1000:.0f} ms; ratios {gb / host:.2f}x and "
      f"{gb / out:.2f}x")
PY
