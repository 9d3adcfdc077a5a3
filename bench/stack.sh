#!/usr/bin/env bash
# Stacks (lab 20). Two parts, in one run, inside a network namespace of its own:
#  1. compose's own cost: `glassbox compose up -d` / `down` of three busybox services on two
#     networks, side by side with the same three containers made by hand with
#     `glassbox network create` + `glassbox run -d` / `rm -f` + `network rm` (the peer).
#     Prints the medians and the ratio compose / by hand.
#  2. with --inception: the lab 20 stack: cold build (a fresh data root: the Debian base
#     and eight images from the mirror), warm build (all cache), first `up` (WordPress and
#     MariaDB install themselves) until HTTPS answers, `down`, warm `up` until HTTPS
#     answers, `down`; for each up also the moment `make` (up --wait) returned. docker
#     compose on the same files would be the side-by-side figure: the script says whether
#     it is installed (Debian 12's docker.io has no compose plugin), and never drives the
#     host's Docker.
# Usage: bench/stack.sh [--inception] [ROUNDS]   (as root)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
G="$PWD/$BUILD/bin/glassbox"
INCEPTION=${GB_BENCH_INCEPTION:-0}
[ "${1:-}" = --inception ] && { INCEPTION=1; shift; }
export GB_BENCH_INCEPTION=$INCEPTION
ROUNDS=${1:-5}
[ "$(id -u)" -eq 0 ] || { echo "bench/stack.sh: run as root" >&2; exit 1; }
if [ -z "${GB_BENCH_NETNS:-}" ]; then
    if [ $INCEPTION = 1 ]; then  # the build needs the mirror: build outside the namespace
        W=$(mktemp -d /var/tmp/gbstack.XXXXXX)
        export GB_BENCH_W=$W
        cp -r labs/20-inception-stack "$W/lab"
        cp "$W/lab/srcs/.env.example" "$W/lab/srcs/.env"
        sed -i 's/^HTTPS_PORT=.*/HTTPS_PORT=18443/' "$W/lab/srcs/.env"
        gbw() { "$G" --root "$W/run" --data-root "$W/data" "$@"; }
        for pass in cold warm; do
            t0=$(date +%s%N)
            (cd "$W/lab" && DATA_DIR=$W/stack gbw compose -f srcs/docker-compose.yml -p inception build) >"$W/build.log" 2>&1
            echo "inception build, $pass: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
        done
    fi
    GB_BENCH_NETNS=1 exec unshare --net -- "$0" "$@"
fi
ip link set lo up
W=${GB_BENCH_W:-$(mktemp -d /var/tmp/gbstack.XXXXXX)}
gb() { "$G" --root "$W/run" --data-root "$W/data" "$@"; }
trap 'for id in $(gb ps -aq 2>/dev/null); do gb rm -f "$id" >/dev/null 2>&1; done; rm -rf "$W"' EXIT
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

mkdir -p "$W/p"
cat >"$W/p/compose.yaml" <<'EOF'
services:
  db: {image: busybox, command: [sleep, "1000"], networks: [back], stop_signal: SIGKILL}
  app: {image: busybox, command: [sleep, "1000"], networks: [back, front], depends_on: [db], stop_signal: SIGKILL}
  web: {image: busybox, command: [sleep, "1000"], networks: [front], depends_on: [app], stop_signal: SIGKILL}
networks: {front: {}, back: {internal: true}}
EOF
gb run --rm busybox true  # the image imported once, outside the measurement
up_c=() down_c=() up_h=() down_h=()
for _ in $(seq "$ROUNDS"); do
    t=$(date +%s%N); (cd "$W/p" && gb compose -p p up -d >/dev/null); up_c+=("$(ms "$t")")
    t=$(date +%s%N); (cd "$W/p" && gb compose -p p down >/dev/null); down_c+=("$(ms "$t")")
    t=$(date +%s%N)
    gb network create p_back --internal >/dev/null; gb network create p_front >/dev/null
    gb run -d -q --name p-db-1 --network p_back --network-alias db --stop-signal SIGKILL busybox sleep 1000
    gb run -d -q --name p-app-1 --network p_back --network p_front --network-alias app --stop-signal SIGKILL busybox sleep 1000
    gb run -d -q --name p-web-1 --network p_front --network-alias web --stop-signal SIGKILL busybox sleep 1000
    up_h+=("$(ms "$t")")
    t=$(date +%s%N)
    gb rm -f p-web-1 p-app-1 p-db-1 >/dev/null; gb network rm p_front p_back >/dev/null
    down_h+=("$(ms "$t")")
done
mu=$(printf '%s\n' "${up_c[@]}" | median); hu=$(printf '%s\n' "${up_h[@]}" | median)
md=$(printf '%s\n' "${down_c[@]}" | median); hd=$(printf '%s\n' "${down_h[@]}" | median)
echo "3 services, 2 networks, median of $ROUNDS:"
printf '  up:   compose %5d ms   by hand %5d ms   ratio %.2f\n' "$mu" "$hu" "$(echo "$mu / $hu" | bc -l)"
printf '  down: compose %5d ms   by hand %5d ms   ratio %.2f\n' "$md" "$hd" "$(echo "$md / $hd" | bc -l)"

[ $INCEPTION = 1 ] || exit 0
mk() { make -s -C "$W/lab" GLASSBOX="$G --root $W/run --data-root $W/data" DATA_DIR="$W/stack" "$@" >"$W/make.log" 2>&1; }
https() { for _ in $(seq 1200); do
    curl -sk --max-time 2 -o /dev/null -w '%{http_code}' --resolve login.42.fr:18443:127.0.0.1 \
        https://login.42.fr:18443/ | grep -q 200 && return 0; sleep 0.05; done; return 1; }
for pass in first warm; do
    t=$(date +%s%N); mk || { echo "make failed:"; tail "$W/make.log"; exit 1; }
    u=$(ms "$t"); https || echo "HTTPS never answered 200"
    echo "inception up ($pass): make (build from cache + up -d --wait) returned in $u ms, HTTPS answers after $(ms "$t") ms"
    t=$(date +%s%N); mk down; echo "inception down: $(ms "$t") ms"
done
mk fclean
if docker compose version >/dev/null 2>&1; then
    echo "docker compose is installed: this script does not drive the host's Docker; for the"
    echo "side-by-side figure run the same files by hand (labs/20-inception-stack/srcs)"
else
    echo "docker compose: not installed here (Debian 12's docker.io has no compose plugin): no side-by-side figure"
fi
