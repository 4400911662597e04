# scripts/kcount.py: the gdb half of scripts/kcount.  Loaded by
# `gdb -batch -x scripts/kcount.py` with its parameters in the
# environment (scripts/kcount sets them):
#   KCOUNT_ELF    the kernel ELF with symbols (build/xok/xok.elf)
#   KCOUNT_PORT   the TCP port of QEMU's gdbstub (QEMU started with -S)
#   KCOUNT_NUM    the call number (the value of rax, XOK_SYSBASE + n)
#   KCOUNT_NAME   the call's name, for the report
#   KCOUNT_SKIP   how many calls of that number to let pass first
#   KCOUNT_MAX    the most single steps to take
#   KCOUNT_TOP    how many functions to list (0: all)
#   KCOUNT_IF     an extra gdb condition for the stop ("" for none),
#                 on the user's registers at syscall_entry
#   KCOUNT_REP    1: set xok_rep_strings at the stop, as the kernel
#                 does at boot under KVM (lib/string.c: memcpy and
#                 memset of 256 bytes and more become rep movsq/stosq)
#   KCOUNT_OUT    the file the table is written to
# It stops at syscall_entry (xok/arch/x86_64/trapentry.S) on the
# chosen call, then single-steps the kernel until the CPU is back in
# user mode (or the step limit), counting the steps by the function
# that holds the instruction, and prints a table.  The steps go
# through gdb's remote connection as raw packets (one "s", one "p"
# for rip): gdb's own stepi unwinds the frame at every stop and is
# several times slower.  QEMU's gdbstub steps with interrupts and
# timers masked, so the count is the call's own code.  Under TCG a
# string instruction with a rep prefix stops once per iteration; those
# repeats (a step at the same pc on an f2 or f3 prefix) are counted
# apart, and steps at the same pc that ran nothing are not counted.
import bisect
import os
import subprocess
import sys
import time

import gdb

USER_TOP = 0x0000800000000000   # below: user addresses (canonical low half)
RIP = 16                        # rip's number in QEMU's x86-64 gdb layout


def env(name, default=None):
    v = os.environ.get(name, default)
    if v is None:
        sys.stderr.write("kcount.py: %s not set\n" % name)
        gdb.execute("kill")
        raise SystemExit(2)
    return v


