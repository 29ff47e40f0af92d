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


# ---- servers: split byte (where the kernel's answers begin, /256), then
# envelopes: kind byte (kind%5: 0 MutableLend .. 4 BlockingScalar; bits
# 3-4 pages-1; bits 5-7 PID-2), id byte, sender u16; for a scalar four u64
# arguments, for memory offset u64, valid u64, fill u16 and fill bytes.
def scalar(id_, *args, blocking=True, pid=0):
    args = list(args) + [0] * (4 - len(args))
    return struct.pack("<BBH4Q", (4 if blocking else 3) | pid << 5, id_, 1,
                       *args)


def memory(id_, payload, kind=0, pid=0, valid=0):
    return struct.pack("<BBHQQH", kind | pid << 5, id_, 1, 0, valid,
                       len(payload)) + payload


def names_msg(name, max_conns=0, sid=(0, 0, 0, 0), token=(0, 0, 0, 0)):
    return struct.pack("<I64sI4I4III", len(name), name, max_conns, *sid,
                       *token, 0, 0)


write("names", "register-lookup-unregister", bytes([240]) +
      memory(1, names_msg(b"xous-seed", 2, SID), kind=1) +
      memory(2, names_msg(b"xous-seed"), pid=1) +
      memory(3, names_msg(b"xous-seed"), pid=2) +
      memory(4, names_msg(b"xous-seed", token=(1, 2, 3, 4)), pid=1) +
      memory(5, names_msg(b"xous-seed"), kind=1))
write("names", "wait-for-a-name", bytes([240]) +
      memory(2, names_msg("名前".encode())) +
      memory(1, names_msg("名前".encode(), 0, SID), kind=1, pid=1) +
      scalar(6))
write("names", "bad-names", bytes([250]) +
      memory(1, names_msg(b"a\x00b")) + memory(1, names_msg(b"\xc0\xaf")) +
      memory(1, struct.pack("<I", 65)) + memory(2, b"", kind=2))

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
