#!/usr/bin/env python3
# txsumcheck.py: the guest's TCP checksums as they reach the wire
# (session 14, transmit checksum offload for lwIP's own segments; run by
# tests/guest/cheetahtap.sh on the host's side of the tap, in its
# namespace).  A raw AF_PACKET socket on the tap reads every frame the
# guest sends, with the kernel's PACKET_AUXDATA: a frame whose sum the
# card is to complete arrives marked TP_STATUS_CSUMNOTREADY (QEMU hands
# the host's kernel the virtio-net header's NEEDS_CSUM: a TSO
# super-frame, or a lone frame the guest asked the card to sum), any
# other must carry a complete, right TCP checksum, which this script
# recomputes (pseudo-header, header, data).  It reads until SIGTERM,
# then prints its checks:
#   txsumcheck.py IFACE GUEST_IP MODE     MODE offload or none
# offload: some frames checked and none wrong, some left to the card;
# none: some checked, none wrong, none left to the card.
import signal
import socket
import struct
import sys

SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_CSUMNOTREADY = 1 << 3


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def main():
    iface, guest, mode = sys.argv[1], socket.inet_aton(sys.argv[2]), \
        sys.argv[3]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((iface, 0))
    s.settimeout(0.5)           # (so that SIGTERM is seen)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    checked = wrong = partial = 0
    first_wrong = None
    print("txsumcheck: reading %s" % iface, flush=True)
    while not stop:
        try:
            data, anc, _, addr = s.recvmsg(1 << 17,
                                           socket.CMSG_SPACE(32))
        except (InterruptedError, socket.timeout):
            continue
        if addr[2] == socket.PACKET_OUTGOING or len(data) < 54:
            continue
        if data[12:14] != b"\x08\x00" or data[23] != 6 or \
                data[26:30] != guest:
            continue
        status = 0
        for lvl, typ, val in anc:
            if lvl == SOL_PACKET and typ == PACKET_AUXDATA:
                status = struct.unpack("I", val[:4])[0]
        if status & TP_STATUS_CSUMNOTREADY:
            partial += 1
            continue
        ihl = (data[14] & 15) * 4
        tl = struct.unpack("!H", data[16:18])[0] - ihl
        seg = data[14 + ihl:14 + ihl + tl]
        pseudo = data[26:34] + struct.pack("!BBH", 0, 6, tl)
        checked += 1
        if csum(pseudo + seg) != 0xffff:
            wrong += 1
            if first_wrong is None:
                first_wrong = seg[:20].hex()
    print("txsumcheck: %d guest TCP frames with their sums checked, %d "
          "wrong%s, %d left to the card" % (
              checked, wrong, " (first header %s)" % first_wrong
              if first_wrong else "", partial))

    def check(what, ok):
        print("%s: host: %s" % ("PASS" if ok else "FAIL", what))
        return ok
    ok = check("the guest's TCP frames reached the wire with right sums "
               "(%d checked, %d wrong)" % (checked, wrong),
               checked > 0 and wrong == 0)
    if mode == "offload":
        ok &= check("some of the guest's TCP sums left to the card (%d)"
                    % partial, partial > 0)
    else:
        ok &= check("no card: no TCP sum left to it (%d)" % partial,
                    partial == 0)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
