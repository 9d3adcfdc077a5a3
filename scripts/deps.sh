#!/bin/sh
# Install the Debian packages glassbox needs to build, test and demo.
# As root: installs what is missing (non-interactive). Otherwise: prints the command.
set -eu
PKGS="build-essential pkg-config libseccomp-dev libmnl-dev libcmocka-dev busybox-static
      libsdl2-dev libsdl2-ttf-dev zlib1g-dev libpng-dev libcmark-dev libxtst6 fonts-dejavu-core xvfb xauth imagemagick
      iproute2 procps psmisc util-linux jq uidmap hyperfine runc crun time
      mmdebstrap python3 perl passwd libjansson-dev clang libclang-rt-dev qemu-system-x86 libyaml-dev clang-format
      libcurl4-openssl-dev libarchive-dev libssl-dev docker-registry skopeo umoci
      docker.io containerd passt slirp4netns podman openssl apparmor"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "glassbox: missing Debian packages:$missing" >&2
    echo "glassbox: install them as root with:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "glassbox: installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# docker.io, containerd and docker-registry ship services: tests start their own, in
# network namespaces of their own, so no package may start one on the host. Debian's
# way to say so is a policy-rc.d that refuses every start (exit 101) during the install.
guard=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    guard=1
fi
status=0
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null || status=$?
[ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
exit $status
