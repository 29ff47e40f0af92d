/*
 * The frames between libxous (hosted backend) and xousd.
 *
 * Every process holds one SOCK_SEQPACKET Unix socket per thread that has
 * made a syscall, plus one process socket that lives as long as the
 * process; the broker learns the peer's OS pid and uid from SO_PEERCRED,
 * never from a frame. A frame is exactly XOUS_WIRE_FRAME_SIZE bytes, with
 * at most one file descriptor attached (SCM_RIGHTS) when the
 * XOUS_WIRE_F_FD flag is set. Anything else is a protocol violation and the
 * broker closes that socket.
 *
 * Layout, byte offsets (little or big endian as the host; both ends are on
 * one machine):
 *    0  magic       'XOUS' (0x584f5553)
 *    4  version     XOUS_WIRE_VERSION
 *    6  type        enum xous_wire_type
 *    8  tid         the sender thread's Xous TID (HELLO_THREAD)
 *   12  flags       XOUS_WIRE_F_*
 *   16  w[8]        the eight syscall or result words, as 64-bit values
 *   80  mem_offset  with an fd: byte offset of the range in the object
 *   88  mem_size    with an fd: byte size of the whole object
 *   96  name[32]    HELLO_PROCESS: program name, NUL padded
 *  128
 */
#ifndef XOUS_WIRE_H
#define XOUS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define XOUS_WIRE_MAGIC 0x584f5553u
#define XOUS_WIRE_VERSION 1
#define XOUS_WIRE_NAME_MAX 32
#define XOUS_WIRE_FRAME_SIZE 128

enum xous_wire_type {
  /* process -> broker: "I am a new process", name set. Answered by
   * WELCOME (w[0] = pid) or ERROR (w[0] = Xous error). */
  XOUS_WIRE_HELLO_PROCESS = 1,
  /* thread -> broker: "I am thread tid of process w[0]". Answered as
   * HELLO_PROCESS. The broker checks that the peer's OS pid matches. */
  XOUS_WIRE_HELLO_THREAD = 2,
  XOUS_WIRE_WELCOME = 3,
  XOUS_WIRE_ERROR = 4,
  /* thread -> broker: w[] is a syscall, w[0] its number. */
  XOUS_WIRE_SYSCALL = 5,
  /* broker -> thread: w[] is the result, w[0] its tag. */
  XOUS_WIRE_RESULT = 6,
  /* xousctl -> broker: w[0] = enum xous_ctl_cmd, w[1] = argument. The
   * broker answers with one CTL_REPLY datagram: this header followed by
   * w[0] bytes of JSON text (up to XOUS_WIRE_CTL_MAX). */
  XOUS_WIRE_CTL = 7,
  XOUS_WIRE_CTL_REPLY = 8,
  /* broker -> xousctl trace subscriber: header + w[0] bytes of JSON. */
  XOUS_WIRE_TRACE = 9,
  XOUS_WIRE_TYPE_MAX = 9
};

#define XOUS_WIRE_F_FD 0x1u /* one file descriptor is attached */

#define XOUS_WIRE_CTL_MAX (192 * 1024)

struct xous_wire_frame {
  uint32_t magic;
  uint16_t version;
  uint16_t type;
  uint32_t tid;
  uint32_t flags;
  uint64_t w[8];
  uint64_t mem_offset;
  uint64_t mem_size;
  char name[XOUS_WIRE_NAME_MAX];
};

_Static_assert(sizeof(struct xous_wire_frame) == XOUS_WIRE_FRAME_SIZE,
               "wire frame is 128 bytes");
_Static_assert(offsetof(struct xous_wire_frame, w) == 16, "w at 16");
_Static_assert(offsetof(struct xous_wire_frame, mem_offset) == 80,
               "mem_offset at 80");
_Static_assert(offsetof(struct xous_wire_frame, name) == 96, "name at 96");

/* A frame of type with nothing in it but the protocol's magic and
 * version. */
static inline struct xous_wire_frame
xous__wire_frame(unsigned type)
{
  struct xous_wire_frame f = { .magic = XOUS_WIRE_MAGIC,
                               .version = XOUS_WIRE_VERSION,
                               .type = (uint16_t)type };

  return f;
}

/* Where the broker listens: $XOUS_SOCKET, else
 * $XDG_RUNTIME_DIR/xous/xousd.sock, else /tmp/xous-<uid>/xousd.sock.
 * Writes at most size bytes; returns 0, or -1 when it does not fit. */
int xous__socket_path(char *buf, size_t size);

/* Sends len bytes of buf as one datagram with an optional fd (-1 for
 * none), with sendmsg flags besides MSG_NOSIGNAL. Returns the bytes sent
 * or -errno. Retries EINTR. */
long xous__send_fd(int sock, const void *buf, size_t len, int fd, int flags);
/* Sends one frame with an optional fd (-1 for none), whole or not at all.
 * Returns 0 or -errno. Retries EINTR. */
int xous__wire_send(int sock, const struct xous_wire_frame *f, int fd);
/* Receives one frame and its fd (-1 when none). Returns the byte count
 * (0 at hang-up) or -errno. A frame with more fds than one, an empty
 * one with an fd, or a cut control message, has every received fd closed
 * and gives -EPROTO; a whole frame whose one fd could not be received
 * because this process is at its descriptor limit gives -EMFILE (the
 * frame is in *f, to answer). */
long xous__wire_recv(int sock, struct xous_wire_frame *f, size_t size,
                     int *fd);
/* As xous__wire_recv, with recvmsg flags (MSG_DONTWAIT to poll). */
long xous__wire_recv_flags(int sock, struct xous_wire_frame *f, size_t size,
                           int *fd, int flags);
/* Checks magic, version, type and flags of a received frame of n bytes;
 * returns 0 or -EPROTO. */
int xous__wire_check(const struct xous_wire_frame *f, long n);

#endif /* XOUS_WIRE_H */
