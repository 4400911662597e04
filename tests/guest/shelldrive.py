#!/usr/bin/env python3
# tests/guest/shelldrive.py: a user at the console of ExOS booted from a
# C-FFS root image, for tests/guest/shell.sh.  Boots Xok in QEMU with
# the image as the virtio disk and the loader (build/init/boot.elf) as
# the one boot module, the serial console's input in our hands (a FIFO,
# as tests/guest/ttydrive.py), and types one key at a time (20 ms apart).
#   shelldrive.py session KERNEL BOOT.elf IMAGE
#       `make run`'s boot: /sbin/init from the image, its motd, the
#       dash prompt; `ls /dev`; a file written to /root/session.txt;
#       `sleep 100` interrupted by ^C (the shell survives, $? is 130);
#       ^D logs out and init powers off (status 0).
#   shelldrive.py poweroff KERNEL BOOT.elf IMAGE SEED
#       `/bin/sh +i` (boot -q) runs a loop writing /data/fN (seq N*40)
#       and fsync'ing each, printing "fsynced N"; QEMU is killed
#       (SIGKILL: the power cord) at a moment chosen by SEED; the numbers
#       reported are written to IMAGE.fsynced for shell.sh to check.
# Prints PASS:/FAIL: lines ("shell: ..."); exit 0 iff all passed.
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time

QEMU = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "../../scripts/qemu")
failed = 0


def check(what, ok, detail=""):
    global failed
    print("%s: shell: %s" % ("PASS" if ok else "FAIL", what))
    if not ok:
        failed = 1
        if detail:
            for l in detail.splitlines()[-15:]:
                print("    " + l)
    sys.stdout.flush()


class Guest:
    def __init__(self, kernel, boot, image, cmdline, timeout):
        self.tmp = tempfile.mkdtemp(prefix="shelldrive.")
        fifo = os.path.join(self.tmp, "in")
        os.mkfifo(fifo)
        env = dict(os.environ, QEMU_TIMEOUT=str(timeout))
        self.p = subprocess.Popen(
            [QEMU, "--accel", os.environ.get("ACCEL", "tcg"), "--test",
             "--serial-in", fifo, "--disk", image, os.path.abspath(kernel),
             cmdline],
            cwd=os.path.dirname(os.path.abspath(boot)),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.w = os.open(fifo, os.O_WRONLY)
        self.r = self.p.stdout.fileno()
        self.buf = b""          # not yet consumed by wait_for
        self.all = b""          # everything

    def read_some(self, t):
        rr, _, _ = select.select([self.r], [], [], t)
        if not rr:
            return True
        d = os.read(self.r, 4096)
        if not d:
            return False
        self.buf += d
        self.all += d
        return True

    def wait_for(self, s, t=60):
        """Consume output up to and including s: the text before it,
        or None on a timeout or the end of QEMU."""
        end = time.time() + t
        while s not in self.buf:
            if time.time() > end or not self.read_some(0.2):
                return None
        i = self.buf.index(s)
        out, self.buf = self.buf[:i], self.buf[i + len(s):]
        return out

    def type(self, keys):
        for c in keys:
            os.write(self.w, bytes((c,)))
            time.sleep(0.02)

    def finish(self, t=60):
        end = time.time() + t
        while time.time() < end and self.read_some(0.2):
            if self.p.poll() is not None and not self.read_some(0):
                break
        try:
            return self.p.wait(timeout=max(1, end - time.time()))
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.p.wait()

    def text(self):
        return self.all.decode("latin-1").replace("\r", "")


def session(kernel, boot, image):
    g = Guest(kernel, boot, image, os.path.basename(boot), 240)
    try:
        check("boot from the image: /sbin/init prints /etc/motd",
              g.wait_for(b"Welcome to ExOS") is not None, g.text())
        check("the dash prompt", g.wait_for(b"exos# ") is not None, g.text())
        g.type(b"ls /dev\r")
        out = g.wait_for(b"exos# ")
        check("ls /dev shows the devices", out is not None and all(
            d in out for d in (b"console", b"null", b"tty", b"urandom",
                               b"zero")), g.text())
        g.type(b"echo typed at the console > /root/session.txt; "
               b"cat /root/session.txt | wc -c\r")
        out = g.wait_for(b"exos# ")
        check("a file written, read back through a pipe",
              out is not None and b"21" in out, g.text())
        g.type(b"sleep 100\r")
        time.sleep(1.5)
        t0 = time.time()
        g.type(b"\x03")
        out = g.wait_for(b"exos# ", 20)
        check("^C stops sleep 100 and the shell prompts again",
              out is not None and b"^C" in out and time.time() - t0 < 15,
              g.text())
        g.type(b"echo status $?\r")
        out = g.wait_for(b"exos# ")
        check("the shell survived: sleep's status is 130",
              out is not None and b"status 130" in out, g.text())
        g.type(b"\x04")
        rc = g.finish()
        check("^D logs out, init syncs and powers off (status 0)",
              rc == 0 and "shutdown by env" in g.text(), g.text())
    finally:
        g.kill()


def poweroff(kernel, boot, image, seed):
    rnd = random.Random(seed)
    g = Guest(kernel, boot, image, os.path.basename(boot) + " -q /bin/sh +i",
              240)
    done = []
    try:
        ok = g.wait_for(b"xok: TSC", 60) is not None
        # the shell reads its standard input, the console: give it the
        # loop (after the kernel's UART set-up, which drops what came
        # before)
        time.sleep(0.5)
        g.type(b"mkdir -p /data; i=0; while :; do i=$((i+1)); "
               b"seq $((i*40)) > /data/f$i; fsync /data/f$i && "
               b"echo \"fsynced $i\"; done\n")
        first = g.wait_for(b"fsynced 1\r\n", 120)   # ONLCR: "\r\n"
        check("seed %d: the write loop runs" % seed, first is not None,
              g.text())
        deadline = time.time() + rnd.uniform(0.2, 4.0)
        while time.time() < deadline and g.read_some(0.05):
            pass
        g.kill()
        for l in g.text().splitlines():
            if l.startswith("fsynced "):
                done.append(int(l.split()[1]))
        check("seed %d: killed after %d files fsync'ed" % (seed, len(done)),
              ok and len(done) >= 1)
    finally:
        g.kill()
    with open(image + ".fsynced", "w") as f:
        f.write("".join("%d\n" % n for n in done))


def main():
    mode = sys.argv[1]
    if mode == "session":
        session(*sys.argv[2:5])
    elif mode == "poweroff":
        poweroff(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        sys.exit("usage: shelldrive.py session|poweroff KERNEL BOOT IMAGE [SEED]")
    sys.exit(failed)


if __name__ == "__main__":
    main()
