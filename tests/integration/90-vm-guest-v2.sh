#!/usr/bin/env bash
# The cgroup and engine tests inside a QEMU guest whose kernel has cgroup v2 only
# (tests/guest/test-guest.sh; make test-guest also runs the pure-v1 guest, left out here
# to keep make test under 15 minutes). Skips (77) without QEMU or a guest kernel.
exec "$(dirname "$0")/../guest/test-guest.sh" v2
