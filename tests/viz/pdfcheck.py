#!/usr/bin/env python3
"""Check a handout PDF written by glassbox-viz without a PDF library: the xref offsets
point at their objects, the page tree holds the pages, every image inflates to
width x height x 3 bytes. Prints the page count; exits 1 on the first problem."""
import re
import sys
import zlib

data = open(sys.argv[1], "rb").read()
if not data.startswith(b"%PDF-1.") or not data.rstrip().endswith(b"%%EOF"):
    sys.exit("not a complete PDF")
start = int(re.search(rb"startxref\s+(\d+)", data[-64:]).group(1))
m = re.match(rb"xref\n0 (\d+)\n", data[start:])
if not m:
    sys.exit("startxref does not point at the xref table")
count = int(m.group(1))
entries = data[start + m.end():start + m.end() + 20 * count]
for n in range(1, count):
    off = int(entries[20 * n:20 * n + 10])
    if not data[off:].startswith(b"%d 0 obj" % n):
        sys.exit("object %d is not at offset %d" % (n, off))
pages = re.search(rb"/Type /Pages /Count (\d+) /Kids \[([^\]]*)\]", data)
n_pages = int(pages.group(1))
if len(re.findall(rb"\d+ 0 R", pages.group(2))) != n_pages:
    sys.exit("the page tree's Count and Kids disagree")
images = 0
for im in re.finditer(rb"/Width (\d+) /Height (\d+) .*?/Length (\d+) >>\nstream\n", data):
    w, h, length = (int(x) for x in im.groups())
    raw = zlib.decompress(data[im.end():im.end() + length])
    if len(raw) != w * h * 3:
        sys.exit("an image inflates to %d bytes, not %d" % (len(raw), w * h * 3))
    images += 1
if images != 2 * n_pages:
    sys.exit("%d images for %d pages (a slide and its notes each)" % (images, n_pages))
print(n_pages)
