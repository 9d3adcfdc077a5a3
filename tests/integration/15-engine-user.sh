#!/usr/bin/env bash
# --user and the image's USER: a user of the container's own /etc/passwd, with no
# capabilities (the kernel clears them when uid 0 is left).
. "$(dirname "$0")/../lib/common.sh"
need_root

assert_eq "--user nobody" "65534:65534" "$(gb run --rm --user nobody busybox sh -c 'echo $(id -u):$(id -g)')"
assert_eq "a non-root user has no effective capabilities" "0000000000000000" \
    "$(gb run --rm -u nobody busybox awk '/^CapEff/ {print $2}' /proc/self/status)"
check "and cannot write root's files" bash -c "! $GLASSBOX run --rm -u nobody busybox touch /etc/x 2>/dev/null"
assert_eq "--user UID:GID needs no passwd entry" "1000:1000" "$(gb run --rm -u 1000:1000 busybox sh -c 'echo $(id -u):$(id -g)')"
out=$(gb run --rm --name nouser -u ghost busybox true 2>&1); rc=$?
assert_eq "an unknown user: exit 125" 125 $rc
assert_contains "and a clear error" "unable to find user ghost" "$out"
assert_nothing_left "after an unknown user"
out=$(gb run --rm -u 'a b' busybox true 2>&1)
assert_contains "a malformed --user is refused before anything is made" "invalid value for --user" "$out"

gb run -d --name u1 -u daemon busybox sleep 300 >/dev/null
pid=$(jq -r .state.pid < <(gb inspect --json u1))
assert_eq "PID 1 runs as daemon, seen from the host" 1 "$(awk '/^Uid/ {print $2}' /proc/$pid/status)"
assert_eq "exec runs as the container's user" 1 "$(gb exec u1 id -u)"
assert_eq "exec -u root overrides it" 0 "$(gb exec -u root u1 id -u)"
assert_eq "inspect shows the user" daemon "$(jq -r .config.user < <(gb inspect --json u1))"
gb rm -f u1 >/dev/null

# USER in a Dockerfile: the RUN after it and the container both run as that user.
ctx=$GB_TEST_ROOT/ctx
mkdir -p "$ctx"
printf 'FROM busybox\nUSER nobody\nRUN id -u > /tmp/built-as\n' > "$ctx/Dockerfile"
gb build -q -t useruser "$ctx" >/dev/null
assert_eq "RUN after USER runs as that user" 65534 "$(gb run --rm useruser cat /tmp/built-as)"
assert_eq "the image's USER is the container's default" 65534 "$(gb run --rm useruser id -u)"
assert_eq "--user overrides the image's USER" 0 "$(gb run --rm -u root useruser id -u)"
gb rmi useruser >/dev/null
assert_nothing_left "after the user tests"
finish
