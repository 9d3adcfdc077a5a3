#!/usr/bin/env bash
# Docker's networks through glassbox-runc (docs/oci.md): on a network other than none or
# host, what plugs the container in is Docker's own prestart hook (`/proc/DOCKERD/exe
# libnetwork-setkey ...` in config.json), which glassbox-runc runs before pivot_root with
# the state on its stdin: dockerd then moves a veth into PID 1's network namespace. In the
# test's own dockerd (tests/lib/dockerd.sh), on a user-defined bridge network: an httpd
# reached through a published port (Docker's userland proxy) from dockerd's namespace, and
# a second container reaching it by name (Docker's embedded DNS), read back from the kernel.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq
need_cmd nsenter
. "$(dirname "$0")/../lib/dockerd.sh" # D, SOCK, docker_, start_dockerd, stop_dockerd
[ -x /usr/sbin/docker-proxy ] || command -v docker-proxy >/dev/null || skip "needs docker-proxy (Docker's userland proxy)"

RUNC=$(dirname "$GLASSBOX")/glassbox-runc
start_dockerd "gbnet$$" --add-runtime "glassbox=$RUNC"
import_busybox
DPID=$(cat "$D/dockerd.pid")
in_dockerd_ns() { nsenter -t "$DPID" -n "$@"; } # dockerd's network namespace, not the host's
NET=gbnet$$
SUBNET=10.213.7.0/24
PORT=18080
docker_ network create --subnet "$SUBNET" "$NET" >/dev/null
assert_eq "docker network create: a user-defined bridge network" bridge "$(docker_ network inspect -f '{{.Driver}}' "$NET")"
BR=br-$(docker_ network inspect -f '{{.Id}}' "$NET" | cut -c1-12)
check "its bridge $BR is in dockerd's network namespace" bash -c "nsenter -t $DPID -n ip link show $BR >/dev/null"
check "and not in the host's" bash -c "! ip link show '$BR' >/dev/null 2>&1"

token=glassbox-net-$$
cid=$(docker_ run -d --runtime glassbox --name web --network "$NET" -p "127.0.0.1:$PORT:80" \
    gbbusybox:oci sh -c "mkdir -p /www && echo $token > /www/index.html && exec httpd -f -p 80 -h /www")
assert_eq "docker run -d --network $NET -p 127.0.0.1:$PORT:80" running "$(docker_ inspect -f '{{.State.Status}}' "$cid" 2>&1)"
pid=$(docker_ inspect -f '{{.State.Pid}}' "$cid")
R=$D/exec/runtime-runc/gbnet$$
hooks=$R/oci/$cid/hooks.json
assert_eq "config.json's prestart hook is Docker's libnetwork-setkey (kept by glassbox-runc)" \
    libnetwork-setkey "$(jq -r '.prestart[0].args[0]' "$hooks" 2>/dev/null)"
assert_eq "run from dockerd's own binary" "/proc/$DPID/exe" "$(jq -r '.prestart[0].path' "$hooks" 2>/dev/null)"
ip4=$(nsenter -t "$pid" -n ip -4 -o addr show eth0 2>/dev/null | awk '{print $4}')
assert_eq "PID 1's network namespace has eth0 with Docker's address (what the hook made)" \
    "$(docker_ inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$cid")/24" "$ip4"
check "the address is in $SUBNET" test "${ip4%.*}" = 10.213.7
check "eth0's peer is a port of $BR in dockerd's namespace" \
    bash -c "nsenter -t $DPID -n ip -o link show master $BR | grep -q veth"
check "a default route through the bridge" bash -c "nsenter -t $pid -n ip route | grep -q '^default via 10.213.7.1'"

body=""
for _ in $(seq 50); do
    body=$(in_dockerd_ns wget -qO- -T 2 "http://127.0.0.1:$PORT/" 2>/dev/null) && break
    sleep 0.2
done
assert_eq "the published port answers from dockerd's namespace (userland proxy -> eth0 -> httpd)" "$token" "$body"
check "nothing listens on the host's $PORT" bash -c "! ss -Hltn 'sport = :$PORT' | grep -q ."

# (busybox's own `wget -T` crashes in this image: timeout(1) bounds it instead)
out=$(docker_ run --rm --runtime glassbox --network "$NET" gbbusybox:oci sh -c \
    'cat /etc/resolv.conf | grep nameserver; timeout 10 wget -qO- http://web/' 2>&1)
assert_eq "a second glassbox container: Docker's embedded DNS is its resolver" "nameserver 127.0.0.11" "$(head -1 <<<"$out")"
assert_eq "and it reaches the first by name" "$token" "$(sed -n 2p <<<"$out")"
if command -v runc >/dev/null; then
    out=$(docker_ run --rm --runtime runc --network "$NET" gbbusybox:oci timeout 10 wget -qO- http://web/ 2>&1)
    assert_eq "a runc container on the same network reaches it too" "$token" "$out"
fi

docker_ rm -f "$cid" >/dev/null
for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
check "docker rm -f ends PID 1" test ! -d "/proc/$pid"
check "its veth is gone from the bridge" bash -c "! nsenter -t $DPID -n ip -o link show master $BR | grep -q ."
check "its glassbox record is gone" test ! -e "$R/oci/$cid"
docker_ network rm "$NET" >/dev/null
check "docker network rm removes the bridge" bash -c "! nsenter -t $DPID -n ip link show $BR >/dev/null 2>&1"

stop_dockerd
check "dockerd stopped" test ! -e "$D/dockerd.pid"
check "no mount of dockerd's dirs left" bash -c "! grep -q '$D' /proc/self/mountinfo"
assert_eq "no dockerd, containerd, shim or proxy of ours left" "" "$(left_procs)"
check "no cgroup of Docker's containers left" bash -c "! find /sys/fs/cgroup -maxdepth 3 -name '${cid:0:12}*' | grep -q ."
finish
