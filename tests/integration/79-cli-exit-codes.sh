#!/usr/bin/env bash
# Docker's exit codes beyond run and create (issue 23, docs/cli.md's exec table): a usage
# error of exec, build, compose and pull is a refusal, 125, with a message naming the bad
# argument, and nothing runs or is made (no command in the container, no image, no
# container, no network); exec and compose exec exit 127 for a missing command and 126 for
# one that cannot be executed, as run does, and the command's own code otherwise; an
# unknown container stays 1. The man pages say the same.
. "$(dirname "$0")/../lib/common.sh"
need_root
need_cmd unshare
need_cmd ip

T=$GB_TEST_ROOT/codes
mkdir -p "$T/out" "$T/ctx" "$T/proj"

refused() { # description, needle the message must hold, then the glassbox arguments
    local what=$1 needle=$2 err rc
    shift 2
    err=$(gb "$@" 2>&1 >/dev/null </dev/null)
    rc=$?
    assert_eq "$what: exit 125" 125 "$rc"
    assert_contains "$what: the message names it" "$needle" "$err"
}

# run's refusals name the option as it is written (not ----restart).
refused "run --restart bogus" "invalid value for --restart: 'bogus'" run --restart bogus busybox true
refused "run --health-retries x" "invalid value for --health-retries: 'x'" \
    run --health-retries x busybox true

# exec: its own arguments refused, the command never ran in the container.
gb run -d --name codes-$$ -v "$T/out:/out" busybox sleep 600 >/dev/null
refused "exec --bogus" "--bogus" exec --bogus codes-$$ touch /out/ran
refused "exec -e without =" "NOEQUALS" exec -e NOEQUALS codes-$$ touch /out/ran
refused "exec with no command" "give a container and a command" exec codes-$$
check "exec's refused commands never ran" test ! -e "$T/out/ran"
gb exec codes-$$ /no/such/command 2>/dev/null
assert_eq "exec of a missing command: exit 127" 127 "$?"
gb exec codes-$$ /etc/passwd 2>/dev/null
assert_eq "exec of a file that is not executable: exit 126" 126 "$?"
gb exec codes-$$ sh -c 'touch /out/ran; exit 4'
assert_eq "exec: the command's own code" 4 "$?"
check "... and that command ran" test -e "$T/out/ran"
gb exec no-such-container-$$ true 2>/dev/null
assert_eq "exec in an unknown container: exit 1" 1 "$?"
gb rm -f codes-$$ >/dev/null

# build: refused before any step ran, no image made.
printf 'FROM busybox\nRUN touch /built\n' >"$T/ctx/Dockerfile"
refused "build --bogus" "--bogus" build --bogus -t codes-img-$$ "$T/ctx"
refused "build with no -t" "build -t NAME" build "$T/ctx"
check "the refused builds made no image" \
    test -z "$(gb images | awk -v n="codes-img-$$" '$1 == n')"

# pull (run by glassbox-images): refused before anything was fetched.
refused "pull --bogus" "--bogus" pull --bogus busybox
refused "pull with no image" "no image given" pull
refused "pull --platform with no value" "--platform" pull --platform

# compose: a bad option before or after the command, nothing made.
cat >"$T/proj/compose.yaml" <<'EOF'
services:
  s:
    image: busybox
    command: sleep 600
    stop_grace_period: 1s
EOF
refused "compose --bogus" "--bogus" compose -f "$T/proj/compose.yaml" -p codes$$ --bogus up
refused "compose up --bogus" "--bogus" compose -f "$T/proj/compose.yaml" -p codes$$ up --bogus
assert_eq "the refused compose commands made no container" "" "$(gb ps -aq)"
assert_eq "... and no network" "" "$(gb network ls 2>/dev/null | grep codes$$)"
# compose exec in a running service, in a network namespace of this test's (the bridge).
out=$(unshare --net bash -c 'ip link set lo up
    gb() { "$GLASSBOX" "$@"; }
    c="gb compose -f $1/proj/compose.yaml -p codes$2"
    $c up -d >/dev/null 2>&1 || { echo "up failed"; exit; }
    $c exec s /no/such/command 2>/dev/null; printf "%s " $?
    $c exec s /etc/passwd 2>/dev/null; printf "%s " $?
    $c exec s sh -c "exit 5"; printf "%s " $?
    $c exec --bogus s true 2>/dev/null; printf "%s" $?
    $c down >/dev/null 2>&1' _ "$T" $$)
assert_eq "compose exec: 127 missing, 126 not executable, its code, 125 a bad option" \
    "127 126 5 125" "$out"

# The man pages carry the same table (scripts/gen-man.sh from docs/cli.md).
if command -v man >/dev/null; then
    "$GB_SRC/scripts/gen-man.sh" "$(dirname "$GLASSBOX")" "$T/man" >/dev/null 2>&1
    for cmd in exec build compose pull; do
        page=$(MANWIDTH=200 man -l "$T/man/glassbox-$cmd.1" 2>&1)
        assert_contains "man glassbox-$cmd lists 125 for a usage error" \
            "a usage error, refused before anything ran" "$page"
    done
fi
assert_nothing_left "after every refusal"
finish
