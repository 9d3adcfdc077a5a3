# A local OCI registry for the image tests (71, 72, 74-*): Debian's docker-registry in a network
# namespace of the test's own (loopback only). Source it first thing, before common.sh:
#   . "$(dirname "$0")/../lib/registry.sh"
# It re-executes the test inside `unshare --net`, sources common.sh, brings lo up and gives:
#   start_registry PORT [EXTRA_YAML]  a registry on 127.0.0.1:PORT (REG_HOST=[::1]: on
#                                     IPv6's loopback; storage and logs in $T/reg-PORT;
#                                     EXTRA_YAML is appended to its config)
#   busybox_layout DIR TAG            an OCI layout with the built-in busybox rootfs (umoci)
#   start_proxy PORT UPSTREAM         tests/lib/regproxy.py on PORT in front of the registry
#                                     on UPSTREAM: requests logged to $T/proxy-PORT.log, a
#                                     blob stalled or cut by writing $T/proxy-PORT.mode
#   sk ARGS...                        skopeo without TLS, its errors into $T/skopeo.log
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (CI runs as root)" >&2; exit 77; }
for c in docker-registry skopeo umoci unshare ip python3 jq; do
    command -v $c >/dev/null || { echo "SKIP: needs $c (Debian: docker-registry skopeo umoci)" >&2; exit 77; }
done
if [ -z "${GB_REGISTRY_NETNS:-}" ]; then
    GB_REGISTRY_NETNS=1 exec unshare --net -- "$0" "$@"
fi
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ip link set lo up
T=$GB_TEST_ROOT/registry
mkdir -p "$T"
ROOTFS=$GB_SRC/build/share/glassbox/images/busybox/rootfs
[ -x "$ROOTFS/bin/busybox" ] || skip "the built-in busybox rootfs is not built (make)"
# Credentials go to a config.json of the test's own, never the host's ~/.docker.
export DOCKER_CONFIG=$T/docker-config
REG_PIDS=()
start_registry() {
    local port=$1 dir=$T/reg-$1
    mkdir -p "$dir/storage"
    {
        printf 'version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\n'
        printf 'storage:\n  filesystem:\n    rootdirectory: %s\n' "$dir/storage"
        printf 'http:\n  addr: "%s:%s"\n' "${REG_HOST:-127.0.0.1}" "$port"
        [ -n "${2:-}" ] && printf '%s\n' "$2"
    } > "$dir/config.yml"
    docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 &
    REG_PIDS+=($!)
    local host=${REG_HOST:-127.0.0.1}
    host=${host#[} host=${host%]}
    for _ in $(seq 100); do (exec 3<>/dev/tcp/$host/$port) 2>/dev/null && return 0; sleep 0.1; done
    cat "$dir/registry.log"; return 1
}
start_proxy() {
    python3 "$GB_SRC/tests/lib/regproxy.py" "$1" "$2" "$T/proxy-$1.log" "$T/proxy-$1.mode" \
        2>"$T/proxy-$1.err" &
    REG_PIDS+=($!)
    for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done
    cat "$T/proxy-$1.err"; return 1
}
stop_registries() { for p in "${REG_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap 'stop_registries; gb_cleanup' EXIT
sk() { skopeo "$@" --tls-verify=false 2>>"$T/skopeo.log"; }
busybox_layout() { # DIR TAG
    [ -d "$1" ] || umoci init --layout "$1"
    umoci new --image "$1:$2"
    umoci insert --image "$1:$2" "$ROOTFS" /
}
