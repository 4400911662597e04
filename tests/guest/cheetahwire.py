#!/usr/bin/env python3
# cheetahwire.py: malformed frames sent to Cheetah itself (issue 13,
# "Robustness"), for tests/guest/cheetahclient.py on the tap card
# (tests/guest/cheetahtap.sh sets CHEETAH_TAP to the tap's name).  From
# the host side of the tap, a raw AF_PACKET socket sends frames to the
# guest's MAC and IP: truncated Ethernet, frames too long for the card's
# ring, IP headers with IHL < 5 or past the frame, total lengths past or
# short of the frame, bad IP checksums, a version that is not 4,
# fragments (lone first and last ones, overlapping ones, one past 64
# KiB), TCP data offsets < 5 or past the segment, bad TCP checksums,
# bogus TCP options, SYN+FIN and other flag nonsense, malformed ARP,
# RST storms with wrong sequence numbers on a live connection, and
# segments with bad checksums or lengths that carry a request at the
# live connection's own sequence number, and frames whose TCP sum is
# left partial (NEEDS_CSUM, the host's own frames: completed by the
# guest's kernel with receive checksum offload, by the host's without;
# with padding, which must then not be flagged right).  Before and after
# each case it
# reads Cheetah's counters (/.cheetah/stats, cheetah/wirestats.c, on one
# keep-alive connection, so that it makes no SYN of its own) and checks
# the frames were counted where they should be (the exact number, for
# the drops lwIP or the kernel count), that the SYN guard never saw a
# dropped SYN, that the card was never reset, and that curl still
# fetches a document whose bytes are compared.  docs/CHEETAH.md, "Tests".
import os, random, socket, struct, subprocess, tempfile, time

GUEST_IP = bytes([10, 0, 2, 15])
HOST_IP = bytes([10, 0, 2, 2])
N = 10          # frames per case
# no IP packet got as far as lwIP's IP layer's checks
NOIP = {"ip.drop": 0, "ip.len": 0, "ip.chk": 0, "ip.err": 0}


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip(payload, proto=6, ihl=5, tot=None, bad=False, frag=0x4000,
       ident=1, ver=4, opts=b"", src=HOST_IP, dst=GUEST_IP):
    """An IPv4 header (the checksum over its first 20 + len(opts) bytes,
    whatever ihl says, made wrong if bad) and payload."""
    if tot is None:
        tot = 20 + len(opts) + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", ver << 4 | ihl, 0, tot & 0xffff,
                    ident, frag, 64, proto, 0, src, dst) + opts
    c = csum(h) ^ (0x1234 if bad else 0)
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def tcp(sport, dport, seq, ack, flags, payload=b"", opts=b"", doff=None,
        bad=False, win=65535, src=HOST_IP, dst=GUEST_IP):
    """A TCP segment with its checksum over the pseudo header (wrong if
    bad); doff overrides the data offset (in 32-bit words)."""
    d = (20 + len(opts)) // 4 if doff is None else doff
    h = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff,
                    ack & 0xffffffff, d << 4, flags, win, 0, 0) + opts
    ph = src + dst + struct.pack("!BBH", 0, 6, len(h) + len(payload))
    c = csum(ph + h + payload) ^ (0x4321 if bad else 0)
    return h[:16] + struct.pack("!H", c) + h[18:] + payload


FIN, SYN, RST, PSH, ACK, URG = 1, 2, 4, 8, 16, 32
SOL_PACKET, PACKET_VNET_HDR = 263, 15


def partial(frame, pad=b""):
    """An Ethernet + IPv4 (20 bytes) + TCP frame with the TCP sum made
    partial, as the host's own stack hands it to a tap (the field holds
    the pseudo-header sum, not complemented), and the virtio-net header
    asking for it to be completed (NEEDS_CSUM, csum_start at the TCP
    header, csum_offset 16); pad is added after the datagram."""
    tcplen = len(frame) - 34
    ph = frame[26:34] + struct.pack("!BBH", 0, 6, tcplen)
    s = (~csum(ph)) & 0xffff
    f = frame[:50] + struct.pack("!H", s) + frame[52:] + pad
    return (struct.pack("<BBHHHH", 1, 0, 0, 0, 34, 16), f)


