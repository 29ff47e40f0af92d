/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The Xous syscall numbers, one line each: the single source of the
 * XOUS_SYSCALL_* constants and of xous_syscall_name().
 *
 * X(UPPER_NAME, number, "XousName")
 */
#ifndef XOUS_SYSCALL_LIST_H
#define XOUS_SYSCALL_LIST_H

#define XOUS_SYSCALL_MAP(X)                                                   \
  X(INVALID, 0, "Invalid")                                                    \
  X(MAP_MEMORY, 2, "MapMemory")                                               \
  X(YIELD, 3, "Yield")                                                        \
  X(RETURN_TO_PARENT, 4, "ReturnToParent")                                    \
  X(CLAIM_INTERRUPT, 5, "ClaimInterrupt")                                     \
  X(FREE_INTERRUPT, 6, "FreeInterrupt")                                       \
  X(SWITCH_TO, 7, "SwitchTo")                                                 \
  X(READY_THREADS, 8, "ReadyThreads")                                         \
  X(WAIT_EVENT, 9, "WaitEvent")                                               \
  X(INCREASE_HEAP, 10, "IncreaseHeap")                                        \
  X(DECREASE_HEAP, 11, "DecreaseHeap")                                        \
  X(UPDATE_MEMORY_FLAGS, 12, "UpdateMemoryFlags")                             \
  X(SET_MEM_REGION, 13, "SetMemRegion")                                       \
  X(CREATE_SERVER_WITH_ADDRESS, 14, "CreateServerWithAddress")                \
  X(RECEIVE_MESSAGE, 15, "ReceiveMessage")                                    \
  X(SEND_MESSAGE, 16, "SendMessage")                                          \
  X(CONNECT, 17, "Connect")                                                   \
  X(CREATE_THREAD, 18, "CreateThread")                                        \
  X(UNMAP_MEMORY, 19, "UnmapMemory")                                          \
  X(RETURN_MEMORY, 20, "ReturnMemory")                                        \
  X(CREATE_PROCESS, 21, "CreateProcess")                                      \
  X(TERMINATE_PROCESS, 22, "TerminateProcess")                                \
  X(SHUTDOWN, 23, "Shutdown")                                                 \
  X(TRY_SEND_MESSAGE, 24, "TrySendMessage")                                   \
  X(TRY_CONNECT, 25, "TryConnect")                                            \
  X(RETURN_SCALAR1, 26, "ReturnScalar1")                                      \
  X(RETURN_SCALAR2, 27, "ReturnScalar2")                                      \
  X(TRY_RECEIVE_MESSAGE, 28, "TryReceiveMessage")                             \
  X(CREATE_SERVER, 29, "CreateServer")                                        \
  X(CONNECT_FOR_PROCESS, 30, "ConnectForProcess")                             \
  X(CREATE_SERVER_ID, 31, "CreateServerId")                                   \
  X(GET_THREAD_ID, 32, "GetThreadId")                                         \
  X(GET_PROCESS_ID, 33, "GetProcessId")                                       \
  X(DESTROY_SERVER, 34, "DestroyServer")                                      \
  X(DISCONNECT, 35, "Disconnect")                                             \
  X(JOIN_THREAD, 36, "JoinThread")                                            \
  X(SET_EXCEPTION_HANDLER, 37, "SetExceptionHandler")                         \
  X(ADJUST_PROCESS_LIMIT, 38, "AdjustProcessLimit")                           \
  X(VIRT_TO_PHYS, 39, "VirtToPhys")                                           \
  X(RETURN_SCALAR5, 40, "ReturnScalar5")                                      \
  X(REPLY_AND_RECEIVE_NEXT, 41, "ReplyAndReceiveNext")                        \
  X(VIRT_TO_PHYS_PID, 42, "VirtToPhysPid")                                    \
  X(REGISTER_SWAPPER, 43, "RegisterSwapper")                                  \
  X(SWAP_OP, 44, "SwapOp")                                                    \
  X(RAW_TRNG, 45, "RawTrng")                                                  \
  X(PLATFORM_SPECIFIC, 46, "PlatformSpecific")

/*
 * Result tags (a0 of a result), one line each.
 * X(UPPER_NAME, number, "XousName")
 */
#define XOUS_RESULT_MAP(X)                                                    \
  X(OK, 0, "Ok")                                                              \
  X(ERROR, 1, "Error")                                                        \
  X(MEMORY_ADDRESS, 2, "MemoryAddress")                                       \
  X(MEMORY_RANGE, 3, "MemoryRange")                                           \
  X(READY_THREADS, 4, "ReadyThreads")                                         \
  X(RESUME_PROCESS, 5, "ResumeProcess")                                       \
  X(SERVER_ID, 6, "ServerID")                                                 \
  X(CONNECTION_ID, 7, "ConnectionID")                                         \
  X(NEW_SERVER_ID, 8, "NewServerID")                                          \
  X(MESSAGE_ENVELOPE, 9, "MessageEnvelope")                                   \
  X(THREAD_ID, 10, "ThreadID")                                                \
  X(PROCESS_ID, 11, "ProcessID")                                              \
  X(UNIMPLEMENTED, 12, "Unimplemented")                                       \
  X(BLOCKED_PROCESS, 13, "BlockedProcess")                                    \
  X(SCALAR1, 14, "Scalar1")                                                   \
  X(SCALAR2, 15, "Scalar2")                                                   \
  X(RETRY_CALL, 16, "RetryCall")                                              \
  X(NONE, 17, "None")                                                         \
  X(MEMORY_RETURNED, 18, "MemoryReturned")                                    \
  X(NEW_PROCESS, 19, "NewProcess")                                            \
  X(SCALAR5, 20, "Scalar5")                                                   \
  X(MESSAGE, 21, "Message")

#endif /* XOUS_SYSCALL_LIST_H */
