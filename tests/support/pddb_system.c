/*
 * A PDDB server for a suite to talk to (pddb_system.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include <xous.h>
#include <xous/buffer.h>
#include <xous/names.h>
#include <xous/pddb.h>

#include "../../pddb/engine.h"
#include "harness.h"
#include "pddb_system.h"

void
pddb_system_cheap_kdf(void)
{
  setenv("XOUS_PDDB_KDF_OPS", "1", 1);
  setenv("XOUS_PDDB_KDF_MEM_KIB", "8", 1);
}

void
pddb_system_start(const char *image_name, xous_cid_t *cid, xous_buffer_t *page)
{
  char image[512];

  harness_start_broker();
  harness_spawn("xous-names", NULL);
  snprintf(image, sizeof image, "%s/%s", harness_dir(), image_name);
  ck_assert_int_eq(pddb_format(image, 256, 1, 8, NULL, NULL), XOUS_OK);
  harness_spawn("xous-pddb", image, NULL);
  ck_assert_int_eq(xous_names_connect(XOUS_PDDB_SERVER_NAME, cid), XOUS_OK);
  ck_assert_int_eq(xous_buffer_new(4096, page), XOUS_OK);
}
