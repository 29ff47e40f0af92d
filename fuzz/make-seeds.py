#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target (fuzz/corpus/TARGET/): a few
well-formed conversations, each in the input format its target reads (see
the comment at the top of fuzz/TARGET.c). Run again after a format change."""
import os
import struct

top = os.path.dirname(os.path.abspath(__file__))
MAGIC, VERSION = 0x584F5553, 1
HELLO_P, HELLO_T, SYSCALL, RESULT, CTL = 1, 2, 5, 6, 7
PAGE = 4096


def frame(type_, w=(), tid=0, flags=0, mem_offset=0, mem_size=0, name=b""):
    w = list(w) + [0] * (8 - len(w))
    return struct.pack("<IHHII8QQQ32s", MAGIC, VERSION, type_, tid, flags,
                       *w, mem_offset, mem_size, name)


def write(target, name, data):
    d = os.path.join(top, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- broker: mode byte (bit 0: hello), then (selector, 128-byte frame)*.
# Selector: bits 0-1 the socket (0 process, 1 and 2 threads), 0x40 attach
# a memory object.
SID = (0x11111111, 0x22222222, 0x33333333, 0x44444444)


def sc(sock, *w, sel=0, flags=0):
    return bytes([sock | sel]) + frame(SYSCALL, w, tid=sock + 1, flags=flags)


write("broker", "scalar-round-trip", bytes([1]) +
      sc(1, 14, *SID) +                       # CreateServerWithAddress
      sc(2, 17, *SID) +                       # Connect
      sc(2, 16, 2, 5, 7, 1, 2, 3, 4) +        # SendMessage BlockingScalar
      sc(1, 15, *SID) +                       # ReceiveMessage
      sc(1, 26, 0, 99) +                      # ReturnScalar1 (sender unknown)
      sc(1, 34, *SID))                        # DestroyServer
write("broker", "lend-with-memory", bytes([1]) +
      sc(1, 14, *SID) + sc(2, 25, *SID) +
      sc(2, 16, 2, 1, 9, 0x10000, PAGE, 0, PAGE, sel=0x40,
         flags=1) +                            # MutableLend with an object
      sc(1, 28, *SID) +                       # TryReceiveMessage
      sc(1, 20, 0, 0x10000, PAGE, 0, 0))      # ReturnMemory
write("broker", "servers-and-ids", bytes([1]) +
      sc(1, 29) + sc(1, 31) + sc(2, 33) + sc(2, 32) +
      sc(1, 30, 2, *SID) + sc(2, 35, 2) + sc(1, 41, 0, 0, 0, 0, 0, 0, 0))
write("broker", "control-requests", bytes([0]) +
      b"".join(bytes([0]) + frame(CTL, (c, 0)) for c in (1, 2, 3, 6)) +
      bytes([1]) + frame(CTL, (4, 99)))
write("broker", "hello-then-garbage", bytes([0]) +
      bytes([0]) + frame(HELLO_P, name=b"seed") +
      bytes([1]) + frame(HELLO_T, (2,), tid=2) +
      bytes([2]) + b"\xff" * 128)

# ---- hosted: call byte (0 receive, 1 try-receive, 2 try-connect,
# 3 blocking scalar, 4 mutable lend), selector byte (0x10 a good header,
# 0x20 an envelope, 0x40 + n: a memory object of n%4+1 pages), frame.
ENV, SCALAR1, SCALAR2, CONN, RETURNED, ERROR = 9, 14, 15, 7, 18, 1
write("hosted", "receive-lend", bytes([0, 0x50]) + frame(
    RESULT, (ENV, 0x02000001, 1, 3, 0, PAGE, 0, PAGE), flags=1))
write("hosted", "receive-mutable-lend", bytes([0, 0x50]) + frame(
    RESULT, (ENV, 0x02000001, 0, 3, 0, PAGE, 0, 0), flags=1))
write("hosted", "receive-send", bytes([0, 0x51]) + frame(
    RESULT, (ENV, 0x02000001, 2, 3, 0, 2 * PAGE, 0, 0), flags=1))
write("hosted", "receive-scalar", bytes([1, 0x10]) + frame(
    RESULT, (ENV, 0x02000001, 4, 3, 1, 2, 3, 4)))
write("hosted", "connect", bytes([2, 0x10]) + frame(RESULT, (CONN, 2)))
write("hosted", "scalar-answer", bytes([3, 0x10]) + frame(
    RESULT, (SCALAR2, 5, 6)))
write("hosted", "lend-returned", bytes([4, 0x10]) + frame(
    RESULT, (RETURNED, 0, 16)))
write("hosted", "error", bytes([0, 0x10]) + frame(RESULT, (ERROR, 15)))


# ---- ring: a client PID byte per ring (three), then operations: an op
# byte (low nibble the operation, high nibble its argument, whose bits 0-2
# pick the ring, mod 3) and the bytes it reads (the comment at the top of
# fuzz/ring.c). A ring's keys start at its PID << 16 and count its cells;
# an object sent without a key of its own names the next cell.
(R_CELL, R_RAW, R_OBJECT, R_READY, R_WORD, R_GEN, R_DEAD, R_REMAKE,
 R_RECEIVE, R_GIVE, R_SWEEP, R_POKE_RING, R_POKE_PAGE, R_FLOOD) = (
    0, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15)
LEND_MUT, LEND, SEND, SCALAR, BLOCKING = 1, 2, 3, 4, 5
PIDS = bytes([2, 5, 200])


def r_op(op, arg=0):
    return bytes([op | arg << 4])


def r_cell(kind, ring=0, tid=0, token=0, id_=1, args=(0, 0, 0, 0),
           broker=False, broker_token=False, key=None, seq=None,
           silent=False, pages=1):
    kb = kind | (0x80 if broker else 0) | (0x40 if broker_token else 0)
    kb |= (0x20 if key is not None else 0) | (0x08 if seq is not None else 0)
    out = r_op(R_CELL, ring | (8 if silent else 0)) + bytes([kb, tid])
    out += struct.pack("<HB", token, id_)
    if kind in (LEND_MUT, LEND, SEND):
        # Offset 0; a length byte with its top bit set asks for more pages.
        out += bytes([0, 0x80 | (pages - 1) if pages > 1 else 0, 0, 0])
    else:
        out += struct.pack("<4Q", *args)
    if key is not None:
        out += struct.pack("<I", key)
    if seq is not None:
        out += struct.pack("<I", seq)
    return out


def r_object(ring=0, fds=1, pages=1, seals=0, eventfd=False, copies=0,
             key=None, note=None):
    # seals: 0 shrink (as a client's memory), 1 none, 2 shrink and write,
    # 3 shrink only. copies: 2 * copies more datagrams, keys counting up.
    sel = fds | (pages - 1) << 2 | seals << 4
    sel |= (0x40 if note is not None else 0) | (0x80 if key is not None else 0)
    out = r_op(R_OBJECT, ring) + bytes([sel, int(eventfd) | copies << 2])
    if note is not None:
        length, magic, more = note
        out += bytes([length]) + struct.pack("<I", magic)
        out += more.ljust(8, b"\0")
    if key is not None:
        out += struct.pack("<I", key)
    return out


def r_receive(fetch=0, fetch_kind=0, fetch_pages=1, return_error=False):
    # fetch: how the broker answers FETCH (0 ProcessNotFound, 1
    # InternalError, 2 a relayed message of fetch_kind, 0-based).
    return (r_op(R_RECEIVE, fetch | (4 if return_error else 0)) +
            bytes([fetch_kind | (fetch_pages - 1) << 2]))


def r_give(j=0, how=0):
    # how & 3: 0 right, 1 wrong sender (bit how >> 2 flipped), 2 wrong
    # length, 3 wrong kind of answer.
    return r_op(R_GIVE) + bytes([j, how])


def r_word(field, value):
    # field: 0 bell, 1 pending, 2 trace, 3 sleepers, 4 space_waiters,
    # 5 served.
    return r_op(R_WORD, field) + struct.pack("<I", value)


def r_gen(value, ring=None, pid=0):
    if ring is not None:
        return r_op(R_GEN, ring) + bytes([0x80]) + struct.pack("<I", value)
    return r_op(R_GEN) + bytes([0, pid]) + struct.pack("<I", value)


def r_remake(ring, drop=False, no_sock=False):
    # The ring is (arg & 7) % 3; 8 drops it, 4 remakes it without socket.
    if no_sock:
        return r_op(R_REMAKE, 4 | (ring + 2) % 3)
    return r_op(R_REMAKE, ring | (8 if drop else 0))


def r_poke_page(offset, value):
    return r_op(R_POKE_PAGE) + struct.pack("<HI", offset, value)


write("ring", "scalars", PIDS +
      r_cell(SCALAR, ring=0, id_=3, args=(1, 2, 3, 4)) +
      r_cell(BLOCKING, ring=1, tid=1, token=7, id_=4) +
      r_receive() + r_receive() + r_give() + r_give() + r_receive())
write("ring", "lends-and-a-send", PIDS +
      r_object(ring=0) + r_cell(LEND_MUT, ring=0, tid=0, token=1) +
      r_object(ring=0) + r_cell(LEND, ring=0, tid=1, token=2) +
      r_object(ring=1, pages=2) + r_cell(SEND, ring=1, pages=2) +
      r_receive() + r_receive() + r_receive() +
      r_give() + r_give() + r_give())
write("ring", "relayed-by-the-broker", PIDS +
      r_word(2, 1) +                                   # a trace: events
      r_cell(SCALAR, ring=2, broker=True) +
      r_cell(BLOCKING, ring=2, token=1, broker=True, broker_token=True) +
      r_cell(LEND, ring=2, token=2, broker=True, broker_token=True) +
      r_cell(SEND, ring=2, token=3, broker=True, broker_token=True) +
      r_cell(LEND_MUT, ring=2, token=4, broker=True, broker_token=True) +
      r_cell(LEND, ring=2, token=5, broker=True, broker_token=True) +
      r_receive() + r_receive() +
      r_receive(fetch=2, fetch_kind=1) +               # the Lend, relayed
      r_receive(fetch=1) +                             # InternalError
      r_receive(fetch=2, fetch_kind=0, fetch_pages=2) +
      r_receive(fetch=0) +                             # nothing by that name
      r_give(0) + r_give(0) + r_give(0) + r_give(0))
write("ring", "wrong-answers", PIDS +
      r_object(ring=0) + r_cell(LEND, ring=0, tid=2, token=9) +
      r_cell(BLOCKING, ring=1, tid=3 | 0x40, token=10) +  # caller asleep
      r_receive() + r_receive(return_error=True) +
      r_give(0, 1 | 3 << 2) + r_give(0, 2) + r_give(0, 3) +
      r_give(1, 1 | 32 << 2) + r_give(1, 2) + r_give(1, 3) +
      r_give(0) + r_give(0))
write("ring", "hostile-hints", PIDS +
      r_cell(SCALAR, ring=0) + r_receive() +
      r_op(R_READY) + bytes([1]) + struct.pack("<Q", 0xffffffffffffffff) +
      r_poke_page(64, 0xffffffff) +                    # the bell
      r_word(1, 0xffffffff) +                          # pending
      r_gen(77, pid=9) + r_gen(1234, ring=1) +
      r_cell(BLOCKING, ring=0, tid=40) +               # no such answer slot
      r_cell(7, ring=0) +                              # no such kind
      r_cell(SCALAR, ring=0, seq=999) +                # a seq out of turn
      r_op(R_RAW, 1) + b"\xff" * 64 + bytes([0]) +
      r_op(R_SWEEP) + r_receive() + r_receive() +
      r_remake(0) + r_remake(2, drop=True) + r_remake(1, no_sock=True) +
      r_cell(SCALAR, ring=1) + r_cell(SCALAR, ring=0) +
      r_op(R_SWEEP) + r_receive() + r_receive() + r_give() +
      r_op(R_DEAD, 1) + r_receive() + r_op(R_DEAD, 0) + r_receive())
write("ring", "strays-in-the-socket", PIDS +
      r_object(ring=0, fds=0) +                        # no object
      r_object(ring=0, fds=2) +                        # two
      r_object(ring=0, seals=1, key=0x777) +           # may shrink
      r_object(ring=0, eventfd=True, key=0x777) +      # no memory
      r_object(ring=0, note=(3, 0x58534f42, b"")) +    # cut short
      r_object(ring=0, note=(8, 0x12345678, b"")) +    # a wrong magic
      r_object(ring=0, note=(16, 0x58534f42, b"x")) +  # too long
      r_object(ring=0, key=0x1000, copies=40) +        # 81 that no cell names
      r_object(ring=0, pages=4, seals=2) +
      r_cell(LEND_MUT, ring=0, pages=4) +              # write-sealed: no map
      r_object(ring=0) +
      r_cell(LEND, ring=0, tid=1, key=0x1234) +        # not its key
      r_object(ring=0) +
      r_cell(LEND, ring=0, tid=1 | 0x40, pages=2) +    # more than it holds
      r_object(ring=0, pages=2) +
      r_cell(LEND, ring=0, tid=2, pages=2) +
      r_receive() + r_receive() + r_receive() + r_give())
write("ring", "full-slot-table", PIDS +
      r_op(R_FLOOD, 0) + bytes([128]) + bytes(128) +
      r_op(R_FLOOD, 1) + bytes([5]) + bytes(5) +
      r_give(0) + r_receive() + r_give(3, 1 << 4) + r_give(7, 2 << 4) +
      r_op(R_SWEEP) + r_receive())

# ---- servers: split byte (where the kernel's answers begin, /256), then
# envelopes: kind byte (kind%5: 0 MutableLend .. 4 BlockingScalar; bits
# 3-4 pages-1; bits 5-7 PID-2), id byte, sender u16; for a scalar four u64
# arguments, for memory fill u16, offset u64, valid u64 and fill bytes (the
# order fk_envelope() reads them in).
def kind_byte(kind, pid):
    # The smallest byte whose top bits say the PID and whose value mod 5
    # says the kind (the page count follows from it).
    return next(b for b in range(pid << 5, (pid + 1) << 5) if b % 5 == kind)


def scalar(id_, *args, blocking=True, pid=0):
    args = list(args) + [0] * (4 - len(args))
    return struct.pack("<BBH4Q", kind_byte(4 if blocking else 3, pid), id_, 1,
                       *args)


def memory(id_, payload, kind=0, pid=0, valid=0, offset=0):
    return struct.pack("<BBHHQQ", kind_byte(kind, pid), id_, 1, len(payload),
                       offset, valid) + payload


# rkyv 0.8 archives of the real xous-names (include/xous/names.h): the
# String's bytes first when longer than 8, then the root.
def rk_string_parts(name):
    if len(name) <= 8:
        return b"", lambda at: name + b"\xff" * (8 - len(name))
    deps = name + b"\x00" * (-len(name) % 4)
    n = len(name)
    enc = (n & 0x3f) | 0x80 | ((n & ~0x3f) << 2)
    return deps, lambda at: struct.pack("<Ii", enc, -at)


def rk_string(name):
    deps, repr_ = rk_string_parts(name)
    return deps + repr_(len(deps))


def rk_registration(name, limit=None):
    deps, repr_ = rk_string_parts(name)
    opt = struct.pack("<BxxxI", 0, 0) if limit is None else \
        struct.pack("<BxxxI", 1, limit)
    return deps + repr_(len(deps)) + opt


def rk_disconnect(name, token):
    deps, repr_ = rk_string_parts(name)
    return deps + repr_(len(deps)) + struct.pack("<4I", *token)


def raw_connect(name):
    return name.ljust(64, b"\x00") + struct.pack("<I", len(name))


def rkyv_msg(id_, archive, pid=0):
    return memory(id_, archive, pid=pid, valid=4096, offset=len(archive))


write("names", "register-lookup-disconnect", bytes([240]) +
      rkyv_msg(0, rk_registration(b"xous-seed", 2)) +
      rkyv_msg(1, rk_string(b"xous-seed"), pid=1) +
      memory(7, raw_connect(b"xous-seed"), pid=2, valid=9) +
      rkyv_msg(4, rk_disconnect(b"xous-seed", (1, 2, 3, 4)), pid=1) +
      scalar(3, 1, 2, 3, 4))
write("names", "wait-for-a-name", bytes([240]) +
      memory(6, raw_connect("名前".encode()), valid=6) +
      rkyv_msg(0, rk_registration("名前".encode()), pid=1) +
      scalar(5))
write("names", "bad-archives", bytes([250]) +
      rkyv_msg(1, b"\x89\x00\x00\x00\xfc\xff\xff\xff") +
      rkyv_msg(0, rk_registration(b"hello-example-sv", 1)[:20]) +
      rkyv_msg(2, rk_string(b"a\x00b")) + memory(1, b"", kind=1) +
      memory(6, raw_connect(b"\xc0\xaf"), valid=2))

# rkyv: a selector byte (which decoder), then the archive.
for i, archive in enumerate([rk_registration(b"counter"),
                             rk_registration(b"hello-example-sv", 1),
                             rk_string(b"nobody-here"),
                             rk_disconnect(b"one-only", (1, 2, 3, 4))]):
    write("rkyv", "archive-%d" % i, bytes([i]) + archive)


# ticktimer: split, clock u32, self-pid byte, then (step byte, envelope)*.
write("ticktimer", "sleep-and-time", bytes([240]) + struct.pack("<IB", 0, 0) +
      b"\x00" + scalar(0) + b"\x00" + scalar(1, 10) +
      b"\x20" + scalar(0) + b"\x00" + scalar(4, blocking=False) +
      b"\x00" + memory(5, b""))
write("ticktimer", "mutex", bytes([240]) + struct.pack("<IB", 5, 0) +
      b"\x00" + scalar(6, 42) + b"\x00" + scalar(6, 42, pid=1) +
      b"\x00" + scalar(7, 42, blocking=False) + b"\x00" +
      scalar(7, 42, blocking=False) + b"\x00" + scalar(10, 42))
write("ticktimer", "condvar", bytes([240]) + struct.pack("<IB", 5, 0) +
      b"\x00" + scalar(8, 7, 0) + b"\x00" + scalar(8, 7, 20) +
      b"\x00" + scalar(9, 7, 1) + b"\x30" + scalar(11, 7) +
      b"\x00" + scalar(2, blocking=False))


# log: split, level byte, then envelopes.
def record(level, text, module=b"seed", file=b"seed.c", line=1):
    return struct.pack("<I128sII128sII", len(file), file, line, len(module),
                       module, level, len(text)) + text


write("log", "records", bytes([240, 5]) +
      memory(0, record(3, b"hello"), kind=1) +
      memory(0, record(1, b"two\nlines\x1b[0m"), kind=1, pid=1) +
      memory(0, record(9, b"bad level"), kind=1) +
      memory(0, record(3, b"nul\x00inside"), kind=0))
write("log", "raw-output", bytes([240, 3]) +
      memory(1, b"to stdout\n", kind=1, valid=10) +
      memory(2, b"to stderr\n", kind=2, valid=10) +
      scalar(0) + scalar(1, blocking=False))


# pddb: split, then (step byte, envelope, and for memory a u16 count and
# that many data bytes at offset 1024 of the buffer)*. Step bits: 1 sync
# when dirty, 2 restart, 4 fill the handle table. The envelope's fill is
# the 304-byte request header (include/xous/pddb.h).
(P_CREATE, P_UNLOCK, P_LOCK, P_DELBASIS, P_BASES, P_DICTS, P_KEYS, P_OPEN,
 P_READ, P_WRITE, P_TRUNC, P_STAT, P_CLOSE, P_DELKEY, P_DELDICT,
 P_SYNC) = range(1, 17)
H1, H2 = 1 << 10, 2 << 10 | 1  # the first two handles of a fresh image


def pddb_hdr(handle=0, flags=0, offset=0, length=0, count=0, basis=b"",
             dict_=b"", key=b"", lens=None):
    bl, dl, kl = lens or (len(basis), len(dict_), len(key))
    return struct.pack("<IIQIHHHHI64s112s96s", handle, flags, offset, length,
                       bl, dl, kl, 0, count, basis, dict_, key)


def pddb_req(op, step=0, data=b"", pid=0, kind=0, **hdr):
    hdr.setdefault("length", len(data))
    # Trailing zeros of the header are left to the zero fill.
    head = pddb_hdr(**hdr).rstrip(b"\0")
    return (bytes([step]) + memory(op, head, kind=kind, pid=pid) +
            struct.pack("<H", len(data)) + data)


def pddb_seed(name, msgs, answers=b""):
    # The split byte puts exactly the messages before the kernel's answers.
    k = len(answers)
    while (len(msgs) + k) * 240 // 256 != len(msgs):
        k += 1
    write("pddb", name, bytes([240]) + msgs + answers.ljust(k, b"\0"))


pddb_seed("system-basis-keys",
          pddb_req(P_OPEN, dict_=b"d", key=b"k", flags=1) +
          pddb_req(P_WRITE, handle=H1, data=b"hello, pddb") +
          pddb_req(P_READ, handle=H1, offset=2, count=100) +
          pddb_req(P_STAT, handle=H1) +
          pddb_req(P_TRUNC, handle=H1, offset=3) +
          pddb_req(P_READ, step=1, handle=H1, count=100) +
          pddb_req(P_DICTS) +
          pddb_req(P_KEYS, dict_=b"d") +
          pddb_req(P_CLOSE, handle=H1) +
          pddb_req(P_OPEN, step=2, dict_=b"d", key=b"k", flags=2) +
          pddb_req(P_DELKEY, dict_=b"d", key=b"k") +
          pddb_req(P_DELDICT, dict_=b"d") +
          pddb_req(P_SYNC))
pddb_seed("secret-basis",
          pddb_req(P_CREATE, basis=b"sec", data=b"pw") +
          pddb_req(P_BASES) +
          pddb_req(P_OPEN, basis=b"sec", dict_=b"d", key=b"k", flags=1) +
          pddb_req(P_WRITE, handle=H1, offset=4000, data=b"x" * 200) +
          pddb_req(P_LOCK, basis=b"sec") +
          pddb_req(P_READ, handle=H1) +
          pddb_req(P_UNLOCK, basis=b"sec", data=b"wrong") +
          pddb_req(P_UNLOCK, basis=b"sec", data=b"pw") +
          pddb_req(P_OPEN, step=2, basis=b"sec", dict_=b"d", key=b"k") +
          pddb_req(P_UNLOCK, basis=b"sec", data=b"pw") +
          pddb_req(P_OPEN, dict_=b"d", key=b"k") +
          pddb_req(P_READ, handle=H1, offset=3990, count=1000) +
          pddb_req(P_KEYS, basis=b"sec", dict_=b"d") +
          pddb_req(P_DELBASIS, basis=b"sec") +
          pddb_req(P_BASES))
pddb_seed("owners-kinds-and-bad-headers",
          pddb_req(P_OPEN, dict_=b"d", key=b"k", flags=1) +
          pddb_req(P_READ, handle=H1, pid=1, count=1) +          # another process
          pddb_req(P_CLOSE, handle=H1 + 1) +             # a stale handle
          pddb_req(P_SYNC, kind=1) +                     # a Lend
          pddb_req(P_SYNC, kind=2) +                     # a Send
          b"\0" + scalar(1) + b"\0" + scalar(1, blocking=False) +
          pddb_req(P_OPEN, dict_=b"d", key=b"k", lens=(0, 1, 96)) +
          pddb_req(P_OPEN, basis=b"\xc0\xaf", dict_=b"d", key=b"k") +
          pddb_req(P_OPEN, dict_=b"d\0e", key=b"k", flags=1) +
          pddb_req(P_WRITE, handle=H2, length=1 << 20) +
          pddb_req(P_CREATE, basis=b"b", length=300) +
          pddb_req(99) +
          b"\0" + struct.pack("<BBH5Q", 3, 0xff, 1, 0x5354, 0, 0, 0, 0))  # stop
# The table full of handles: the open asks the kernel about every other
# owner, and the answer ProcessNotFound (error 10: byte 9 << 3 | 7) frees
# that owner's handles.
pddb_seed("reclaim-ended-owners",
          pddb_req(P_OPEN, step=4, dict_=b"d", key=b"k", flags=1) +
          pddb_req(P_OPEN, dict_=b"d", key=b"k", pid=2),
          bytes([79, 0, 79, 79, 0, 0, 79, 0, 0, 0]))


# The native key API (pddb/native_wire.h): rkyv archives of the Rust
# pddb crate, lent with offset = their length.
def rk_strings(names, align):
    # Each String's bytes (when longer than 8) in field order, zeros to the
    # root's alignment, then the root's String fields.
    deps, at = b"", []
    for n in names:
        at.append(len(deps) if len(n) > 8 else None)
        if len(n) > 8:
            deps += n
    deps += b"\0" * (-len(deps) % align)
    root = len(deps)

    def field(i, off):
        n = names[i]
        if at[i] is None:
            return n + b"\xff" * (8 - len(n))
        enc = (len(n) & 0x3f) | 0x80 | ((len(n) & ~0x3f) << 2)
        return struct.pack("<Ii", enc, at[i] - (root + off))
    return deps, field


def nat_basis(name, code, key=None):
    deps, f = rk_strings([name], 4)
    key_part = b"\1" + key if key is not None else b"\0" * 33
    return deps + f(0, 0) + bytes([code, 0, 0, 0]) + b"\0" * 12 + \
        key_part + b"\0" * 3


def nat_key(dict_, key, basis=None, create=True, code=10):
    deps, f = rk_strings([basis or b"", dict_, key], 8)
    return deps + bytes([basis is not None, 0, 0, 0]) + f(0, 4) + \
        f(1, 12) + f(2, 20) + b"\0" * 16 + bytes([create, create, 0, 0]) + \
        b"\0" * 36 + bytes([code, 0, 0, 0])


def nat_dict(dict_, token=(1, 2, 3, 4), code=10, limit=None):
    deps, f = rk_strings([b"", dict_, b""], 4)
    lim = struct.pack("<BxxxI", 1, limit) if limit else b"\0" * 8
    return deps + b"\0" * 4 + f(0, 4) + f(1, 12) + f(2, 20) + \
        struct.pack("<I4IBxxx", 0, *token, code) + lim + b"\0" * 8


NAT_KEY32 = bytes(range(32))
NAT_LIST = b"\xff" * 504 + b"\0" * 4


def nat_req(op, archive, step=0):
    return bytes([step]) + memory(op, archive, valid=4096,
                                  offset=len(archive)) + b"\0\0"


pddb_seed("native-api",
          nat_req(2, NAT_LIST) +
          nat_req(4, nat_basis(b"secrets", 0, NAT_KEY32)) +
          nat_req(5, nat_basis(b"secrets", 1, NAT_KEY32)) +
          nat_req(3, nat_basis(b"", 10)) +
          nat_req(15, nat_key(b"notes", b"today")) +
          nat_req(15, nat_key(b"a-long-dictionary", b"a-long-key-name")) +
          nat_req(11, nat_dict(b"notes")) +
          nat_req(45, struct.pack("<4I", 1, 2, 3, 4) + b"\0" * 4068) +
          nat_req(13, nat_dict(b"")) +
          nat_req(14, nat_dict(b"")) +
          nat_req(52, nat_dict(b"notes", code=12, limit=32768)) +
          nat_req(8, nat_key(b"notes", b"today")) +
          nat_req(9, nat_key(b"notes", b"", basis=b".System")) +
          nat_req(55, b"\0" * 4 + b"\xff" * 8 + b"notes\xff\xff\xff" +
                  b"\1a\1c" + b"\0" * 3800) +
          nat_req(42, bytes([2]) + b"\0" * 15) +
          nat_req(54, NAT_LIST) +
          b"\0" + scalar(44) + b"\0" + scalar(49) + b"\0" + scalar(24) +
          nat_req(6, nat_basis(b"secrets", 2)) +
          nat_req(7, nat_basis(b"secrets", 3)) +
          b"\0" + scalar(20, 1, 2, 3))

# ---- pddb-native: a selector byte (which struct), then the archive.
for sel, name, arch in (
        (0, "basis-request", nat_basis(b"secrets", 1, NAT_KEY32)),
        (0, "basis-request-long", nat_basis(b"a-longer-basis", 0, NAT_KEY32)),
        (1, "basis-list", NAT_LIST),
        (2, "dict-request", nat_dict(b"notes", limit=4096)),
        (3, "key-request", nat_key(b"notes", b"today")),
        (3, "key-request-long", nat_key(b"a-long-dictionary", b"key",
                                        basis=b"some-secret-basis")),
        (4, "key-attr", b"\0" * 24 + b"\xff" * 16 + b"\0" * 8 +
         struct.pack("<3IBxxx", 1, 2, 3, 10)),
        (5, "key-list", struct.pack("<4I", 1, 2, 3, 4) + b"\0" * 4068),
        (6, "key-record", b"hello\0\0\0today\xff\xff\xff" +
         struct.pack("<4I", 5, 5, 0, 1) + b".System\xff" +
         struct.pack("<BxxxiI", 1, -44, 5)),
        (7, "pddb-buf", struct.pack("<3IBBHQ", 1, 2, 3, 0, 0, 5, 0) + b"hello")):
    write("pddb-native", name, bytes([sel]) + arch)

# ---- tcp: a client's stream, frames of a TID and 8 words (little-endian
# u64), then the payload the words imply.
def hf(tid, *w, payload=b""):
    w = list(w) + [0] * (8 - len(w))
    return struct.pack("<9Q", tid, *w) + payload


write("tcp", "thread-then-scalar",
      hf(65536, 18) + hf(2, 17, *SID) + hf(2, 16, 2, 5, 1, 2, 3, 4, 5))
write("tcp", "lend-mut", hf(65536, 18) +
      hf(2, 16, 2, 1, 1, 0x1000, 5, 0, 5, payload=b"hello"))
write("tcp", "return-memory", hf(65536, 18) +
      hf(2, 20, 0x02000081, 0x1000, 3, 0, 3, payload=b"abc"))
write("tcp", "reply-and-receive-next-memory", hf(65536, 18) +
      hf(2, 41, 0x02000081, 1, 0x1000, 4, 0, 4, 2**64 - 1, payload=b"abcd"))
write("tcp", "huge", hf(65536, 18) + hf(2, 16, 2, 1, 1, 0x1000, 2**40))
