#!/usr/bin/env bash
# `inspect` (text) shows the cgroup layout and the limits as the kernel reads them back
# (issue 23; README and lab 07 send students there): each number printed is the one in the
# cgroup's own file, and a container without limits says "unlimited".
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd jq

gb run -d --name lim-$$ -m 64m --cpus 0.5 --pids-limit 50 busybox sleep 300 >/dev/null ||
    skip "cannot run a container with cgroup limits here"
txt=$(gb inspect lim-$$)
js=$(gb inspect --json lim-$$)
layout=$(jq -r .observed.cgroup.layout <<<"$js")
assert_contains "the text names the cgroup layout" "cgroupfs     $layout layout" "$txt"

mem=$(jq -r '.observed.cgroup.paths.memory // .observed.cgroup.paths.unified' <<<"$js")
pids=$(jq -r '.observed.cgroup.paths.pids // .observed.cgroup.paths.unified' <<<"$js")
assert_contains "the text shows the memory cgroup's directory" "$mem" "$txt"
if [ -e "$mem/memory.limit_in_bytes" ]; then kmem=$(cat "$mem/memory.limit_in_bytes"); else kmem=$(cat "$mem/memory.max"); fi
if [ -e "$pids/pids.max" ]; then kpids=$(cat "$pids/pids.max"); fi
assert_eq "the kernel holds 64 MiB" 67108864 "$kmem"
assert_contains "inspect prints the kernel's memory limit" "memory        $kmem bytes (64.0 MiB)" "$txt"
assert_contains "inspect prints the kernel's pids limit" "pids          $kpids processes" "$txt"
assert_contains "inspect prints the CPU quota as a share of CPUs" "= 0.50 CPUs" "$txt"
gb rm -f lim-$$ >/dev/null

gb run -d --name unl-$$ busybox sleep 300 >/dev/null
txt=$(gb inspect unl-$$)
check "no -m: the memory limit reads back as unlimited" \
    grep -qE '^ +memory +unlimited$' <<<"$txt"
check "no --pids-limit: pids unlimited" grep -qE '^ +pids +unlimited$' <<<"$txt"
gb rm -f unl-$$ >/dev/null
txt=$(gb create --name made-$$ busybox true >/dev/null; gb inspect made-$$)
assert_contains "a created container: nothing to read back yet" "not running" "$txt"
gb rm made-$$ >/dev/null
assert_nothing_left "after the inspect runs"
finish
