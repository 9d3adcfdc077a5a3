# A class of real unprivileged users for the classroom tests (65, 66, 68): made without
# subuid ranges (`classroom setup` gives them), given a copy of the build they can read,
# and removed at exit with their containers and processes (and the class torn down if it
# was set up). Source after common.sh, then: class PREFIX N [subids]
# (subids: the users get useradd's own subuid/subgid ranges, as login.defs says).
# Sets S (the N names: PREFIX a..), T (a temp dir, 0755), CLASS ($T/class, not made),
# BIN (the students' glassbox), LAYOUT (v1|hybrid|v2), UNI (the cgroup2 mount or empty), and:
#   as_user NAME ARGS   that glassbox as NAME in a login-like environment: none of root's
#                       GLASSBOX_*/XDG_* roots; AS_USER_ENV (an array of VAR=value) is
#                       added; root first moves the shell into NAME's session leaf of the
#                       cgroup2 tree when the class has one, as a login manager would (cgroup
#                       v2 lets a process move only within a subtree its user owns).
#   sh_as NAME CMD      sh -c CMD as NAME
#   hier CONTROLLER     that controller's hierarchy (v2: the one tree)
need_root
need_cmd useradd
need_cmd runuser
CG=/sys/fs/cgroup
if [ "$(stat -f -c %T $CG)" = cgroup2fs ]; then LAYOUT=v2 UNI=$CG
elif [ "$(stat -f -c %T $CG/unified 2>/dev/null)" = cgroup2fs ]; then LAYOUT=hybrid UNI=$CG/unified
else LAYOUT=v1 UNI=; fi
hier() { if [ $LAYOUT = v2 ]; then echo $CG; else echo "$CG/$1"; fi; }
AS_USER_ENV=() AS_USER_TIMEOUT=400

cleanup_class() {
    local u c
    for u in "${S[@]}"; do
        id "$u" >/dev/null 2>&1 || continue
        for c in $(as_user "$u" ps -aq 2>/dev/null); do as_user "$u" rm -f "$c" >/dev/null 2>&1; done
    done
    [ -e "$CLASS/roster.json" ] && GLASSBOX_CLASSROOM_DIR=$CLASS "$GLASSBOX" classroom teardown >/dev/null 2>&1
    for u in "${S[@]}"; do
        id "$u" >/dev/null 2>&1 || continue
        ps -u "$u" -o pid= 2>/dev/null | xargs -r kill -KILL 2>/dev/null # this test's own users
        userdel -r "$u" >/dev/null 2>&1
    done
    rm -rf "$T"
    gb_cleanup
}

as_user() {
    local u=$1 home; shift
    home=$(getent passwd "$u" | cut -d: -f6)
    (cd / && if [ -n "$UNI" ] && [ -d "$UNI/glassbox.class/$u/session" ]; then
            echo $BASHPID >"$UNI/glassbox.class/$u/session/cgroup.procs"; fi
     exec runuser -u "$u" -- env -u GLASSBOX_ROOT -u GLASSBOX_DATA_ROOT -u XDG_RUNTIME_DIR \
        -u XDG_DATA_HOME -u GLASSBOX_VM_CACHE -u GLASSBOX_CLASSROOM_DIR HOME="$home" \
        "${AS_USER_ENV[@]}" timeout "$AS_USER_TIMEOUT" "$BIN" "$@")
}
sh_as() { local u=$1; shift; (cd / && runuser -u "$u" -- sh -c "$@"); }

class() {
    local u i letters=(a b c d e f g h)
    S=()
    for ((i = 0; i < $2; i++)); do S+=("$1${letters[i]}$$"); done
    T=$(mktemp -d "/tmp/$1.XXXXXX")
    CLASS=$T/class
    trap cleanup_class EXIT
    for u in "${S[@]}"; do
        { [ "${3:-}" != subids ] &&
            useradd -m -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$u" 2>/dev/null; } ||
            useradd -m -s /bin/sh "$u" || skip "cannot create test users"
    done
    # A copy of the build in a directory every user may read: build/ sits below
    # directories that are not the students' to search.
    chmod 755 "$T"
    mkdir -p "$T/bin" "$T/share" "$T/libexec"
    cp "$GLASSBOX" "$T/bin/" && cp -a "$(dirname "$GLASSBOX")/../share/glassbox" "$T/share/"
    cp -a "$(dirname "$GLASSBOX")/../libexec/glassbox" "$T/libexec/"
    chmod -R o+rX "$T"
    BIN=$T/bin/glassbox
}
