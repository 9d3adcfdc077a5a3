#!/usr/bin/env bash
# compose up pulls what is missing, as docker compose up does (pull_policy "missing"):
# a service whose image: is in a registry (Debian's docker-registry, in this test's own
# network namespace) and not here is pulled before anything starts, then runs. An image
# no registry has stops the up before anything is made (the pull comes before the
# project's network, volumes and status folder), naming the service, and says so.
. "$(dirname "$0")/../lib/registry.sh"  # its own netns, $T, start_registry, busybox_layout, sk
start_registry 5000 || { not_ok "registry listening"; finish; }
REG=127.0.0.1:5000
busybox_layout "$T/oci" 1
skopeo copy -q --dest-tls-verify=false "oci:$T/oci:1" "docker://$REG/team/bb:1" >>"$T/skopeo.log" 2>&1
check "skopeo put busybox in the registry" test -n "$(sk inspect "docker://$REG/team/bb:1" | jq -r .Digest)"

P=$T/proj
mkdir -p "$P"
cat >"$P/compose.yaml" <<EOF2
services:
  app:
    image: $REG/team/bb:1
    command: [sleep, "1000"]
EOF2
check "the image is not here before up" sh -c "! '$GLASSBOX' images | grep -q team/bb"
out=$(cd "$P" && gb compose -p pl up -d 2>&1); rc=$?
check "compose up -d exits 0 ($out)" test $rc -eq 0
assert_contains "... saying it pulls the service's image" "Service app  Pulling $REG/team/bb:1" "$out"
check "... the image is here now" sh -c "'$GLASSBOX' images | grep -q team/bb"
assert_eq "... and the service runs" running "$(gb inspect --json pl-app-1 | jq -r .state.status)"
out=$(cd "$P" && gb compose -p pl up -d 2>&1)
check "a second up pulls nothing ($out)" bash -c '! grep -q Pulling <<<"$1"' _ "$out"
cat >>"$P/compose.yaml" <<'EOF2'
    pull_policy: always
EOF2
out=$(cd "$P" && gb compose -p pl up -d 2>&1)
assert_contains "pull_policy: always pulls it again ($out)" "Pulling" "$out"
check "compose down" sh -c "cd '$P' && '$GLASSBOX' compose -p pl down >/dev/null 2>&1"
check "... and rmi" gb rmi "$REG/team/bb:1"
sed -i 's/pull_policy: always/pull_policy: never/' "$P/compose.yaml"
out=$(cd "$P" && gb compose -p pl up -d 2>&1); rc=$?
check "pull_policy: never does not pull a missing image: up fails ($rc)" test $rc -ne 0
check "... without a pull" bash -c '! grep -q Pulling <<<"$1"' _ "$out"
assert_contains "... naming the image" "unknown image" "$out"
check "compose down" sh -c "cd '$P' && '$GLASSBOX' compose -p pl down >/dev/null 2>&1"
sed -i 's/pull_policy: never/pull_policy: daily/' "$P/compose.yaml"
out=$(cd "$P" && gb compose -p pl config 2>&1); rc=$?
check "an unknown pull_policy is refused ($rc)" test $rc -ne 0
assert_contains "... with its line" "compose.yaml:5" "$out"

cat >"$P/compose.yaml" <<EOF2
services:
  first:
    image: busybox
    command: [sleep, "1000"]
  ghost:
    image: $REG/team/nosuch:1
    command: [true]
EOF2
out=$(cd "$P" && gb compose -p pl up -d 2>&1); rc=$?
check "an image no registry has fails up ($rc)" test $rc -ne 0
assert_contains "... naming the service" "service ghost" "$out"
assert_contains "... saying nothing was started or made (the pull comes first)" "nothing was started or made" "$out"
check "... and not that something still runs ($out)" bash -c '! grep -q "still running" <<<"$1"' _ "$out"
assert_eq "... no container was made" "" "$(gb ps -a -q)"
check "... nor the project's network" sh -c "! '$GLASSBOX' network ls | grep -q pl_default"
check "... nor its status folder" test ! -e "$GLASSBOX_ROOT/status/pl"
check "down after the failed up" sh -c "cd '$P' && '$GLASSBOX' compose -p pl down >/dev/null 2>&1"
finish
