#!/usr/bin/env bash
# The cgroup and engine tests inside a QEMU guest whose kernel has cgroup v1 only
# (tests/guest/test-guest.sh; make test-guest runs both layouts). Skips (77) without QEMU
# or a guest kernel.
exec "$(dirname "$0")/../guest/test-guest.sh" v1
