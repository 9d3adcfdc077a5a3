#!/usr/bin/env bash
# The cgroup and engine tests inside two QEMU guests at once (tests/guest/test-guest.sh,
# the same as make test-guest): one whose kernel has cgroup v2 only, one with the v1
# hierarchies only. Skips (77) without QEMU or a guest kernel. The v1 guest runs its core
# (GUEST_V1_CORE=1: cgroup, engine, host-check, delegation); make test-guest runs all of it.
GUEST_V1_CORE=1 exec "$(dirname "$0")/../guest/test-guest.sh" v2 v1
