#!/usr/bin/env python3
"""The flags each glassbox command's parser accepts, read from the parser's own code.

Walks the command table of cli/main.c (`static const struct command commands[]`), then,
from each command's function, every function of cli/*.c it calls (transitively), and
collects the flags those functions compare an argument with: `strcmp(x, "--flag")`,
`strncmp(x, "--flag=", N)`, and the `{ "name", 'c', ... }` rows of cli/args.c's option
table (run/create). Prints "COMMAND FLAG" lines, one per flag, sorted.
Usage: scripts/cli-flags.py [SRCDIR]   (tests/integration/92-cli-help.sh)
       scripts/cli-flags.py --commands [SRCDIR]   only the commands, in the table's order
"""
import os
import re
import sys

only_commands = len(sys.argv) > 1 and sys.argv[1] == "--commands"
rest = sys.argv[2:] if only_commands else sys.argv[1:]
src = rest[0] if rest else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
cli = os.path.join(src, "cli")

# Function bodies of cli/*.c: a definition starts at column 0 and ends at the first "}"
# at column 0 after it (the project's style, enforced by clang-format).
DEF = re.compile(r"^(?:static\s+)?(?:const\s+)?[A-Za-z_][\w \t\*]*?\b(\w+)\s*\([^;{]*\)\s*\{",
                 re.M)
# Static functions of two files may share a name: a call resolves to its own file's
# function first, then to the non-static one of any file.
bodies, globals_ = {}, {}
for name in sorted(os.listdir(cli)):
    if not name.endswith(".c"):
        continue
    text = open(os.path.join(cli, name), encoding="utf-8").read()
    for m in DEF.finditer(text):
        end = text.find("\n}", m.end())
        body = text[m.start():end if end >= 0 else len(text)]
        bodies[(name, m.group(1))] = body
        if not body.startswith("static"):
            globals_[m.group(1)] = (name, m.group(1))

main = open(os.path.join(cli, "main.c"), encoding="utf-8").read()
table = re.search(r"struct command commands\[\]\s*=\s*\{(.*?)\n\};", main, re.S).group(1)
commands = re.findall(r'\{\s*"([\w-]+)",\s*(\w+)\s*\}', table)

# The run/create option table: { "memory", 'm', true, O_MEMORY, "help" } rows of cli/args.c.
# A row whose help is NULL is left out of --help on purpose (an alias, or lab 16's unsafe
# negative control), and so out of this list.
args = open(os.path.join(cli, "args.c"), encoding="utf-8").read()
opt_rows = re.findall(r'^\s*\{\s*"([\w-]+)",\s*(\'.\'|0),\s*(?:true|false),\s*O_\w+,\s*(?=")',
                      args, re.M)

# An argument is argv[...] or the a/arg the parsers name it; --help and -h ask for the help
# itself and are left out (run's -h, --hostname, comes from its table).
CMP = re.compile(r'\bstrn?cmp\s*\(\s*(?:argv\[[^\]]*\]|a|arg)\s*,\s*"(-[-\w]*)=?"')
NOT_FLAGS = ("-", "--", "--help", "-h")
# Bundled short flags: `strspn(argv[i] + 1, "aq")` accepts -a, -q and -aq.
BUNDLE = re.compile(r'\bstrspn\s*\([^,()]+,\s*"(\w+)"\)')
CALL = re.compile(r"\b(\w+)\s*\(")


def flags_of(fn):
    seen, todo, out = set(), [("main.c", fn)], set()
    while todo:
        f = todo.pop()
        f = f if f in bodies else globals_.get(f[1])
        if f is None or f in seen:
            continue
        seen.add(f)
        body = bodies[f]
        out.update(x for x in CMP.findall(body) if x not in NOT_FLAGS)
        for letters in BUNDLE.findall(body):
            out.update("-" + c for c in letters)
        if re.search(r"gb_args_parse_run\(argc, argv", body):  # run's own arguments
            for long, short in opt_rows:
                out.add("--" + long)
                if short != "0":
                    out.add("-" + short.strip("'"))
        todo.extend((f[0], c) for c in CALL.findall(body))
    return out


if only_commands:
    print("\n".join(name for name, _ in commands))
    sys.exit(0)
for name, fn in commands:
    for flag in sorted(flags_of(fn)):
        print(name, flag)
