# The glassbox-runc tests run it as containerd's shim and conmon do: from a subreaper, which
# becomes the container's PID 1's parent once create has exited (no glassbox process stays
# its parent). Source it first thing: it re-executes the test under a python3 process that
# set PR_SET_CHILD_SUBREAPER (36) and exec'd bash on the test again.
if [ -z "${GB_OCI_SUBREAPER:-}" ]; then
    GB_OCI_SUBREAPER=1 exec python3 -c 'import ctypes, os, sys
if ctypes.CDLL(None).prctl(36, 1, 0, 0, 0) != 0: sys.exit("prctl(PR_SET_CHILD_SUBREAPER) failed")
os.execvp(sys.argv[1], sys.argv[1:])' bash "$0" "$@"
fi
