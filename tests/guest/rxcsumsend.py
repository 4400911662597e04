#!/usr/bin/env python3
# rxcsumsend.py: the host's side of tests/guest/rxcsum.sh, run inside
# the script's network namespace: waits for rxcsumtest.elf's "ready"
# line in the guest's output (its MAC address), gives the host a static
# neighbour entry for the guest, and sends UDP datagrams to 10.0.2.15
# port 7777 tagged by their first payload byte (rxcsumtest.c says what
# each tag must look like on arrival): A from a socket (the host's
# stack: partial sums when the card has receive checksum offload), B
# and X raw with right and wrong sums, C and P raw with a partial sum
# and a virtio-net header asking for it to be completed (P with nonzero
# padding after the datagram), then E, the end, a few times.
import random, re, socket, struct, subprocess, sys, time
from cheetahwire import csum    # (the same directory)

GUEST, HOST, PORT = "10.0.2.15", "10.0.2.2", 7777
SOL_PACKET, PACKET_VNET_HDR = 263, 15
NA, NB, NX, NC, NP = 20, 10, 10, 10, 5      # rxcsumtest.c's counts


def udp_frame(gmac, hmac, payload, mode):
    """Ethernet + IPv4 + UDP 41000 -> 7777 with payload; mode "right",
    "wrong" or "partial" (the pseudo-header sum, not complemented)."""
    src, dst = socket.inet_aton(HOST), socket.inet_aton(GUEST)
    ulen = 8 + len(payload)
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 1, 0x4000, 64,
                      17, 0, src, dst)
    iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
    ph = src + dst + struct.pack("!BBH", 0, 17, ulen)
    u = struct.pack("!HHHH", 41000, PORT, ulen, 0) + payload
    if mode == "partial":
        c = ~csum(ph) & 0xffff
    else:
        c = csum(ph + u) or 0xffff
        if mode == "wrong":
            c ^= 0x0101
    u = u[:6] + struct.pack("!H", c) + u[8:]
    return gmac + hmac + b"\x08\x00" + iph + u


def main(iface, outfile):
    t0 = time.time()
    gmac = None
    while time.time() - t0 < 100 and gmac is None:
        try:
            m = re.search(r"rxcsum: ready mac ([0-9a-f:]{17})",
                          open(outfile, errors="replace").read())
        except OSError:
            m = None
        if m:
            gmac = bytes.fromhex(m.group(1).replace(":", ""))
        else:
            time.sleep(0.2)
    if gmac is None:
        print("rxcsumsend: the guest never said ready")
        return 1
    subprocess.run(["ip", "neigh", "replace", GUEST, "lladdr",
                    gmac.hex(":"), "dev", iface, "nud", "permanent"],
                   check=True)
    with open("/sys/class/net/%s/address" % iface) as f:
        hmac = bytes.fromhex(f.read().strip().replace(":", ""))
    rnd = random.Random(13)
    body = lambda tag: tag + bytes(rnd.getrandbits(8) for _ in
                                   range(rnd.randint(0, 1400)))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    raw.bind((iface, 0))
    vraw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    vraw.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    vraw.bind((iface, 0))
    needs = struct.pack("<BBHHHH", 1, 0, 0, 0, 34, 6)  # NEEDS_CSUM, UDP
    for _ in range(NA):
        s.sendto(body(b"A"), (GUEST, PORT))
        time.sleep(0.01)
    for _ in range(NB):
        raw.send(udp_frame(gmac, hmac, body(b"B"), "right"))
        time.sleep(0.01)
    for _ in range(NX):
        raw.send(udp_frame(gmac, hmac, body(b"X"), "wrong"))
        time.sleep(0.01)
    for _ in range(NC):
        vraw.send(needs + udp_frame(gmac, hmac, body(b"C"), "partial"))
        time.sleep(0.01)
    for _ in range(NP):
        vraw.send(needs + udp_frame(gmac, hmac, body(b"P"), "partial") +
                  b"\xab" * 6)
        time.sleep(0.01)
    time.sleep(0.5)
    for _ in range(5):
        s.sendto(b"E", (GUEST, PORT))
        time.sleep(0.3)
    print("rxcsumsend: sent A %d, B %d, X %d, C %d, P %d and the end" %
          (NA, NB, NX, NC, NP))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
