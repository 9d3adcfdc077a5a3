#!/usr/bin/env bash
# A registry named by an IPv6 literal, in brackets as Docker writes it ([::1]:5000/app):
# Debian's docker-registry on IPv6's loopback in this test's own network namespace. Push
# (plain HTTP: ::1 is loopback, as 127.0.0.0/8 is), pull back and run work with the name,
# the registry's own API lists what was pushed; a malformed address is refused with the
# rule. (Bookworm's skopeo does not take bracketed addresses: curl reads the registry.)
. "$(dirname "$0")/../lib/registry.sh"  # its own netns, $T, start_registry
need_cmd curl
[ -e /proc/net/if_inet6 ] || skip "this kernel has no IPv6"
REG_HOST='[::1]' start_registry 5000 || { not_ok "registry listening on [::1]:5000"; finish; }
REG='[::1]:5000'
check "the built-in busybox" gb run --rm busybox true
check "tag it for the registry on [::1]" gb tag busybox "$REG/team/bb:1"
out=$(gb push "$REG/team/bb:1" 2>&1); rc=$?
check "push $REG/team/bb:1 exits 0 ($out)" test $rc -eq 0
assert_eq "... the registry lists the tag" '["1"]' \
    "$(curl -sg "http://[::1]:5000/v2/team/bb/tags/list" | jq -c .tags)"
check "rmi it here" gb rmi "$REG/team/bb:1"
out=$(gb pull "$REG/team/bb:1" 2>&1); rc=$?
check "pull it back exits 0 ($out)" test $rc -eq 0
check "... listed under that name" sh -c "'$GLASSBOX' images | grep -qF '$REG/team/bb'"
assert_eq "... and it runs" ok "$(gb run --rm --pull never "$REG/team/bb:1" echo ok 2>&1)"
out=$(gb pull '[zz::1]:5000/team/bb:1' 2>&1); rc=$?
check "a registry address that is not IPv6 is refused ($rc)" test $rc -ne 0
assert_contains "... saying what a registry is" "the registry is not HOST or HOST:PORT" "$out"
check "rmi" gb rmi "$REG/team/bb:1"
finish
