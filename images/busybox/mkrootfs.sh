#!/bin/sh
# Build the built-in default image: a busybox root filesystem made from Debian's
# busybox-static (no network needed). Output: DEST/rootfs/ and DEST/image.json.
set -eu
DEST=${1:?usage: mkrootfs.sh DEST}
SRC=$(dirname "$0")
# The image has no C library: busybox must be the static build (Debian busybox-static).
BB=/bin/busybox
static() { [ -x "$1" ] && LC_ALL=C ldd "$1" 2>&1 | grep -q 'not a dynamic executable'; }
if ! static "$BB"; then
    echo "mkrootfs: $BB is missing or not statically linked: install Debian's busybox-static (make deps)" >&2
    exit 1
fi
tmp="$DEST/rootfs.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
for d in bin sbin usr/bin usr/sbin etc root tmp proc sys dev home var/log var/tmp run; do
    mkdir -p "$tmp/$d"
done
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
# /root is empty and readable: a rootless user imports this tree by copying it (0700
# would stop the copy; the user cannot read a root-owned 0700 directory).
chmod 755 "$tmp/root"
cp "$BB" "$tmp/bin/busybox"
# One link per applet, where busybox itself says each one lives.
"$tmp/bin/busybox" --list-full | while read -r applet; do
    [ "$applet" = bin/busybox ] && continue
    mkdir -p "$tmp/$(dirname "$applet")"
    ln -sf /bin/busybox "$tmp/$applet"
done
cat > "$tmp/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat > "$tmp/etc/group" <<'GR'
root:x:0:
daemon:x:1:
nogroup:x:65534:
GR
echo "localhost" > "$tmp/etc/hostname"
# Mount points for the files the engine bind-mounts per container (hosts, hostname,
# resolv.conf): present in the image, so a start writes nothing into the upper dir.
: > "$tmp/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n' > "$tmp/etc/hosts"
echo "glassbox busybox image" > "$tmp/etc/motd"
# Demo programs used by the labs (PID 1, signals, zombies, ...).
if ls "$SRC"/files/* >/dev/null 2>&1; then
    mkdir -p "$tmp/usr/local/bin"
    for f in "$SRC"/files/*; do
        cp "$f" "$tmp/usr/local/bin/"
        chmod 755 "$tmp/usr/local/bin/$(basename "$f")"
    done
fi
rm -rf "$DEST/rootfs"
mv "$tmp" "$DEST/rootfs"
cat > "$DEST/image.json" <<'JS'
{"name":"busybox","env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","HOME=/root"],"cmd":["/bin/sh"],"workdir":"/","stop_signal":"SIGTERM"}
JS
