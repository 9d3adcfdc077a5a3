# One student in the test guest, for the guest's classroom scripts (rootless-delegated.sh,
# classroom-e2e.sh). Source after common.sh, then: guest_student NAME UID
# The guest's root is a tmpfs made for this boot: the student is a line in its passwd and
# group, with a home in /var/tmp. Sets U, N, HOMEDIR, T (0755), CLASS ($T/class, exported as
# GLASSBOX_CLASSROOM_DIR for root's commands), CG, V2 (1 on cgroup v2), $T/students; at exit
# the class is torn down and T and the home removed.
#   as_run CMD...       CMD as the student's login shell: root puts it in the session leaf
#                       first (v2), then drops to the student's uid for good; none of root's
#                       GLASSBOX_* roots; STUDENT_ENV (an array of VAR=value) is added
#   as_student ARGS     glassbox as the student
need_root
need_cmd setpriv
CG=/sys/fs/cgroup
[ "$(stat -f -c %T $CG)" = cgroup2fs ] && V2=1 || V2=
STUDENT_ENV=()

guest_cleanup() {
    [ -e "$CLASS/roster.json" ] && gb classroom teardown >/dev/null 2>&1
    rm -rf "$T" "$HOMEDIR"
    gb_cleanup
}

guest_student() {
    U=$1 N=$2 HOMEDIR=/var/tmp/$1
    T=$(mktemp -d "/var/tmp/$1.XXXXXX")
    CLASS=$T/class
    export GLASSBOX_CLASSROOM_DIR=$CLASS
    grep -q "^$U:" /etc/passwd || echo "$U:x:$N:$N::$HOMEDIR:/bin/sh" >>/etc/passwd
    grep -q "^$U:" /etc/group || echo "$U:x:$N:" >>/etc/group
    mkdir -p "$HOMEDIR" && chown "$N:$N" "$HOMEDIR"
    chmod 755 "$T"
    trap guest_cleanup EXIT
    echo "$U" >"$T/students"
}

as_run() {
    (if [ -n "$V2" ]; then echo $BASHPID >"$CG/glassbox.class/$U/session/cgroup.procs"; fi
     exec setpriv --reuid "$N" --regid "$N" --clear-groups env -u GLASSBOX_ROOT \
        -u GLASSBOX_DATA_ROOT -u GLASSBOX_CLASSROOM_DIR HOME="$HOMEDIR" "${STUDENT_ENV[@]}" "$@")
}
as_student() { as_run "$GLASSBOX" "$@"; }
