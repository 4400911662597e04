#!/usr/bin/env python3
# tests/guest/ttydrive.py: the user at the console for tests/posix/ttytest.c.
# Runs the program and types, one key at a time (20 ms apart), the keys
# of each step it asks for ("tty: type STEP"), then checks the echo it
# saw; the program's own PASS/FAIL lines are passed through.
#   ttydrive.py exos KERNEL PROGRAM.elf   (QEMU; serial console = the tty)
#   ttydrive.py linux PROGRAM             (a pseudo-terminal)
# Prints PASS:/FAIL: lines ("tty: echo ..."); exit 0 iff the program
# ended with status 0 and every echo check passed.
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

KEYS = {
    "erase": b"abc\x7fd\r",
    "backspace": b"xy\x08z\r",
    "kill": b"junk\x15line one\r",
    "werase": b"one two\x17three\r",
    "two-lines": b"first\rsecond\r",
    "eof": b"\x04",
    "partial": b"part\x04",
    "secret": b"hidden\r",
    "raw": b"q",
    "flushed": b"gone",
    "after-flush": b"kept\r",
    "interrupt": b"\x03",
    "done": b"",
}
AT_ONCE = {"two-lines"}
# what the echo between this prompt and the next must (or must not) hold
ECHO_HAS = {
    "erase": b"abc\x08 \x08d",
    "backspace": b"xy\x08 \x08z",
    "kill": b"junk\x08 \x08\x08 \x08\x08 \x08\x08 \x08line one",
    "werase": b"one two\x08 \x08\x08 \x08\x08 \x08three",
    "interrupt": b"^C",
}
ECHO_NOT = {"secret": b"hidden", "flushed": b"gone"}

failed = 0


def check(what, ok):
    global failed
    print("%s: tty: %s" % ("PASS" if ok else "FAIL", what))
    if not ok:
        failed = 1


def main():
    mode = sys.argv[1]
    if mode == "exos":
        kernel, prog = os.path.abspath(sys.argv[2]), sys.argv[3]
        qemu = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "../../scripts/qemu")
        env = dict(os.environ, QEMU_TIMEOUT=os.environ.get("QEMU_TIMEOUT",
                                                            "240"))
        # the serial console's input: a FIFO, as tests/guest/constest.sh
        tmp = tempfile.mkdtemp(prefix="ttydrive.")
        fifo = os.path.join(tmp, "in")
        os.mkfifo(fifo)
        p = subprocess.Popen([qemu, "--accel", os.environ.get("ACCEL", "tcg"),
                              "--test", "--serial-in", fifo, kernel,
                              os.path.basename(prog)],
                             cwd=os.path.dirname(os.path.abspath(prog)),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, env=env)
        wfd = os.open(fifo, os.O_WRONLY)
        rfd = p.stdout.fileno()
    else:
        pid, master = pty.fork()
        if pid == 0:
            # the terminal's signals at their defaults: started in the
            # background by a shell without job control, we (and so
            # the program) would inherit SIGINT and SIGQUIT ignored
            for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP):
                signal.signal(s, signal.SIG_DFL)
            os.execv(sys.argv[2], [sys.argv[2]])
        rfd = wfd = master
    out = b""
    pos = 0                     # where the next prompt is looked for
    step = None
    step_at = 0                 # the output offset its keys began at
    echoes = {}
    deadline = time.time() + 300
    while time.time() < deadline:
        r, _, _ = select.select([rfd], [], [], 1.0)
        if r:
            try:
                data = os.read(rfd, 4096)
            except OSError:
                data = b""
            if not data:
                break
            out += data
        m = re.compile(rb"tty: type ([a-z-]+)\r*\n").search(out, pos)
        if not m:
            continue
        if step is not None:
            echoes[step] = out[step_at:m.start()]
        pos = m.end()
        step = m.group(1).decode()
        step_at = pos
        keys = KEYS.get(step)
        if keys is None:
            check("unknown step %s" % step, False)
            continue
        time.sleep(0.3)
        if step in AT_ONCE:
            os.write(wfd, keys)
        else:
            for k in keys:
                os.write(wfd, bytes([k]))
                time.sleep(0.02)
    if mode == "exos":
        os.close(wfd)
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            rc = p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
    else:
        _, st = os.waitpid(pid, 0)
        rc = os.waitstatus_to_exitcode(st)
    text = out.replace(b"\r", b"").decode("latin-1")
    for line in text.split("\n"):
        if (line.startswith("PASS: tty") or line.startswith("FAIL: tty")
                or line.startswith("tty: note: ")):
            print(line)
    for s, want in ECHO_HAS.items():
        got = echoes.get(s, b"")
        check("echo of %s" % s, want in got.replace(b"\r", b""))
        if want not in got.replace(b"\r", b""):
            print("    saw %r" % got[:200])
    for s, never in ECHO_NOT.items():
        check("no echo of %s" % s, s in echoes and never not in echoes[s])
    check("the program ended with status 0 (%s)" % rc, rc == 0)
    if "PASS: tty: 0 failed" not in text:
        check("the program's summary line", False)
        sys.stdout.write(text[-2000:])
    return failed


if __name__ == "__main__":
    sys.exit(main())
