#!/usr/bin/env python3
# tests/guest/exosruncons.py: scripts/exos-run's console splitter (its
# class Console) fed made-up serial streams on the host, no QEMU: the
# program's bytes go to stdout, the kernel's lines never do, wherever
# the stream is cut into reads and wherever QEMU's end cuts the
# kernel's last line.  The case of session 8's flake: the program
# faults, the kernel's "killed" line arrives whole, exos-run ends QEMU
# while the next kernel line had sent only its "x"; that "x" was
# printed as the program's.  Prints PASS:/FAIL: lines (run by
# tests/guest/exosrun.sh).
import importlib.machinery
import importlib.util
import io
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
loader = importlib.machinery.SourceFileLoader(
    "exosrun", os.path.join(TOP, "scripts/exos-run"))
spec = importlib.util.spec_from_loader("exosrun", loader)
exosrun = importlib.util.module_from_spec(spec)
loader.exec_module(exosrun)

failed = 0


class Sink:
    def __init__(self):
        self.buffer = io.BytesIO()


def run(chunks, cut=True, verbose=False):
    """Feed chunks to a Console, end it; return (stdout, stderr, con)."""
    out, err = Sink(), Sink()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        con = exosrun.Console(verbose)
        for c in chunks:
            con.feed(c)
        con.finish(cut=cut)
    finally:
        sys.stdout, sys.stderr = saved
    return out.buffer.getvalue(), err.buffer.getvalue(), con


def check(name, ok, detail=""):
    global failed
    if ok:
        print("PASS: exosruncons: %s" % name)
    else:
        print("FAIL: exosruncons: %s%s" % (name, detail))
        failed = 1


BOOT = b"xok: exokernel booting\r\nEXOS-RUN-START 0x1001\r\n"
KILLED = (b"xok: env 1001 killed: unhandled: trap 14 err 6 addr 0 "
          b"rip 401000\r\n")
NOENV = b"xok: no environments left; powering off\r\n"
SHUT = b"xok: shutdown by env 1001, code 3\r\n"

# the flake itself: the program's line, the killed line whole, then the
# "x" of the next kernel line and QEMU ended (by exos-run)
o, e, con = run([BOOT + b"about to fault\r\n" + KILLED + b"x"])
check("a fault, then a kernel line cut after its 'x': not on stdout",
      o == b"about to fault\n" and con.killed_trap == 14, " (%r)" % o)

# every cut of the kernel's last line, in one read and byte by byte
bad = []
for k in range(len(NOENV) + 1):
    s = BOOT + b"about to fault\r\n" + KILLED + NOENV[:k]
    for chunks in ([s], [bytes((c,)) for c in s]):
        o, e, con = run(chunks)
        if o != b"about to fault\n" or con.killed_trap != 14:
            bad.append((k, len(chunks), o))
check("a fault: every cut of the last kernel line, any reads", not bad,
      " (%r)" % bad[:3])

# a program whose last line has no newline: the shutdown line comes in
# the middle of a line; cut anywhere after its first byte, the
# program's bytes are whole.  (Cut before it, a program's last "x" is
# taken for the kernel's: the run has no status then and exos-run
# fails it with 125 anyway.)
bad = []
for tail in (b"partial", b"x", b"xo", b"xok", b"xok:"):
    for k in range(1, len(SHUT) + 1):
        s = BOOT + b"line\r\n" + tail + SHUT[:k]
        for chunks in ([s], [bytes((c,)) for c in s]):
            o, e, con = run(chunks)
            want_code = 3 if b"code 3" in SHUT[:k] else None
            if o != b"line\n" + tail or con.shutdown != want_code:
                bad.append((tail, k, o, con.shutdown))
check("no final newline: every cut of the shutdown line", not bad,
      " (%r)" % bad[:3])

# after a timeout the program was still running: its held-back "x" (a
# prompt, say) is its own
o, e, con = run([BOOT + b"prompt> x"], cut=False)
check("a timeout: the program's last bytes are printed", o == b"prompt> x",
      " (%r)" % o)

# --verbose: the cut kernel line goes to stderr, the program's to stdout
o, e, con = run([BOOT + b"hi\r\n" + KILLED + b"xok: no"], verbose=True)
check("--verbose: a cut kernel line on stderr, not stdout",
      o == b"hi\n" and e.endswith(b"xok: no\n") and b"killed" in e,
      " (%r, %r)" % (o, e[-80:]))

# "xok: " in the middle of a program's line, not the start of a kernel
# line that can come there, stays the program's
o, e, con = run([BOOT + b"say xok: hello\r\n" + SHUT])
check("'xok: ' in the middle of a program's line is the program's",
      o == b"say xok: hello\n" and con.shutdown == 3, " (%r)" % o)

sys.exit(failed)
