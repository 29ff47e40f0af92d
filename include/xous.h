/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * <xous.h>: the portable Xous API. The same source builds for the Xous
 * kernel on rv32 and for the desktop runtime; see xous(3). It needs C11
 * or C++11.
 */
#ifndef XOUS_H
#define XOUS_H

#include <xous/types.h>
#include <xous/syscall.h>
#include <xous/buffer.h>
#include <xous/version.h>

#endif /* XOUS_H */
