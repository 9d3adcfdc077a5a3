#!/usr/bin/env python3
"""The commands of the plain ```sh blocks of README.md and docs/*.md, held against the
programs' own --help (test 84). Those blocks are cheat sheets: they name containers and
folders a reader has (NAME, ./site, my-stack), change the host (classroom setup) or need
the internet, so test 84 does not run them as it runs the ```sh runnable ones. What can
still drift is checked here: every glassbox / glassbox-viz command must name a command the
program has, and every --option it uses must be one that command's --help lists (test 92
holds --help to what each parser accepts, so the docs are held to the parsers).

usage: doc_commands.py GLASSBOX GLASSBOX_VIZ FILE.md...
Prints one line per command checked; exits 1 when one is wrong, naming file and line."""
import re
import shlex
import subprocess
import sys

GLASSBOX, VIZ = sys.argv[1], sys.argv[2]
PROGRAMS = {"glassbox": GLASSBOX, "build/bin/glassbox": GLASSBOX,
            "glassbox-viz": VIZ, "build/bin/glassbox-viz": VIZ}
GLOBAL_WITH_VALUE = {"--root", "--data-root"}
helps = {}


def help_of(prog, verb):
    key = (prog, verb)
    if key not in helps:
        argv = [prog] + ([verb] if verb else []) + ["--help"]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        helps[key] = (p.returncode, p.stdout + p.stderr)
    return helps[key]


def blocks(path):
    """(line number, text) of each line of each plain ```sh block."""
    on = False
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        s = line.strip()
        if s.startswith("```"):
            on = s == "```sh" or s == "```bash"
            continue
        if on:
            yield n, line.rstrip("\n")


def commands(text, env):
    """Each simple command of a shell line, as words, with $B-style variables expanded."""
    try:
        lex = shlex.shlex(text, posix=True, punctuation_chars=";&|")
        lex.whitespace_split = True
        lex.commenters = "#"
        words = list(lex)
    except ValueError:
        return
    cur = []
    for w in words + [";"]:
        if w and set(w) <= set(";&|"):
            if cur:
                yield cur
            cur = []
            continue
        cur.append(re.sub(r"\$(\w+)", lambda m: env.get(m.group(1), m.group(0)), w))


def check(cmd, env, where, bad):
    before = len(bad)
    check_words(cmd, env, where, bad)
    if len(bad) == before and cmd and any(w in PROGRAMS for w in cmd[:3]):
        print(f"ok  {where}: {' '.join(cmd)}")


def check_words(cmd, env, where, bad):
    while cmd and (cmd[0] in ("sudo", "env", "exec") or re.match(r"^\w+=", cmd[0])):
        if len(cmd) == 1 and re.match(r"^\w+=", cmd[0]):
            k, v = cmd[0].split("=", 1)
            env[k] = v
        cmd = cmd[1:]
    if not cmd or cmd[0] not in PROGRAMS:
        return
    prog, rest = PROGRAMS[cmd[0]], cmd[1:]
    is_viz = prog == VIZ
    opts, i = [], 0
    while i < len(rest) and rest[i].startswith("-"):  # the program's own options
        opts.append(rest[i].split("=", 1)[0])
        i += 2 if rest[i] in GLOBAL_WITH_VALUE else 1
        if is_viz and opts[-1] in ("--size", "--frames", "--scene", "--beat", "--at",
                                   "--bench", "--autoplay", "--pdf"):
            i += 1
    verb = rest[i] if i < len(rest) else None
    after = [w.split("=", 1)[0] for w in rest[i + 1:] if w.startswith("--")]
    shown = " ".join(cmd)
    if is_viz:  # one help for every mode and option
        rc, text = help_of(prog, None)
        need = opts + ([verb] if verb else [])
        if verb not in ("run", "compare"):  # those pass their words on to glassbox
            need += after
    else:
        rc, text = help_of(prog, verb)
        if verb and ("unknown command" in text or rc != 0):
            bad.append(f"{where}: `{shown}`: glassbox has no command '{verb}'")
            return
        need = after
        top = help_of(prog, None)[1]
        for o in opts:
            if not re.search(re.escape(o) + r"\b", top):
                bad.append(f"{where}: `{shown}`: glassbox --help has no {o}")
    for o in need:
        if not re.search(r"(^|[\s\[|,(])" + re.escape(o) + r"($|[\s\]|=,)])", text, re.M):
            bad.append(f"{where}: `{shown}`: {o} is not in {cmd[0]} {verb or ''} --help")


def main():
    bad = []
    for path in sys.argv[3:]:
        env = {}
        for n, line in blocks(path):
            for cmd in commands(line, env):
                check(cmd, env, f"{path}:{n}", bad)
    for b in bad:
        print("BAD " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
