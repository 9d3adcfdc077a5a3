#!/bin/bash
# Containers on bridge networks through `glassbox run`, all inside a network namespace this
# test makes first (unshare --net): the bridges, veths and traffic never leave it.
# Two containers on one network reach each other by name; another network cannot; the host
# side cannot reach into an --internal network; a published port answers on loopback and a
# port in use is refused; `none` has only lo; a failure at each network step and a kill -9
# mid-start leave nothing; removing everything leaves no link, address, route or state.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/net/lib.sh
net_engine_test engine "$@"
server() { gb run -d --name "$1" "${@:3}" busybox nc -ll -p 8080 -e echo "$2"; }

check "network a 10.213.70.0/24" gb network create --subnet 10.213.70.0/24 a
check "network b 10.213.71.0/24" gb network create --subnet 10.213.71.0/24 b
check "network sealed, internal" gb network create --internal --subnet 10.213.72.0/24 sealed

check "web starts on a" server web hello-web --network a --network-alias www
check "db starts on a and sealed (two networks)" server db hello-db --network a --network sealed
sleep 0.3
out=$(gb run --rm --network a busybox nc -w 2 web 8080 </dev/null 2>&1)
assert() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi; }
assert "a container on a reaches web by name (TCP)" hello-web "$out"
out=$(gb run --rm --network a busybox nc -w 2 www 8080 </dev/null 2>&1)
assert "... and by its alias www" hello-web "$out"
hosts=$(gb run --rm --network a --name peek busybox cat /etc/hosts)
WEBIP=$(gb inspect --json web | jq -r '.state.networks[0].addr' | cut -d/ -f1)
check "its /etc/hosts lists web, www and db" bash -c 'grep -qP "^$1\tweb .*www" <<<"$2" && grep -qw db <<<"$2"' _ "$WEBIP" "$hosts"
check "db has eth0 on a and eth1 on sealed, one default route" sh -c \
	"gb() { \"$GLASSBOX\" --root $ROOT/run --data-root $ROOT/data \"\$@\"; }; gb inspect --json db | jq -e '[.observed.net.links[].name]==[\"lo\",\"eth0\",\"eth1\"] and ([.observed.net.routes[]|select(.dst==\"default\")]|length)==1'"
check "the host end of web's veth is on bridge gb-a" sh -c "ip -o link show master gb-a | grep -q \"$(gb inspect --json web | jq -r '.state.networks[0].host_if')\""

# "rc=" proves the container ran: a failed start must not pass for "unreachable".
out=$(gb run --rm --network b busybox sh -c 'nc -w 2 web 8080 </dev/null 2>&1; echo "rc=$?"' 2>&1)
check "a container on b cannot resolve web" bash -c "grep -q 'rc=1' <<<'$out' && ! grep -q hello-web <<<'$out'"
out=$(gb run --rm --network b busybox sh -c "nc -w 2 $WEBIP 8080 </dev/null 2>&1; echo \"rc=\$?\"" 2>&1)
check "... nor reach it by address" bash -c "grep -q 'rc=1' <<<'$out' && ! grep -q hello-web <<<'$out'"

check "secret starts on the internal network" server secret hello-secret --network sealed
sleep 0.3
SECIP=$(gb inspect --json secret | jq -r '.state.networks[0].addr' | cut -d/ -f1)
check_not "the host side cannot reach secret on the internal network" sh -c "busybox nc -w 1 $SECIP 8080 </dev/null | grep -q hello"
out=$(gb run --rm --network sealed busybox nc -w 2 secret 8080 </dev/null 2>&1)
assert "a container on the internal network reaches secret by name" hello-secret "$out"
check "db, on both, reaches secret" sh -c "gb() { \"$GLASSBOX\" --root $ROOT/run --data-root $ROOT/data \"\$@\"; }; gb exec db nc -w 2 secret 8080 </dev/null | grep -q hello-secret"

check "pub starts with -p 18080:8080" server pub hello-pub --network a -p 18080:8080
sleep 0.3
assert "the published port answers on 127.0.0.1:18080" hello-pub "$(busybox nc -w 2 127.0.0.1 18080 </dev/null)"
check_not "... only on the loopback address it was bound to" sh -c "ss -ltn | grep -q '0.0.0.0:18080'"
check "web has no published port: EXPOSE alone would publish nothing" sh -c "! ss -ltn | grep -q ':8080 '"
err=$(gb run --rm --name busy --network a -p 18080:80 busybox true 2>&1)
check "a port in use is refused, naming the port" grep -q "cannot publish 127.0.0.1:18080" <<<"$err"
check "... and leaves no container" sh -c "! ls $ROOT/run/containers | xargs -r -n1 -I{} jq -r .config.name $ROOT/run/containers/{}/container.json | grep -qx busy"
check "... and no lease" test "$(jq '[.leases[]|select(.name=="busy")]|length' "$ROOT/run/networks/a.json")" = 0