class Wire:
    def __init__(self, iface, port, data, check):
        self.iface, self.port, self.data, self.check = (iface, port, data,
                                                       check)
        self.raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        self.raw.bind((iface, 0))
        with open("/sys/class/net/%s/address" % iface) as f:
            self.hmac = bytes.fromhex(f.read().strip().replace(":", ""))
        self.gmac = None
        with open("/proc/net/arp") as f:
            for l in f.read().splitlines()[1:]:
                w = l.split()
                if w[0] == "10.0.2.15" and w[3] != "00:00:00:00:00:00":
                    self.gmac = bytes.fromhex(w[3].replace(":", ""))
        self.st = None
        self.newconn = 0
        self.sport = 41000 + os.getpid() % 1000

    def eth(self, payload, typ=0x0800, dst=None):
        return (dst or self.gmac) + self.hmac + struct.pack("!H", typ) + \
            payload

    def send(self, frames, gap=0.004):
        for f in frames:
            if isinstance(f, tuple):    # (virtio-net header, frame)
                self.vsend(*f)
            else:
                self.raw.send(f)
            time.sleep(gap)

    def vsend(self, vh, frame):
        """Send frame with a virtio-net header of our own making
        (PACKET_VNET_HDR): the host's kernel hands it to the tap, which
        gives it to QEMU's card as it is when the guest negotiated
        receive checksum offload (else it completes the sum first)."""
        if getattr(self, "vraw", None) is None:
            self.vraw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            self.vraw.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
            self.vraw.bind((self.iface, 0))
        self.vraw.send(vh + frame)

    # ---- the counters, on one keep-alive connection -----------------
    def stats(self):
        req = (b"GET /.cheetah/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        for _ in range(2):
            try:
                if self.st is None:
                    self.st = socket.create_connection(
                        (os.environ.get("CHEETAH_HOST", "127.0.0.1"),
                         self.port), timeout=20)
                    self.newconn += 1
                self.st.sendall(req)
                buf = b""
                while b"\r\n\r\n" not in buf:
                    b = self.st.recv(4096)
                    if not b:
                        raise OSError("closed")
                    buf += b
                h, body = buf.split(b"\r\n\r\n", 1)
                n = int([l.split(b":")[1] for l in h.split(b"\r\n")
                         if l.lower().startswith(b"content-length")][0])
                while len(body) < n:
                    b = self.st.recv(4096)
                    if not b:
                        raise OSError("closed")
                    body += b
                out = {}
                for line in body.decode().splitlines():
                    w = line.split()
                    for kv in w[1:]:
                        k, v = kv.split("=")
                        out[w[0] + "." + k] = int(v)
                return out
            except (OSError, ValueError, IndexError):
                if self.st is not None:
                    self.st.close()
                self.st = None
        return None

    def settle(self, before):
        """The counters once the guest has taken every frame (they stop
        changing), and their differences from before."""
        prev = None
        for _ in range(20):
            time.sleep(0.3)
            now = self.stats()
            if now is None:
                return None, {}
            if prev is not None and all(
                    now[k] == prev[k] for k in now
                    if not k.startswith(("tcp.", "link.", "ip.recv",
                                         "card.frames", "card.deliv",
                                         "netif.frames", "card.csum",
                                         "netif.csum"))):
                break
            prev = now
        return now, {k: now[k] - before.get(k, 0) for k in now}

    def fetch_cmp(self, what, name="odd.bin"):
        """curl fetches a document; its bytes must be the file's."""
        with tempfile.NamedTemporaryFile() as t:
            r = subprocess.run(
                ["curl", "-s", "-f", "--max-time", "20", "-o", t.name,
                 "http://10.0.2.15:%d/%s" % (self.port, name)])
            ok = r.returncode == 0 and open(t.name, "rb").read() == \
                self.data[name]
        self.check("wire: curl and cmp after " + what, ok, r.returncode)

    def case(self, what, frames, want, atleast=(),
             verb="counted as dropped"):
        """Send frames; want: counter -> exact difference; atleast:
        counters that must have grown by at least len(frames)."""
        before = self.stats()
        if before is None:
            self.check("wire: counters before " + what, False)
            return
        self.newconn = 0
        self.send(frames)
        now, d = self.settle(before)
        if now is None:
            self.check("wire: counters after " + what, False)
            return
        want = dict(want)
        want.setdefault("card.resets", 0)
        want.setdefault("card.dead", 0)
        # only SYNs lwIP takes reach the guard; a reconnect of ours is one
        want["guard.syns"] = want.get("guard.syns", 0) + self.newconn
        print("wire: %s: %s" % (what, " ".join(
            "%s+%d" % (k, v) for k, v in sorted(d.items()) if v and not
            k.startswith(("tcp.recv", "ip.recv", "link.recv", "card.fr",
                          "card.deliv", "netif.frames", "card.csum",
                          "netif.csum")))), flush=True)
        bad = {k: (d.get(k), v) for k, v in want.items() if d.get(k) != v}
        bad.update({k: (d.get(k), ">=%d" % len(frames)) for k in atleast
                    if d.get(k, 0) < len(frames)})
        self.check("wire: %s (%d frames) %s" % (what, len(frames), verb),
                   not bad, bad)
        self.fetch_cmp(what)


def live(port):
    """A keep-alive connection that has fetched one document."""
    s = socket.create_connection(
        (os.environ.get("CHEETAH_HOST", "127.0.0.1"), port), timeout=20)
    s.sendall(b"GET /one.txt HTTP/1.1\r\nHost: x\r\n\r\n")
    return s


def read_one(s):
    """One response from s: (status, body); (None, b"") on EOF."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        b = s.recv(65536)
        if not b:
            return None, b""
        buf += b
    h, body = buf.split(b"\r\n\r\n", 1)
    lines = h.decode("latin-1").split("\r\n")
    n = 0
    for l in lines[1:]:
        k, v = l.split(":", 1)
        if k.strip().lower() == "content-length":
            n = int(v)
    while len(body) < n:
        b = s.recv(65536)
        if not b:
            break
        body += b
    return int(lines[0].split()[1]), body


def sniff_seq(w, s):
    """The live connection's sequence numbers, from a frame the host
    sends on it: (host's next sequence, guest's next sequence)."""
    lport = s.getsockname()[1]
    # (ETH_P_ALL: only such sockets see the frames the host sends)
    cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                        socket.htons(0x0003))
    cap.bind((w.iface, 0))
    cap.settimeout(0.2)
    t0 = time.time()
    got = None
    while time.time() - t0 < 5 and got is None:
        # make the host's TCP send something: a request
        s.sendall(b"GET /one.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        t1 = time.time()
        while time.time() - t1 < 1:
            try:
                f = cap.recv(2048)
            except socket.timeout:
                continue
            if len(f) < 54 or f[12:14] != b"\x08\x00" or f[23] != 6:
                continue
            ihl = (f[14] & 15) * 4
            t = f[14 + ihl:]
            sp, dp, seq, ack = struct.unpack("!HHII", t[:12])
            if sp == lport and dp == w.port and f[26:30] == HOST_IP:
                tot = struct.unpack("!H", f[16:18])[0]
                plen = tot - ihl - (t[12] >> 4) * 4
                if plen > 0:    # the request itself, not an ACK before it
                    got = (seq + plen, ack)
        read_one(s)
    cap.close()
    return lport, got


def run(iface, port, data, check):
    w = Wire(iface, port, data, check)
    check("wire: the guest's MAC from the host's ARP table",
          w.gmac is not None)
    if w.gmac is None:
        return
    rnd = random.Random(13)
    sp = w.sport
    syn = tcp(sp, port, 1000, 0, SYN)
    # ---- Ethernet and the card --------------------------------------
    other = bytes([0x02, 0, 0, 0, 0, 0x99])
    w.case("header-only frames to other MACs and to ours",
           [w.eth(b"", 0x0800, other), w.eth(b"", 0x86dd, other),
            w.eth(b"", 0x0800), w.eth(b"", 0x0806), w.eth(b"", 0x1234)] * 2,
           NOIP, atleast=("card.unclaimed",))
    # Longer than the card's 1514 (a VLAN-tagged 1518, a larger MTU's):
    # those that fit the driver's 2,048-byte buffers are dropped and
    # counted, never a reset of the card (before session 10, each reset
    # it, and the ninth left it dead); QEMU drops the ones that do not.
    subprocess.run(["ip", "link", "set", iface, "mtu", "2100"], check=True)
    try:
        w.case("frames of 1515 to 2038 bytes (past the card's 1514)",
               [w.eth(ip(tcp(sp, port, 1, 0, ACK, b"x" * (n - 54))))
                for n in (1515, 1518, 2000, 2038) * 2] +
               [w.eth(ip(tcp(sp, port, 1, 0, ACK, b"x" * 2006)))] * 2,
               dict(NOIP, **{"card.badlen": 8}))
    finally:
        subprocess.run(["ip", "link", "set", iface, "mtu", "1500"])
    # ---- IP ---------------------------------------------------------
    w.case("IHL < 5", [w.eth(ip(syn, ihl=k)) for k in (0, 1, 4)] * 3,
           {"ip.len": 9, "ip.drop": 9, "tcp.chk": 0, "tcp.len": 0})
    w.case("IHL past the frame", [w.eth(ip(syn, ihl=15))] * N,
           {"ip.len": N, "ip.drop": N, "tcp.chk": 0, "tcp.len": 0})
    w.case("total length past the frame",
           [w.eth(ip(syn, tot=t)) for t in (47, 1400, 65535, 600, 61)] * 2,
           {"ip.len": N, "ip.drop": N, "tcp.chk": 0, "tcp.len": 0})
    w.case("total length short of the IP header",
           [w.eth(ip(syn, tot=t)) for t in (0, 1, 10, 19, 12)] * 2,
           {"ip.len": N, "ip.drop": N, "tcp.chk": 0, "tcp.len": 0})
    w.case("total length cutting the TCP header",
           [w.eth(ip(syn, tot=20 + k)) for k in (0, 8, 19, 1, 10)] * 2,
           {"tcp.len": N, "tcp.drop": N, "guard.syns": 0})
    w.case("total length cutting TCP data",
           [w.eth(ip(tcp(sp, port, 7, 0, SYN, b"abcdefgh"), tot=44))] * N,
           {"tcp.chk": N, "tcp.drop": N, "guard.syns": 0})
    w.case("bad IP checksum", [w.eth(ip(syn, bad=True))] * N,
           {"ip.chk": N, "ip.drop": N, "tcp.chk": 0, "tcp.len": 0,
            "guard.syns": 0})
    w.case("IP version 6 in an IPv4 frame", [w.eth(ip(syn, ver=6))] * N,
           {"ip.err": N, "ip.drop": N, "tcp.chk": 0, "tcp.len": 0})
    w.case("IP from a broadcast source",
           [w.eth(ip(syn, src=bytes([10, 0, 2, 255])))] * N,
           {"ip.drop": N, "tcp.chk": 0, "tcp.len": 0,
            "guard.syns": 0})
    # ---- fragments (lwIP reassembles; none of these completes) ------
    body = tcp(sp, port, 5, 0, SYN, b"y" * 64)
    frags = []
    for k in range(2):
        frags += [
            w.eth(ip(body[:32], frag=0x2000, ident=100 + k)),   # MF, first
            w.eth(ip(body[32:], frag=4, ident=200 + k)),       # last alone
            w.eth(ip(body[:40], frag=0x2000, ident=300 + k)),  # overlapping
            w.eth(ip(body[:40], frag=0x2002, ident=300 + k)),
            w.eth(ip(b"z" * 64, frag=0x1fff, ident=400 + k)),  # past 64 KiB
        ]
    w.case("fragments that never complete", frags,
           {"tcp.chk": 0, "tcp.len": 0, "guard.syns": 0},
           atleast=("ipfrag.recv",))
    # ---- TCP --------------------------------------------------------
    w.case("TCP data offset < 5",
           [w.eth(ip(tcp(sp, port, 1, 0, SYN, doff=k))) for k in
            (0, 1, 2, 3, 4)] * 2,
           {"tcp.len": N, "tcp.drop": N, "guard.syns": 0})
    w.case("TCP data offset past the segment",
           [w.eth(ip(tcp(sp, port, 1, 0, SYN, doff=k))) for k in
            (6, 15, 9, 12, 7)] * 2,
           {"tcp.len": N, "tcp.drop": N, "guard.syns": 0})
    w.case("bad TCP checksum (SYNs to port 80)",
           [w.eth(ip(tcp(sp + k, port, k, 0, SYN, bad=True)))
            for k in range(N)],
           {"tcp.chk": N, "tcp.drop": N, "guard.syns": 0})
    w.case("TCP to the broadcast address (no filter takes it)",
           [w.eth(ip(syn, dst=bytes([10, 0, 2, 255])),
                  dst=b"\xff" * 6)] * N,
           dict(NOIP, **{"guard.syns": 0}), atleast=("card.unclaimed",))
    # Bogus options on SYNs lwIP takes (each answered by a SYN-ACK the
    # host's TCP resets: no socket has the port)
    bogus = [b"\x02\x00\x05\xb4", b"\x02\x07\x05\xb4", b"\x02\x03\x05\x00",
             b"\x03\x02\x01\x01", b"\x03\x03\xc8\x01", b"\x04\x05\x00\x00",
             b"\x05\x00\x00\x00", b"\x08\x28\x00\x00", b"\x02\x04\x00\x00",
             b"\x02\x04\x00\x01\x01\x01\x03\x00", b"\x01" * 40,
             b"\xff\xff\x00\x00", b"\x00\x02\x04\x00", b"\x02"]
    bogus = [o + b"\0" * (-len(o) % 4) for o in bogus]
    w.case("SYNs with bogus TCP options",
           [w.eth(ip(tcp(sp + 100 + k, port, rnd.getrandbits(32), 0, SYN,
                         opts=o))) for k, o in enumerate(bogus)],
           {"guard.syns": len(bogus), "tcp.chk": 0, "tcp.len": 0})
    w.case("SYN+FIN, SYN+RST, no flags, every flag",
           [w.eth(ip(tcp(sp + 200 + k, port, 9, 0, f)))
            for k, f in enumerate((SYN | FIN, SYN | RST, 0, 0x3f, URG,
                                   FIN, SYN | FIN | PSH, SYN | RST | ACK,
                                   RST, SYN | FIN))],
           {"guard.syns": 3, "tcp.chk": 0, "tcp.len": 0})
    # ---- partial checksums (receive checksum offload, session 13): the
    # host's stack hands its own frames to the tap with the TCP sum
    # left partial; with GUEST_CSUM the guest's kernel completes it (and
    # flags the slot right), else the host's kernel does.  lwIP takes
    # them either way.  With padding after the datagram the completed
    # sum covers the padding too: wrong, so the kernel must not flag it
    # right; lwIP checks it and drops it.
    w.case("partial TCP sums (NEEDS_CSUM) completed",
           [partial(w.eth(ip(tcp(sp + 300 + k, port, 77 + k, 0, SYN))))
            for k in range(N)],
           {"guard.syns": N, "tcp.chk": 0, "tcp.len": 0, "card.badhdr": 0},
           verb="taken by lwIP and the SYN guard")
    w.case("partial TCP sums with nonzero padding after the datagram",
           [partial(w.eth(ip(tcp(sp + 400 + k, port, 88 + k, 0, SYN))),
                    pad=b"\xab" * 6) for k in range(N)],
           {"tcp.chk": N, "tcp.drop": N, "guard.syns": 0,
            "card.badhdr": 0})
    w.case("malformed ARP",
           [w.eth(struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + w.hmac +
                  HOST_IP + b"\0" * 6 + GUEST_IP, 0x0806)
            for op in (0, 3, 99, 0xffff, 7)] +
           [w.eth(struct.pack("!HHBBH", 9, 0x86dd, 0, 0, 1) + b"\0" * 20,
                  0x0806)] * 5,
           NOIP)

    # ---- a live connection: RSTs with wrong sequence numbers, and
    # requests at its sequence number in segments lwIP must drop -----
    s = live(port)
    st, b = read_one(s)
    check("wire: a live keep-alive connection", st == 200 and b == b"x", st)
    lport, seqs = sniff_seq(w, s)
    check("wire: its sequence numbers, seen on the tap", seqs is not None)
    if seqs is None:
        return
    hseq, gseq = seqs
    rst = []
    for k in range(200):
        off = rnd.choice((rnd.randint(1, 4 * 1460 - 1),         # in window
                          -rnd.randint(1, 1 << 30),             # behind
                          rnd.randint(1 << 20, 1 << 30)))       # far ahead
        rst.append(w.eth(ip(tcp(lport, port, hseq + off, 0, RST))))
        rst.append(w.eth(ip(tcp(lport, port, hseq + off, gseq, RST | ACK))))
    rst.append(w.eth(ip(tcp(lport, port, hseq, gseq, RST, bad=True))))
    rst.append(w.eth(ip(tcp(lport, port, hseq, gseq, RST), bad=True)))
    w.send(rst, gap=0.001)
    fake = b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"
    inject = [
        w.eth(ip(tcp(lport, port, hseq, gseq, ACK | PSH, fake, bad=True))),
        w.eth(ip(tcp(lport, port, hseq, gseq, ACK | PSH, fake), bad=True)),
        w.eth(ip(tcp(lport, port, hseq, gseq, ACK | PSH, fake, doff=15))),
        w.eth(ip(tcp(lport, port, hseq, gseq, ACK | PSH, fake, doff=3))),
        w.eth(ip(tcp(lport, port, hseq, gseq, ACK | PSH, fake),
                 tot=40 + len(fake) + 200)),
        w.eth(ip(tcp(lport, port, hseq, gseq, ACK | PSH, fake),
                 frag=0x2000, ident=77)),
    ]
    w.send(inject)
    time.sleep(0.5)
    try:
        s.sendall(b"GET /data.json HTTP/1.1\r\nHost: x\r\n\r\n")
        st, b = read_one(s)
    except OSError as e:
        st, b = str(e), b""
    check("wire: 402 RSTs with wrong sequence numbers or checksums, and "
          "6 malformed segments with a request at its sequence number: "
          "the live connection answers its own next request",
          st == 200 and b == data["data.json"], st)
    s.close()
    if w.st is not None:
        w.st.close()
    w.raw.close()
    if getattr(w, "vraw", None) is not None:
        w.vraw.close()
