/*
 * How long a wait polls before it sleeps, from what the recent waits of
 * its kind saw. A pure function of its state, so that it can be fed
 * outcomes and checked (tests/check_wait.c); clock.c does the polling.
 *
 * A poll pays when the peer is running and answers soon: then it saves
 * a futex wake-up each way. A wait whose peer was running polls for four
 * times what its last caught answer took, but for no less than three
 * quarters of the poll before it: a slow answer among quick ones (a PDDB
 * read between its open and its close) is still caught after two quick
 * ones, where a poll set by the last answer alone would sleep on every
 * slow one, and after a run of quick answers the poll is theirs again. It
 * halves after a poll in vain (the peer is slow, or not getting a CPU),
 * down to none. A wait whose peer was asleep cannot be answered before
 * the peer has woken, which costs more than a whole poll on a VM: it
 * sleeps at once, and a poll it could not have won says nothing against
 * polling.
 *
 * Polling must be able to come back, or two peers that both sleep stay
 * that way (each answer comes late, so no poll ever catches one). While
 * a kind of wait does not poll, every so often one probes: for XOUS_SPIN_NS
 * when the peer runs, for four times that (to outlast its wake-up) when it
 * was asleep. A probe across a wake-up that catches its answer leaves the
 * peer running, so that the next waits on both sides can be caught; the
 * interval between probes doubles after each, up to one in 256 waits, and
 * starts again at every wait caught from a running peer.
 *
 * A wait that slept says how soon its word changed. When that was within
 * a probe across a wake-up, a probe could have caught it: the peer is
 * quick, and only the sleeping made the wait long. Each such wait halves
 * the waits left before the next probe of its kind, so that an idle pair
 * that fell asleep probes again within a few messages rather than within
 * hundreds; a peer slower than that leaves the intervals as they were.
 */
#include "hosted/internal.h"

/* Below this a poll cannot outlast a wake-up's cost: no poll at all. */
#define SPIN_FLOOR_NS 2000u
/* A probe whose peer must wake first polls this many times XOUS_SPIN_NS. */
#define SPIN_WAKE_PROBE 4u
/* The probe interval stops doubling at 2^SPIN_BACKOFF_MAX waits. */
#define SPIN_BACKOFF_MAX 8u

uint64_t
xous__spin_plan(struct xous__spin *sp, uint64_t most, int peer)
{
  if (most == 0)
    return 0;
  if (most > UINT32_MAX)
    most = UINT32_MAX;
  if (!sp->known) {
    sp->budget_ns = (uint32_t)most;
    sp->known = true;
  }
  if (peer == XOUS__PEER_RUNNING && sp->budget_ns != 0)
    return sp->budget_ns;
  if (sp->skip[peer] != 0) {
    sp->skip[peer]--;
    return 0;
  }
  return peer == XOUS__PEER_ASLEEP ? SPIN_WAKE_PROBE * most : most;
}

/* The next probe of kind peer comes after twice as many waits. */
static void
back_off(struct xous__spin *sp, int peer)
{
  if (sp->backoff[peer] < SPIN_BACKOFF_MAX)
    sp->backoff[peer]++;
  sp->skip[peer] = (uint16_t)((1u << sp->backoff[peer]) - 1);
}

void
xous__spin_learn(struct xous__spin *sp, uint64_t most, int peer, bool caught,
                 uint64_t took_ns)
{
  uint64_t budget;

  if (most > UINT32_MAX)
    most = UINT32_MAX;
  if (peer == XOUS__PEER_ASLEEP) {
    /* Caught or not, it cost about a wake-up of polling. But a peer that
     * answered soon after its wake-up is quick: the next wait for it
     * while it runs polls. */
    back_off(sp, peer);
    if (caught) {
      sp->backoff[XOUS__PEER_RUNNING] = 0;
      sp->skip[XOUS__PEER_RUNNING] = 0;
    }
    return;
  }
  if (caught) {
    budget = 4 * took_ns;
    if (budget < sp->budget_ns / 4 * 3)
      budget = sp->budget_ns / 4 * 3;
    if (budget < SPIN_FLOOR_NS)
      budget = SPIN_FLOOR_NS;
    sp->budget_ns = (uint32_t)(budget > most ? most : budget);
    for (int k = 0; k < 2; k++) {
      sp->backoff[k] = 0;
      sp->skip[k] = 0;
    }
  } else if (sp->budget_ns == 0) {
    back_off(sp, peer); /* a probe in vain */
  } else {
    sp->budget_ns /= 2;
    if (sp->budget_ns < SPIN_FLOOR_NS)
      sp->budget_ns = 0;
  }
}

void
xous__spin_learn_slept(struct xous__spin *sp, uint64_t most, int peer,
                       uint64_t took_ns)
{
  if (most == 0 || took_ns > SPIN_WAKE_PROBE * most)
    return;
  sp->skip[peer] /= 2;
}