err=$(gb run --rm -p 8080:80 busybox true 2>&1)
check "-p without a network is refused with the fix" grep -q "needs a bridge network" <<<"$err"
err=$(gb run --rm --network host --network a busybox true 2>&1)
check "--network host with a network is refused" grep -q "exclude each other" <<<"$err"
err=$(gb run --rm --network host busybox true 2>&1)
check "--network host warns what it gives away" grep -q "warning: --network host" <<<"$err"
err=$(gb run --rm --network nosuch busybox true 2>&1)
check "an unknown network is refused, naming it" grep -q "no network named nosuch" <<<"$err"

out=$(gb run --rm busybox ls /sys/class/net)
assert "--network none (the default): only lo inside" lo "$out"
out=$(gb run --rm --network none busybox sh -c 'ip -o link | wc -l; ip route | wc -l')
assert "--network none: one link, no route" "1 0" "$(echo $out)"

# A failure injected at each network step leaves nothing: no container, lease or veth.
for step in veth net-config publish etc-files etc-hosts; do
	err=$(GLASSBOX_FAIL_STEP=$step gb run --rm --name "f-$step" --network a -p 18081:80 busybox true 2>&1)
	check "failure at $step is reported" grep -q "injected failure at step $step" <<<"$err"
	check "failure at $step: no lease left" test "$(jq '[.leases[]|select(.name=="f-'$step'")]|length' "$ROOT/run/networks/a.json")" = 0
	check "failure at $step: no veth left" test "$(ip -o link show master gb-a | wc -l)" = 3
	check "failure at $step: port 18081 free again" sh -c "! ss -ltn | grep -q ':18081 '"
done

# kill -9 of the engine between two steps, after the veth step: rm -f clears the lease.
fifo=$ROOT/ctl
mkfifo "$fifo"
"$GLASSBOX" --root "$ROOT/run" --data-root "$ROOT/data" run --name k9 --network a --step-fd 3 busybox sleep 100 3<"$fifo" >/dev/null 2>&1 &
cli=$!
exec 4>"$fifo"
for _ in 1 2 3 4 5 6 7; do echo next >&4; done   # create (3), cgroup, clone, veth, net-config
sleep 0.5
check "k9 holds a lease mid-start" test "$(jq '[.leases[]|select(.name=="k9")]|length' "$ROOT/run/networks/a.json")" = 1
kill -9 $cli; wait $cli 2>/dev/null; exec 4>&-
sleep 0.2
check "rm -f after the kill -9" gb rm -f k9
check "... freed its lease" test "$(jq '[.leases[]|select(.name=="k9")]|length' "$ROOT/run/networks/a.json")" = 0

# Removing a container rewrites the others' /etc/hosts in place.
gb rm -f web >/dev/null
check "db's /etc/hosts no longer names web" sh -c "gb() { \"$GLASSBOX\" --root $ROOT/run --data-root $ROOT/data \"\$@\"; }; ! gb exec db grep -qw web /etc/hosts"

# A lease of a container whose state vanished is freed by network prune.
jq '.leases += [{"addr":"10.213.71.99","id":"deadbeef0000","name":"ghost"}]' "$ROOT/run/networks/b.json" >"$ROOT/b.json" && cp "$ROOT/b.json" "$ROOT/run/networks/b.json"
gb network prune >/dev/null 2>&1
check "network prune freed the ghost's lease and removed the unused network b" test ! -e "$ROOT/run/networks/b.json"

for c in $(gb ps -a -q); do gb rm -f "$c" >/dev/null; done
check "every lease is freed" test "$(jq -s '[.[].leases[]]|length' "$ROOT"/run/networks/*.json)" = 0
check "network rm a and sealed" gb network rm a sealed
check "no network state left" test -z "$(ls "$ROOT/run/networks")"
check "no container state left" test -z "$(ls "$ROOT/run/containers")"
check "the test namespace has only lo, no address, no route" only_lo
exit $FAILED
