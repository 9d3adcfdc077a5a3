#!/usr/bin/env python3
"""Commands timed in rounds, side by side: each round runs every command once, in an
order that rotates from round to round, so that a machine whose speed drifts (a shared
VM: 2x within a minute here) slows all of them alike. hyperfine times one command's runs
in a block, then the next one's: there a drift lands on whichever block it meets.

Input (stdin), JSON: {"runs": N, "warmup": W, "baseline": NAME,
                      "commands": [[NAME, [ARGV...]], ...]}
"{i}" in an argument becomes the round's number (unique container names).
Each run is spawned directly (posix_spawn, no shell) and timed from the spawn to the
reaping of the process, as `hyperfine -N` does; stdout and stderr go to /dev/null.
A command that fails stops the bench with its name and exit status.

Prints, per command, the median wall time, the median over rounds of its time divided by
the baseline's in the same round ("vs floor"), and that ratio's spread (25th-75th
percentile). With --json FILE, also every time.
"""
import json
import os
import statistics
import sys
import time


def spawn_wait(argv):
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        t = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                            (os.POSIX_SPAWN_DUP2, devnull, 1),
                                            (os.POSIX_SPAWN_DUP2, devnull, 2)])
        _, status = os.waitpid(pid, 0)
        dt = time.perf_counter() - t
    finally:
        os.close(devnull)
    return dt, os.waitstatus_to_exitcode(status)


def quartiles(xs):
    q = statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0]] * 3
    return q[0], q[2]


def main():
    out_json = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--json" else None
    spec = json.load(sys.stdin)
    names = [c[0] for c in spec["commands"]]
    argvs = dict((c[0], c[1]) for c in spec["commands"])
    base = spec.get("baseline", names[0])
    times = {n: [] for n in names}
    warmup, runs = spec.get("warmup", 3), spec["runs"]
    for r in range(warmup + runs):
        order = names[r % len(names):] + names[:r % len(names)]
        for n in order:
            argv = [a.replace("{i}", str(r)) for a in argvs[n]]
            dt, code = spawn_wait(argv)
            if code != 0:
                sys.exit(f"bench: {n} exited {code} in round {r}: {' '.join(argv)}")
            if r >= warmup:
                times[n].append(dt * 1000)
    ratio = {n: [t / b for t, b in zip(times[n], times[base])] for n in names}
    first = names[1] if len(names) > 1 else base
    print(f"{'what':10} {'median ms':>10} {'vs ' + base:>10} {'(25-75%)':>14} "
          f"{'vs ' + first:>13}")
    for n in names:
        lo, hi = quartiles(ratio[n])
        vs_first = statistics.median(t / g for t, g in zip(times[n], times[first]))
        print(f"{n:10} {statistics.median(times[n]):10.2f} {statistics.median(ratio[n]):9.2f}x "
              f"{lo:6.2f}-{hi:5.2f}x {vs_first:12.2f}x")
    if out_json:
        with open(out_json, "w") as f:
            json.dump({"runs": runs, "times_ms": times}, f)


if __name__ == "__main__":
    main()