def symbols(elf):
    """The text symbols of elf, sorted: (addresses, names)."""
    out = subprocess.run(["nm", "-n", elf], check=True,
                         capture_output=True, text=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        f = line.split()
        if len(f) != 3 or f[1] not in "tTwW":
            continue
        a = int(f[0], 16)
        if addrs and addrs[-1] == a:
            continue            # an alias: keep the first name
        addrs.append(a)
        names.append(f[2])
    return addrs, names


def main():
    elf = env("KCOUNT_ELF")
    port = env("KCOUNT_PORT")
    num = int(env("KCOUNT_NUM"), 0)
    name = env("KCOUNT_NAME", "call %#x" % num)
    skip = int(env("KCOUNT_SKIP", "0"))
    maxsteps = int(env("KCOUNT_MAX", "2000000"))
    top = int(env("KCOUNT_TOP", "40"))
    cond = env("KCOUNT_IF", "")
    rep = env("KCOUNT_REP", "0") == "1"
    out = open(env("KCOUNT_OUT"), "w")
    addrs, names = symbols(elf)

    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    gdb.execute("file " + elf, to_string=True)
    gdb.execute("target remote localhost:" + port, to_string=True)
    # A hardware breakpoint: QEMU loads the kernel after the reset, over
    # any software breakpoint written into its memory now.
    gdb.execute("hbreak *syscall_entry", to_string=True)
    bp = gdb.breakpoints()[-1]
    bp.condition = "$rax == %d" % num + (" && (%s)" % cond if cond else "")
    bp.ignore_count = skip
    t0 = time.time()
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error as e:
        out.write("kcount: the guest ended before call %s number %d (%s)\n"
                  % (name, skip + 1, e))
        raise SystemExit(1)
    pc = int(gdb.parse_and_eval("$pc")) & 0xffffffffffffffff
    rax = int(gdb.parse_and_eval("$rax")) & 0xffffffffffffffff
    if pc != addrs[names.index("syscall_entry")] or rax != num:
        out.write("kcount: the guest stopped elsewhere (pc %#x) before "
                  "call %s number %d\n" % (pc, name, skip + 1))
        raise SystemExit(1)
    args = [int(gdb.parse_and_eval("$" + r)) & 0xffffffffffffffff
            for r in ("rdi", "rsi", "rdx", "r10", "r8", "r9")]
    bp.delete()
    if rep:
        gdb.execute("set var xok_rep_strings = 1")
    t1 = time.time()

    conn = gdb.selected_inferior().connection
    send = conn.send_packet
    counts = {}
    repeats = {}
    stalls = 0
    reps = {}

    def isrep(a):
        """Does the instruction at a carry a rep prefix (f2, f3), before
        any REX byte?"""
        if a not in reps:
            b = bytes.fromhex(send("m%x,4" % a).decode())
            i = 0
            while i < len(b) and b[i] in (0x66, 0x67, 0x2e, 0x3e, 0x26,
                                          0x64, 0x65, 0x36):
                i += 1
            reps[a] = i < len(b) and b[i] in (0xf2, 0xf3)
        return reps[a]
    steps = 0
    back = False
    prev = None
    while steps < maxsteps:
        if pc == prev and isrep(pc):
            repeats[pc] = repeats.get(pc, 0) + 1
        elif pc == prev:
            stalls += 1
        else:
            counts[pc] = counts.get(pc, 0) + 1
        prev = pc
        r = send("s")
        if not r.startswith(b"T") and not r.startswith(b"S"):
            out.write("kcount: step refused: %r\n" % r)
            break
        steps += 1
        v = send("p%x" % RIP).decode()
        pc = int.from_bytes(bytes.fromhex(v), "little")
        if pc < USER_TOP:
            back = True
            break
    t2 = time.time()

    byfn = {}
    repfn = {}
    for d, acc in ((counts, byfn), (repeats, repfn)):
        for a, c in d.items():
            i = bisect.bisect_right(addrs, a) - 1
            fn = names[i] if i >= 0 else "?"
            acc[fn] = acc.get(fn, 0) + c
    insns = sum(counts.values())
    nrep = sum(repeats.values())
    def pr(line):
        out.write(line + "\n")

    pr("kcount: %s (%#x), call %d of that number, args %s" %
          (name, num, skip + 1, " ".join("%#x" % a for a in args)))
    if rep:
        pr("kcount: xok_rep_strings set (the KVM string paths)")
    if back:
        pr("kcount: back in user mode at %#x" % pc)
    else:
        pr("kcount: STOPPED after %d steps (--max), not back in user "
              "mode" % steps)
    pr("kcount: %d instructions (%d distinct pcs) + %d rep iterations; "
       "%.1f s to reach the call, %.1f s stepping" %
       (insns, len(counts), nrep, t1 - t0, t2 - t1))
    if stalls:
        pr("kcount: (%d steps of QEMU's that ran no instruction, not "
           "counted)" % stalls)
    pr("%10s %6s  %s" % ("insns", "share", "function"))
    rows = sorted(byfn.items(), key=lambda kv: -kv[1])
    for fn, c in rows[:top] if top > 0 else rows:
        extra = " (+%d rep)" % repfn[fn] if fn in repfn else ""
        pr("%10d %5.1f%%  %s%s" % (c, 100.0 * c / max(insns, 1), fn,
                                       extra))
    if top > 0 and len(rows) > top:
        rest = sum(c for _, c in rows[top:])
        pr("%10d %5.1f%%  (%d other functions)" %
              (rest, 100.0 * rest / max(insns, 1), len(rows) - top))
    for fn, c in sorted(repfn.items(), key=lambda kv: -kv[1]):
        if fn not in byfn:
            pr("%10s %6s  %s (+%d rep)" % ("", "", fn, c))


try:
    main()
finally:
    try:
        gdb.execute("kill", to_string=True)
    except gdb.error:
        pass
