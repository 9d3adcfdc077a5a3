#!/usr/bin/env bash
# Rootless bridge networks (issue 21): an ordinary user made for this test (with subuid and
# subgid ranges; removed at exit) creates a network and runs two containers on it. The
# bridge and the veths live in the student's network namespace (a holder process's user and
# network namespaces), never in the host's; each container's user namespace is a child of
# the student's; the containers reach each other by name; -p answers on the host's
# 127.0.0.1; a run on a network that does not exist leaves nothing; and when the last
# network and container are gone, so are the holder, pasta and the namespaces. Then a small
# compose project (a build whose RUN renames and replaces directories, two networks, a bound
# volume, -p) runs as the student and `down -v --rmi all` leaves nothing.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd useradd
need_cmd runuser
need_cmd jq
need_cmd nsenter
need_cmd python3
need_cmd curl
. "$(dirname "$0")/../lib/student.sh"
student gbrn 120
RUN=$home/.local/share/glassbox/run
holder() { [ -f "$RUN/student-netns" ] && awk '{print $1}' "$RUN/student-netns"; }
live() { ps -u "$uid" -o stat=,pid=,args= 2>/dev/null | awk '$1 !~ /^Z/'; }
NET=rl$$

# host-check's students' section says what they get.
hc=$(as_user host-check --json)
assert_eq "host-check: bridge networks available to $U" true \
    "$(jq -r '.rootless[] | select(.key == "rootless.bridge") | .available' <<<"$hc")"
assert_contains "... in the student's network namespace" "in the student's network namespace" \
    "$(jq -r '.rootless[] | select(.key == "rootless.bridge") | .tested' <<<"$hc")"

# Bad input first: a network that does not exist, and nothing left behind.
out=$(as_user run --rm --network nosuch$$ busybox true 2>&1); rc=$?
check "run --network nosuch fails" test "$rc" -ne 0
assert_contains "... naming the network" "nosuch$$" "$out"
assert_eq "... and leaves no process of $U (no holder, no pasta)" "" "$(live)"
check "... and no student namespace file" test ! -e "$RUN/student-netns"

out=$(as_user network create "$NET" 2>&1)
assert_eq "network create $NET as $U" "$NET" "$out"
h=$(holder)
check "a holder process keeps the student's namespaces" test -n "$h" -a -d "/proc/$h"
check "... in a user namespace of its own, not the host's" \
    test "$(readlink /proc/$h/ns/user)" != "$(readlink /proc/1/ns/user)"
assert_eq "... owned by $U" "$uid" "$(stat -c %u /proc/$h)"
check "the bridge gb-$NET is not in the host's network namespace" test ! -e "/sys/class/net/gb-$NET"
check "... it is in the student's" nsenter -t "$h" -n ip -o link show "gb-$NET"

web=$(as_user run -d --name web$$ --network "$NET" busybox \
    sh -c 'echo hi-from-web > /tmp/i; httpd -f -p 8080 -h /tmp')
