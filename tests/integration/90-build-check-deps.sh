#!/usr/bin/env bash
# make check-deps (scripts/check-deps.py): core/'s modules are in no circle and its folders
# in layers (core/README.md). It passes on this tree, and it fails, naming the culprit,
# on a copy where one module includes a header of a layer above or closes a circle.
. "$(dirname "$0")/../lib/common.sh"
need_cmd python3
need_cmd nm
CHECK=$GB_SRC/scripts/check-deps.py
OBJ=$GB_SRC/$BUILD/obj/core
[ -d "$OBJ" ] || { echo "no object files in $OBJ: build first"; exit 1; }

out=$("$CHECK" "$GB_SRC/core" "$OBJ" 2>&1)
check "the tree has no circle and no include up its layers: $out" test $? -eq 0
assert_contains "it counted the modules" "modules, no circles" "$out"

copy=$GB_TEST_ROOT/core
# A cgroup backend that reaches up into the engine: a layer violation.
cp -r "$GB_SRC/core" "$copy"
sed -i '0,/#include "base\/util.h"/s//#include "base\/util.h"\n#include "engine\/container.h"/' "$copy/cgroup/cgroupfs.c"
out=$("$CHECK" "$copy" 2>&1); status=$?
check "an include of engine/ from cgroup/ fails the check" test $status -ne 0
assert_contains "it names the file and the layers" "core/cgroup/cgroupfs.c includes engine/container.h: cgroup/ may not use engine/" "$out"
assert_contains "and the circle it closes" "a circle of" "$out"

# Two modules of one folder that include each other: a circle.
rm -rf "$copy"; cp -r "$GB_SRC/core" "$copy"
sed -i '0,/#include "base\/util.h"/s//#include "base\/util.h"\n#include "net\/net.h"/' "$copy/net/net_addr.c"
out=$("$CHECK" "$copy" 2>&1); status=$?
check "net_addr.c including net.h (which includes net_addr.h) fails the check" test $status -ne 0
assert_contains "it names both modules" "net/net, net/net_addr" "$out"

# A folder nobody placed in a layer.
rm -rf "$copy"; cp -r "$GB_SRC/core" "$copy"
mkdir "$copy/gpu"  # (oci/ is a real layer now: docs/oci.md)
printf '#include "engine/container.h"\n' >"$copy/gpu/gpu.c"
out=$("$CHECK" "$copy" 2>&1); status=$?
check "a new folder outside the layers fails the check" test $status -ne 0
assert_contains "with the fix" "is in no layer" "$out"

finish
