# Helpers of the OCI tests (96-99). Defaults a test may set otherwise (after sourcing):
# RUNC, the glassbox-runc beside the glassbox under test; R, its --root; B, the bundle.
# runc_ ARGS calls it as a shim does (--root, a JSON log at ${LOG:-$B/log.json});
# edit JQ rewrites $B/config.json from $B/base.json.
RUNC=$(dirname "$GLASSBOX")/glassbox-runc
R=$GB_TEST_ROOT/oci-root
B=$GB_TEST_ROOT/bundle
runc_() { "$RUNC" --root "$R" --log "${LOG:-$B/log.json}" --log-format json "$@"; }
edit() { jq "$1" "$B/base.json" > "$B/config.json"; }

# oci_bundle DIR ARGS_JSON: an OCI bundle as `runc spec` and Docker write one: DIR/rootfs is a
# copy of the busybox image, DIR/config.json runs ARGS_JSON (e.g. '["sleep","300"]').
oci_bundle() {
    local dir=$1 args=$2
    mkdir -p "$dir/rootfs"
    cp -a "$GB_SRC/build/share/glassbox/images/busybox/rootfs/." "$dir/rootfs/"
    cat > "$dir/config.json" <<JSON
{
  "ociVersion": "1.0.2-dev",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": $args,
    "env": [ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GBTEST=oci" ],
    "cwd": "/",
    "capabilities": {
      "bounding": [ "CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID" ],
      "effective": [ "CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID" ],
      "permitted": [ "CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID" ]
    },
    "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
    "noNewPrivileges": true
  },
  "root": { "path": "rootfs", "readonly": false },
  "hostname": "ocibox",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
    { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": [ "nosuid", "noexec", "nodev" ] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs", "options": [ "nosuid", "noexec", "nodev", "ro" ] },
    { "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": [ "nosuid", "noexec", "nodev", "relatime", "ro" ] },
    { "destination": "/mnt/data", "type": "bind", "source": "$dir/data", "options": [ "rbind", "ro" ] }
  ],
  "linux": {
    "resources": { "memory": { "limit": 67108864 }, "pids": { "limit": 64 } },
    "namespaces": [ { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" } ],
    "maskedPaths": [ "/proc/kcore", "/proc/keys" ],
    "readonlyPaths": [ "/proc/sys", "/proc/sysrq-trigger" ]
  },
  "annotations": { "org.glassbox.test": "yes" }
}
JSON
    mkdir -p "$dir/data"
    echo from-the-host > "$dir/data/file"
}

frozen() { # the kernel's word, from whichever freezer holds PID 1 (v1 freezer, or cgroup2's)
    local path
    while IFS=: read -r _ ctl path; do
        case $ctl in
        freezer) grep -qx FROZEN "/sys/fs/cgroup/freezer$path/freezer.state" && echo frozen ;;
        "") for d in /sys/fs/cgroup/unified /sys/fs/cgroup; do
                grep -qx 'frozen 1' "$d$path/cgroup.events" 2>/dev/null && echo frozen && break
            done ;;
        esac
    done < "/proc/$1/cgroup" | head -1
}
