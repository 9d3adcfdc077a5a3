#!/usr/bin/env python3
"""Press keys in the X display $DISPLAY through the XTest extension (libXtst, by ctypes):
xkeys.py space space sleep:0.5 b ...  Key names are X keysym names."""
import ctypes
import sys
import time

x11 = ctypes.CDLL("libX11.so.6")
xtst = ctypes.CDLL("libXtst.so.6")
x11.XOpenDisplay.restype = ctypes.c_void_p
x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
x11.XStringToKeysym.restype = ctypes.c_ulong
x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
x11.XKeysymToKeycode.restype = ctypes.c_ubyte
x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
x11.XFlush.argtypes = [ctypes.c_void_p]
xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]

dpy = x11.XOpenDisplay(None)
if not dpy:
    sys.exit("xkeys: cannot open the display")
for name in sys.argv[1:]:
    if name.startswith("sleep:"):
        time.sleep(float(name[6:]))
        continue
    code = x11.XKeysymToKeycode(dpy, x11.XStringToKeysym(name.encode()))
    if not code:
        sys.exit("xkeys: no key " + name)
    xtst.XTestFakeKeyEvent(dpy, code, 1, 0)
    xtst.XTestFakeKeyEvent(dpy, code, 0, 0)
    x11.XFlush(dpy)
    time.sleep(0.12)
