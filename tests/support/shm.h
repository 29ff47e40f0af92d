/*
 * What libxous leaves in /dev/shm, for the suites and the soak that check
 * that nothing is left there.
 */
#ifndef XOUS_TEST_SHM_H
#define XOUS_TEST_SHM_H

/* The entries of /dev/shm that libxous would have made (its fallback
 * names them xous-...; other programs' entries come and go on their own);
 * 0 when there is no /dev/shm, where nothing can be left. */
int shm_xous_entries(void);

#endif /* XOUS_TEST_SHM_H */
