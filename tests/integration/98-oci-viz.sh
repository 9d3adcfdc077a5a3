#!/usr/bin/env bash
# The chain Docker built, seen by glassbox (issue 14, docs/oci.md, docs/viz.md): dockerd
# (in a network namespace of its own, private directories) runs glassbox-runc with
# `--events-dir DIR` given as runtimeArgs in its daemon.json, so every container's events
# land in DIR/ID.jsonl although `docker run` sets no annotation. create's oci.chain event
# must name the real processes: dockerd (its pid file), containerd (dockerd's child), the
# shim (PID 1's parent once create has exited), glassbox-runc create, PID 1 (docker
# inspect). Then glassbox-viz renders the chain scene of that stream headless
# (GB_KEEP98=DIR keeps the stream and its frames there, to look at them).
. "$(dirname "$0")/../lib/common.sh"
need_root
. "$(dirname "$0")/../lib/dockerd.sh"  # D, SOCK, docker_, start_dockerd, stop_dockerd
command -v jq >/dev/null || skip "needs jq"
VIZ=$(dirname "$GLASSBOX")/glassbox-viz
[ -x "$VIZ" ] || skip "needs glassbox-viz (built with SDL2)"

EV=$GB_TEST_ROOT/events
RUNC=$(dirname "$GLASSBOX")/glassbox-runc
mkdir -p "$EV"

# runtimeArgs: what `--add-runtime` cannot say; glassbox-runc takes them before the verb.
cat > "$D/daemon.json" <<EOF
{ "runtimes": { "glassbox": { "path": "$RUNC", "runtimeArgs": ["--events-dir", "$EV"] } } }
EOF
start_dockerd "gbviz$$" --config-file "$D/daemon.json"
tar -C "$GB_SRC/build/share/glassbox/images/busybox/rootfs" -c . | docker_ import - gbbusybox:oci >/dev/null

cid=$(docker_ run -d --runtime glassbox --network none gbbusybox:oci sleep 300)
pid=$(docker_ inspect -f '{{.State.Pid}}' "$cid")
F=$EV/$cid.jsonl
check "--events-dir: the container's events are in DIR/ID.jsonl" test -s "$F"

chain=$(jq -c 'select(.type == "oci.chain") | .links' "$F" | head -1)
role_pid() { jq -r --arg r "$1" '.[] | select(.role == $r) | .pid' <<<"$chain"; }
role_comm() { jq -r --arg r "$1" '.[] | select(.role == $r) | .comm' <<<"$chain"; }
assert_eq "oci.chain: the roles, top-down" "dockerd containerd caller runtime pid1" \
    "$(jq -r '[.[].role | select(. != "docker CLI")] | join(" ")' <<<"$chain")"
assert_eq "oci.chain: dockerd is the pid of its pid file" "$(cat "$D/dockerd.pid")" "$(role_pid dockerd)"
ctd=$(role_pid containerd)
assert_eq "oci.chain: containerd is dockerd's child" "$(cat "$D/dockerd.pid")" "$(awk '{print $4}' "/proc/$ctd/stat" 2>/dev/null)"
assert_eq "oci.chain: and is containerd" containerd "$(cat "/proc/$ctd/comm" 2>/dev/null)"
assert_eq "oci.chain: the caller is the shim, now PID 1's parent" "$(awk '{print $4}' "/proc/$pid/stat")" "$(role_pid caller)"
assert_eq "oci.chain: the caller's comm" containerd-shim "$(role_comm caller)"
check "oci.chain: the runtime link is glassbox-runc create" \
    bash -c "jq -r '.[] | select(.role == \"runtime\") | .args' <<<'$chain' | grep -q 'create'"
assert_eq "oci.chain: pid1 is the pid docker inspect gives" "$pid" "$(role_pid pid1)"
check "the steps of the container are in the same file" \
    bash -c "jq -r .type '$F' | grep -q '^step.end$'"

# The viz: the chain scene of this stream, headless.
docker_ stop -t 1 "$cid" >/dev/null
FR=$GB_TEST_ROOT/frames
"$VIZ" --headless --frames "$FR" --scene chain replay "$F" >"$D/viz.log" 2>&1
assert_eq "glassbox-viz renders the stream's chain scene" 0 "$?"
check "PNG frames of the chain scene" bash -c "ls '$FR' | grep -q 'chain.png$'"
[ -n "${GB_KEEP98:-}" ] && cp -r "$FR" "$F" "$GB_KEEP98/"
docker_ rm -f "$cid" >/dev/null
stop_dockerd
check "dockerd stopped" test ! -e "$D/dockerd.pid"
finish
