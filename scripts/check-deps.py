#!/usr/bin/env python3
"""make check-deps: the modules of core/ must not depend on each other in a circle.

A module is one .c file with its .h (core/cgroup/cgroup.c + core/cgroup/cgroup.h). Module A
depends on module B when A's .c or .h includes B's .h, or when A's object file uses a symbol
that B's object file defines (nm: what the linker will really join). Any circle of such
dependencies is printed with what makes it, and the exit status is 1.

Folders are layers (core/README.md): a folder may use modules only from the folders listed
below it in LAYERS, or a module that itself uses nothing but base/ (a leaf: the vocabulary
of a feature, such as the mount specs or the cgroup limits a config holds). Any other use
that goes up the list is printed and fails too.
"""
import os
import re
import subprocess
import sys

LAYERS = ["classroom", "oci", "compose", "build", "engine", "vm", "tty", "registry", "net", "security", "storage", "cgroup", "ns", "host",
          "state", "base"]  # top to bottom: each may include only what follows it
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_0-9]+/[a-z_0-9]+)\.h"', re.M)


def modules(core):
    deps, where = {}, {}
    for folder in sorted(os.listdir(core)):
        path = os.path.join(core, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            stem, ext = os.path.splitext(name)
            if ext not in (".c", ".h"):
                continue
            mod = f"{folder}/{stem}"
            deps.setdefault(mod, set())
            with open(os.path.join(path, name), encoding="utf-8") as f:
                for inc in INCLUDE.findall(f.read()):
                    if inc != mod:
                        deps[mod].add(inc)
                        where.setdefault((mod, inc), f"core/{folder}/{name}")
    return deps, where


def symbols(objdir, deps, where):
    """Add the edges the linker sees: A uses (U) a symbol that B defines (T, D, B, R)."""
    defined, used = {}, {}
    for folder in sorted(os.listdir(objdir)):
        path = os.path.join(objdir, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            if not name.endswith(".o"):
                continue
            mod = f"{folder}/{name[:-2]}"
            if mod not in deps:  # an object left from a source that is gone
                continue
            out = subprocess.run(["nm", os.path.join(path, name)], capture_output=True,
                                 text=True, check=True).stdout
            for line in out.splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[0] == "U":
                    used.setdefault(mod, set()).add(parts[1])
                elif len(parts) == 3 and parts[1] in "TDBR":
                    defined[parts[2]] = mod
    for mod, syms in used.items():
        for sym in sorted(syms):
            other = defined.get(sym)
            if other and other != mod:
                deps.setdefault(mod, set()).add(other)
                where.setdefault((mod, other), f"core/{mod}.c calls {sym}() of")


def leaf(mod, deps, seen=None):
    """Whether mod uses nothing outside base/, directly or through what it uses."""
    seen = set() if seen is None else seen
    if mod in seen:
        return True
    seen.add(mod)
    return all(d.startswith("base/") or (d.split("/")[0] == mod.split("/")[0] and
                                         leaf(d, deps, seen))
               for d in deps.get(mod, ()))


def circles(deps):
    """Tarjan's strongly connected components with more than one module."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(deps.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(deps):
        if v not in index:
            visit(v)
    return out


def main():
    core = sys.argv[1] if len(sys.argv) > 1 else "core"
    deps, where = modules(core)
    if len(sys.argv) > 2:  # the object files of core/, e.g. build/obj/core
        symbols(sys.argv[2], deps, where)
    bad = 0
    for comp in circles(deps):
        bad += 1
        print(f"check-deps: a circle of {len(comp)} modules: {', '.join(comp)}")
        for a in comp:
            for b in sorted(deps[a]):
                if b in comp:
                    w = where[(a, b)]
                    print(f"    {w} {b}" if w.endswith(" of") else f"    {w} includes {b}.h")
    rank = {f: i for i, f in enumerate(LAYERS)}
    for (a, b), file in sorted(where.items()):
        if file.endswith(" of"):
            file = file.split(" ")[0]
        fa, fb = a.split("/")[0], b.split("/")[0]
        if fa == fb or leaf(b, deps):
            continue
        if fa not in rank or fb not in rank:
            print(f"check-deps: {file}: folder {fa if fa not in rank else fb}/ is in no layer "
                  "(add it to LAYERS in scripts/check-deps.py and to core/README.md)")
            bad += 1
        elif rank[fa] > rank[fb]:
            print(f"check-deps: {file} includes {b}.h: {fa}/ may not use {fb}/, a layer above it")
            bad += 1
    n = len(deps)
    if bad:
        print(f"check-deps: {bad} problem(s) in {n} modules")
        return 1
    print(f"check-deps: {n} modules, no circles, every include goes down the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
