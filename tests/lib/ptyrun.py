#!/usr/bin/env python3
"""Run a command as a terminal user would: under a new pty that this script owns (its
controlling terminal, fds 0-2), then report what happened as JSON on stdout:

  {"exit": N, "output": "...", "termios_restored": true, "injected": "..."}

exit: the command's exit code (128+N for signal N, -1 on timeout). output: what it
printed on the terminal. termios_restored: the terminal's modes afterwards equal those
before. injected: bytes found in the terminal's input queue afterwards that nobody read
(what a TIOCSTI from inside would leave for the host's shell).

usage: ptyrun.py [--rows R] [--cols C] [--timeout S] [ACTION...] -- COMMAND [ARG...]
actions, in order, while the command runs:
  wait=TEXT    until the output contains TEXT       send=TEXT   type TEXT (\\x03 = Ctrl-C)
  sleep=S      seconds                              resize=R,C  resize the terminal
  signal=SIG   send SIG to the command (TERM, KILL) run=SHELL   run a shell command
"""
import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class Session:
    def __init__(self, cmd, rows, cols):
        self.master, self.slave = os.openpty()
        set_size(self.slave, rows, cols)
        self.before = termios.tcgetattr(self.slave)
        self.out = b""

        def ctty():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(cmd, stdin=self.slave, stdout=self.slave,
                                     stderr=self.slave, start_new_session=True,
                                     preexec_fn=ctty, close_fds=True)

    def pump(self, seconds):
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select([self.master], [], [], min(left, 0.05))
            if r:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    data = b""
                self.out += data

    def wait_text(self, text, timeout):
        end = time.monotonic() + timeout
        while text.encode() not in self.out and time.monotonic() < end:
            self.pump(0.05)

    def finish(self, timeout):
        end = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < end:
            self.pump(0.05)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            code = -1
        else:
            code = self.proc.returncode
            code = 128 - code if code < 0 else code
        self.pump(0.2)
        after = termios.tcgetattr(self.slave)
        # What is left in the input queue: read it without canonical mode's line wait.
        raw = termios.tcgetattr(self.slave)
        raw[3] &= ~(termios.ICANON | termios.ECHO)
        raw[6][termios.VMIN] = 0
        raw[6][termios.VTIME] = 0
        termios.tcsetattr(self.slave, termios.TCSANOW, raw)
        try:
            injected = os.read(self.slave, 4096)
        except OSError:
            injected = b""
        return {"exit": code, "output": self.out.decode("latin-1"),
                "termios_restored": after == self.before,
                "injected": injected.decode("latin-1")}


def main(argv):
    rows, cols, timeout = 24, 80, 30.0
    actions = []
    i = 1
    while i < len(argv) and argv[i] != "--":
        a = argv[i]
        if a in ("--rows", "--cols", "--timeout"):
            i += 1
            v = argv[i]
            if a == "--rows":
                rows = int(v)
            elif a == "--cols":
                cols = int(v)
            else:
                timeout = float(v)
        else:
            actions.append(a.split("=", 1))
        i += 1
    cmd = argv[i + 1:]
    if not cmd:
        print(__doc__, file=sys.stderr)
        return 2
    s = Session(cmd, rows, cols)
    for name, val in actions:
        if name == "wait":
            s.wait_text(val, timeout)
        elif name == "send":
            os.write(s.master, val.encode().decode("unicode_escape").encode("latin-1"))
        elif name == "sleep":
            s.pump(float(val))
        elif name == "resize":
            r, c = val.split(",")
            set_size(s.master, int(r), int(c))
        elif name == "signal":
            s.proc.send_signal(getattr(signal, "SIG" + val))
        elif name == "run":
            subprocess.run(val, shell=True, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            print("ptyrun: unknown action " + name, file=sys.stderr)
            return 2
    print(json.dumps(s.finish(timeout)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
