#!/usr/bin/env python3
# The speed figures every page quotes come from one `make bench` run, shown in README.md's
# "Speed" section (issue 23). A docs/*.md paragraph that says it quotes that run (it names
# "Speed"), and a table right after it, may only hold figures the section holds (a table's
# x.y may round one of them). Prints each figure that is not there, "page: figure";
# nothing when they agree. Usage: scripts/speed-quotes.py SRC   (tests/integration/83)
import os
import re
import sys

src = sys.argv[1]
readme = open(os.path.join(src, 'README.md')).read()
m = re.search(r'^## Speed\n(.*?)(?=^## )', readme, re.S | re.M)
speed = m.group(1) if m else ''
# every figure of the Speed section, with 1-decimal roundings of its ms values
have = set(re.findall(r'\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)? (?:ms|fps)', speed))
nums = set(re.findall(r'\d+\.\d+|\d+', speed))
nums |= {('%.1f' % float(n)) for n in list(nums) if '.' in n}
bad = []
for page in sorted(os.listdir(os.path.join(src, 'docs'))):
    if not page.endswith('.md'):
        continue
    text = open(os.path.join(src, 'docs', page)).read()
    for block in re.split(r'\n\s*\n', text):
        if '"Speed"' not in block:
            continue
        # the paragraph that says it quotes the Speed run, and a table right after it
        at = text.index(block) + len(block)
        rest = text[at:].lstrip('\n')
        table = rest.split('\n\n')[0] if rest.startswith('|') else ''
        # a figure, not a target ("under 50 ms")
        for fig in re.findall(r'(?<!under )\b\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)? (?:ms|fps)', block):
            if fig not in have:
                bad.append('%s: %s' % (page, fig))
        for row in table.split('\n')[2:]:
            for n in re.findall(r'\|\s*(\d+\.\d+)\s*(?=\|)', row):
                if n not in nums:
                    bad.append('%s: %s (table)' % (page, n))
print(' '.join(bad))
