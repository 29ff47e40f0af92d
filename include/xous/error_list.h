/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The Xous kernel's error codes, one line each: the single source of the
 * error enum, xous_strerror() and the error lists of the man pages.
 *
 * X(UPPER_NAME, number, "XousName", "what it means")
 *
 * 22 is UnknownError: the kernel encodes it as 0xffffffff in a result word,
 * and every code it does not know decodes back to it.
 */
#ifndef XOUS_ERROR_LIST_H
#define XOUS_ERROR_LIST_H

#define XOUS_ERROR_MAP(X)                                                     \
  X(OK, 0, "NoError", "success")                                              \
  X(BAD_ALIGNMENT, 1, "BadAlignment", "address or size is not page aligned")  \
  X(BAD_ADDRESS, 2, "BadAddress", "address is not mapped or not allowed")     \
  X(OUT_OF_MEMORY, 3, "OutOfMemory", "out of memory or out of slots")         \
  X(MEMORY_IN_USE, 4, "MemoryInUse", "memory is already in use")              \
  X(INTERRUPT_NOT_FOUND, 5, "InterruptNotFound", "no such interrupt")         \
  X(INTERRUPT_IN_USE, 6, "InterruptInUse", "interrupt already claimed")       \
  X(INVALID_STRING, 7, "InvalidString", "string is not valid")                \
  X(SERVER_EXISTS, 8, "ServerExists", "a server with that SID exists")        \
  X(SERVER_NOT_FOUND, 9, "ServerNotFound", "no such server or connection")    \
  X(PROCESS_NOT_FOUND, 10, "ProcessNotFound", "no such process")              \
  X(PROCESS_NOT_CHILD, 11, "ProcessNotChild", "process is not a child")       \
  X(PROCESS_TERMINATED, 12, "ProcessTerminated", "process has terminated")    \
  X(TIMEOUT, 13, "Timeout", "operation timed out")                            \
  X(INTERNAL_ERROR, 14, "InternalError",                                      \
    "internal error (is xousd running?)")                                     \
  X(SERVER_QUEUE_FULL, 15, "ServerQueueFull", "server queue is full")         \
  X(THREAD_NOT_AVAILABLE, 16, "ThreadNotAvailable", "no thread available")    \
  X(UNHANDLED_SYSCALL, 17, "UnhandledSyscall", "syscall not handled")         \
  X(INVALID_SYSCALL, 18, "InvalidSyscall", "syscall not allowed here")        \
  X(SHARE_VIOLATION, 19, "ShareViolation", "memory share violation")          \
  X(INVALID_THREAD, 20, "InvalidThread", "no such thread")                    \
  X(INVALID_PID, 21, "InvalidPID", "invalid process ID")                      \
  X(UNKNOWN_ERROR, 22, "UnknownError", "unknown error")                       \
  X(ACCESS_DENIED, 23, "AccessDenied", "access denied")                       \
  X(USE_BEFORE_INIT, 24, "UseBeforeInit", "used before initialisation")       \
  X(DOUBLE_FREE, 25, "DoubleFree", "nothing to free or return")               \
  X(DEBUG_IN_PROGRESS, 26, "DebugInProgress", "debug in progress")            \
  X(INVALID_LIMIT, 27, "InvalidLimit", "no such limit")                       \
  X(NOT_FOUND, 28, "NotFound", "not found")                                   \
  X(INVALID_CODING, 29, "InvalidCoding", "invalid coding")                    \
  X(HARDWARE_ERROR, 30, "HardwareError", "hardware error")                    \
  X(SERIALIZATION_ERROR, 31, "SerializationError", "serialization error")     \
  X(INVALID_ARGUMENT, 32, "InvalidArgument", "invalid argument")              \
  X(NETWORK_ERROR, 33, "NetworkError", "network error")                       \
  X(STORAGE_ERROR, 34, "StorageError", "storage error")                       \
  X(UNAVAILABLE, 35, "Unavailable", "unavailable")                            \
  X(PARSE_ERROR, 36, "ParseError", "parse error")                             \
  X(INVALID_CORE, 37, "InvalidCore", "invalid core")                          \
  X(VERIFICATION_ERROR, 38, "VerificationError", "verification failed")       \
  X(SECURITY_ERROR, 39, "SecurityError", "security error")

#endif /* XOUS_ERROR_LIST_H */
