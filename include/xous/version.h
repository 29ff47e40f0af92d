/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * <xous/version.h>: the version of xous-posix these headers belong to.
 *
 * This file is where the version is set: configure reads it from here.
 * XOUS_VERSION_* are the headers a program was compiled with;
 * xous_version_string() is the library it runs with.
 */
#ifndef XOUS_VERSION_H
#define XOUS_VERSION_H

#define XOUS_VERSION_MAJOR 0
#define XOUS_VERSION_MINOR 1
#define XOUS_VERSION_PATCH 0
#define XOUS_VERSION_STRING "0.1.0"

/* One number that grows with every release: 0x00MMmmpp. */
#define XOUS_VERSION_NUMBER                                                   \
  ((XOUS_VERSION_MAJOR << 16) | (XOUS_VERSION_MINOR << 8) | XOUS_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *xous_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* XOUS_VERSION_H */