check "a rootless container on $NET starts" test -n "$web"
pid=$(as_user inspect --json "$web" | jq -r .state.pid)
su_ns=$(readlink /proc/$h/ns/user | tr -dc 0-9)
# The kernel's own word: ioctl(NS_GET_PARENT) on web's user namespace (lsns reads it the
# same way, but through a scan of every process that races with the host's churn).
parent_ns() { python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
print(os.fstat(fcntl.ioctl(fd, 0xb702)).st_ino)' "$1"; }  # NS_GET_PARENT = _IO(0xb7, 2)
assert_eq "web's user namespace is a child of the student's" "$su_ns" "$(parent_ns /proc/$pid/ns/user)"
assert_eq "web's root is $U outside" "0 $uid" "$(awk '{print $1, $2; exit}' /proc/$pid/uid_map)"
port=$(nsenter -t "$h" -n ip -o link show master "gb-$NET" | awk -F': ' '{print $2}' | cut -d@ -f1)
check "web's veth host end is a port of gb-$NET in the student's namespace" test -n "$port"
check "... and eth0 is inside web with an address on $NET" \
    bash -c "nsenter -t $pid -n ip -o -4 addr show eth0 | grep -q 'inet 172\\.'"
out=$(as_user run --rm --network "$NET" busybox \
    sh -c "printf 'GET /i HTTP/1.0\r\n\r\n' | nc -w 3 web$$ 8080" 2>&1)
assert_contains "a second container reaches web by name" "hi-from-web" "$out"

# -p: the monitor's proxy listens on the host's loopback, connects from the student's namespace.
hp=$((20000 + $$ % 20000))
pub=$(as_user run -d --name pub$$ --network "$NET" -p "127.0.0.1:$hp:8080" busybox \
    sh -c 'echo hi-published > /tmp/i; httpd -f -p 8080 -h /tmp')
check "a container with -p 127.0.0.1:$hp:8080 starts" test -n "$pub"
got=
for _ in 1 2 3 4 5 6 7 8 9 10; do
    got=$(curl -s --max-time 2 "http://127.0.0.1:$hp/i") && [ -n "$got" ] && break
    sleep 0.3
done
assert_eq "127.0.0.1:$hp on the host answers from the rootless container" hi-published "$got"

# Teardown: containers, then the network; the student's namespace goes with the last one.
as_user rm -f "$web" "$pub" >/dev/null
check "after rm the holder is still there (network $NET remains)" test -d "/proc/$h"
check "... without web's veth" bash -c "! nsenter -t $h -n ip -o link show master gb-$NET | grep -q ."
out=$(as_user network rm "$NET" 2>&1)
assert_eq "network rm $NET" "$NET" "$out"
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -z "$(live)" ] && break; sleep 0.2; done
assert_eq "nothing left: no holder, no pasta, no process of $U" "" "$(live)"
check "nothing left: no student namespace file" test ! -e "$RUN/student-netns"
check "nothing left: no bridge gb-$NET on the host" test ! -e "/sys/class/net/gb-$NET"
# A small compose project as the student, lab 20's shape: a service built FROM an image
# (its RUN renames a directory, as dpkg does for every package, and replaces a directory
# of the layer below), two networks (one internal), a volume bound to a folder of the
# student's, -p of a port the student may bind. The overlay of a user namespace keeps its
# marks in user.overlay.* (userxattr): without it, rename(2) of a directory is EXDEV (mv
# falls back to a copy: a new inode) and the replaced directory cannot be made opaque.
P=$T/rlc
mkdir -p "$P/web" "$P/data"
cat >"$P/web/Dockerfile" <<'DOCKERFILE'
FROM busybox
RUN mkdir /tmp/d1 && stat -c %i /tmp/d1 >/inodes && mv /tmp/d1 /tmp/d2 && \
    stat -c %i /tmp/d2 >>/inodes && rm -rf /usr/sbin && mkdir /usr/sbin && \
    mkdir -p /srv/www/d && touch /srv/www/d/f && chown -R 33:33 /srv/www && chmod 700 /srv/www/d
CMD ["sh", "-c", "cp /inodes /data/; ls /usr/sbin | wc -l >/data/sbin; echo hi-compose >/tmp/i; httpd -f -p 8080 -h /tmp"]
DOCKERFILE
cp=$((20000 + ($$ + 7) % 20000))
cat >"$P/compose.yml" <<YAML
services:
  web:
    build: web
    image: rlc$$-web
    container_name: rlcweb$$
    networks: [front, back]
    ports: ["127.0.0.1:$cp:8080"]
    volumes: [data:/data]
  db:
    image: busybox
    container_name: rlcdb$$
    command: ["sh", "-c", "echo hi-db >/tmp/i; httpd -f -p 8080 -h /tmp"]
    networks: [back]
volumes:
  data:
    driver: local
    driver_opts: {type: none, o: bind, device: "$P/data"}
networks:
  front: {}
  back: {internal: true}
