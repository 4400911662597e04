#!/usr/bin/env python3
# lwipclient.py: the host side of tests/guest/lwiptest.sh.  Connects to
# the guest's lwIP echo server through QEMU's forwarded port and checks
# every byte that comes back (SHA-256 of what was sent against what was
# received): 1 MiB on one connection, three of 64 KiB one after another,
# two of 256 KiB at once, 512 KiB with the guest's ring stalled ('S'),
# then 'Q'.  Prints PASS/FAIL lines.
#   lwipclient.py PORT
import hashlib, os, socket, sys, threading, time

port = int(sys.argv[1])
fails = 0


def check(name, ok, detail=""):
    global fails
    print(("PASS: host: %s" if ok else "FAIL: host: %s " + detail) % name,
          flush=True)
    if not ok:
        fails += 1


def echo(mode, size, timeout=40):
    """Send mode + size random bytes, read the echo; (ok, detail)."""
    data = mode + os.urandom(size)
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    err = []

    def send():
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            err.append(e)
    t = threading.Thread(target=send)
    t.start()
    h, n = hashlib.sha256(), 0
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            h.update(b)
            n += len(b)
    except OSError as e:
        err.append(e)
    t.join()
    s.close()
    ok = not err and n == len(data) and \
        h.digest() == hashlib.sha256(data).digest()
    return ok, "(got %d of %d bytes%s)" % (n, len(data),
                                          ", " + str(err[0]) if err else "")


# The guest listens once lwIP is up: retry a small echo until it answers.
end = time.time() + 40
while True:
    try:
        ok, _ = echo(b"E", 16, timeout=3)
    except OSError:
        ok = False
    if ok or time.time() > end:
        break
    time.sleep(0.3)
check("the guest's echo server answers", ok)
if not ok:
    sys.exit(1)

t0 = time.time()
ok, d = echo(b"E", 1 << 20)
check("1 MiB echoed intact (%.1f s)" % (time.time() - t0), ok, d)
for i in range(3):
    ok, d = echo(b"E", 64 << 10)
    check("64 KiB echoed intact, connection %d of 3" % (i + 1), ok, d)

res = [None, None]


def run(i):
    try:
        res[i] = echo(b"E", 256 << 10)
    except OSError as e:
        res[i] = (False, str(e))
ts = [threading.Thread(target=run, args=(i,)) for i in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
for i in range(2):
    check("256 KiB echoed intact, concurrent connection %d" % (i + 1),
          res[i][0], res[i][1])

t0 = time.time()
ok, d = echo(b"S", 512 << 10)
check("512 KiB echoed intact across a stalled ring (%.1f s)" %
      (time.time() - t0), ok, d)
try:
    echo(b"Q", 0, timeout=5)
except OSError:
    pass
sys.exit(1 if fails else 0)
