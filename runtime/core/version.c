/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The library's version (see <xous/version.h>).
 */
#include <xous.h>

const char *
xous_version_string(void)
{
  return XOUS_VERSION_STRING;
}