YAML
chown -R "$U:" "$P"
out=$(as_user compose -f "$P/compose.yml" -p rlc$$ up -d --build 2>&1); rc=$?
[ "$rc" = 0 ] || printf '%s\n' "$out" | sed 's/^/    /'
assert_eq "compose up -d --build as $U" 0 "$rc"
wpid=$(as_user inspect --json rlcweb$$ | jq -r .state.pid)
check "web's root is an overlay with userxattr (/proc/PID/mountinfo)" \
    bash -c "awk '\$5 == \"/\" && / - overlay /' /proc/$wpid/mountinfo | grep -q userxattr"
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$P/data/sbin" ] && break; sleep 0.3; done
inodes=$(tr '\n' ' ' <"$P/data/inodes" 2>/dev/null)
read -r i1 i2 <<<"$inodes"
check "the RUN's rename(2) of a directory kept its inode ($inodes): no EXDEV, no copy" \
    test -n "$i1" -a "$i1" = "$i2"
assert_eq "the directory the RUN replaced is opaque in its layer: none of busybox's /usr/sbin" \
    0 "$(tr -d ' ' <"$P/data/sbin" 2>/dev/null)"
assert_eq "... in the bound folder, owned by $U (root of web's user namespace)" "$uid" \
    "$(stat -c %u "$P/data/sbin" 2>/dev/null)"
got=
for _ in 1 2 3 4 5 6 7 8 9 10; do
    got=$(curl -s --max-time 2 "http://127.0.0.1:$cp/i") && [ -n "$got" ] && break
    sleep 0.3
done
assert_eq "127.0.0.1:$cp on the host answers from the compose service" hi-compose "$got"
out=$(as_user exec rlcweb$$ sh -c "printf 'GET /i HTTP/1.0\r\n\r\n' | nc -w 3 rlcdb$$ 8080" 2>&1)
assert_contains "web reaches db by name on the internal network" "hi-db" "$out"
# The student's image through save and load into a second data root of theirs: the
# layers are unpacked by root of the student's user namespace (chown needs it), the
# opaque directory travels as .wh..wh..opq and comes back as user.overlay.opaque.
out=$(as_user save -o "$P/web.tar" rlc$$-web 2>&1 &&
    as_user --root "$P/r2" --data-root "$P/d2" load -i "$P/web.tar" 2>&1); rc=$?
assert_eq "save, then load into another data root, as $U ($(tail -1 <<<"$out"))" 0 "$rc"
out=$(as_user --root "$P/r2" --data-root "$P/d2" run --rm --pull never rlc$$-web \
    sh -c 'ls /usr/sbin | wc -l; stat -c %u:%g /srv/www/d' 2>&1)
assert_eq "... its opaque directory hides busybox's /usr/sbin, and uid 33 owns /srv/www/d" \
    "0 33:33" "$(echo $out)"
as_user --root "$P/r2" --data-root "$P/d2" rmi rlc$$-web >/dev/null 2>&1
as_user --root "$P/r2" --data-root "$P/d2" image prune >/dev/null 2>&1
out=$(as_user compose -f "$P/compose.yml" -p rlc$$ down -v --rmi all 2>&1); rc=$?
assert_eq "compose down -v --rmi all as $U" 0 "$rc"
assert_eq "... no container of $U left" "" "$(as_user ps -aq 2>&1)"
assert_eq "... no network of $U left" "" "$(as_user network ls 2>&1 | awk 'NR > 1')"
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -z "$(live)" ] && break; sleep 0.2; done
assert_eq "... and no process of $U" "" "$(live)"
# The RUN's layer holds a directory of uid 33 (a subordinate id of the student's, mode
# 0700): `image prune` removes it as root of the student's user namespace.
as_user image prune >/dev/null 2>&1
left=$(find "$home/.local/share/glassbox/layers" ! -uid "$uid" 2>/dev/null | head -3)
assert_eq "image prune leaves no file of $U's subordinate ids in the layers" "" "$left"
finish
