/*
 * Unit tests of how long a wait of the direct path polls before it
 * sleeps (runtime/hosted/spin.c): the policy is fed the outcomes of
 * waits, as the polling in clock.c would, and what it asks for next is
 * checked. No clock and no threads: every outcome is made up.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "hosted/internal.h"

#define MOST 50000u /* XOUS_SPIN_NS, the default */
#define RUNNING XOUS__PEER_RUNNING
#define ASLEEP XOUS__PEER_ASLEEP

/* Plans a wait of kind peer and feeds it a poll in vain. */
static uint64_t
poll_in_vain(struct xous__spin *sp, int peer)
{
  uint64_t ns = xous__spin_plan(sp, MOST, peer);

  if (ns != 0)
    xous__spin_learn(sp, MOST, peer, false, ns);
  return ns;
}

/* Plans a wait of kind peer; if it polls, its answer came after took. */
static uint64_t
answered_after(struct xous__spin *sp, int peer, uint64_t took)
{
  uint64_t ns = xous__spin_plan(sp, MOST, peer);

  if (ns != 0)
    xous__spin_learn(sp, MOST, peer, ns >= took, ns >= took ? took : ns);
  return ns;
}

/* Waits for a running peer that never answers within a poll, until no
 * poll is left. */
static void
run_dry(struct xous__spin *sp)
{
  do
    (void)poll_in_vain(sp, RUNNING);
  while (sp->budget_ns != 0);
}

/* The waits of kind peer, all in vain, up to and including the next
 * that polls: how many there were. */
static unsigned
waits_to_next_poll(struct xous__spin *sp, int peer)
{
  unsigned n = 1;

  while (poll_in_vain(sp, peer) == 0)
    n++;
  return n;
}

/* n probes of the peer in vain, each after the waits that lead to it. */
static void
probes_in_vain(struct xous__spin *sp, int peer, int n)
{
  for (int i = 0; i < n; i++)
    (void)waits_to_next_poll(sp, peer);
}

/* The waits up to the next poll, which catches an answer that took ns. */
static void
next_poll_answered_after(struct xous__spin *sp, int peer, uint64_t took)
{
  while (answered_after(sp, peer, took) == 0)
    continue;
}

/* No poll left, and the probes of a running and of a sleeping peer both
 * at their rarest: one in 256 waits. */
static void
probes_at_their_rarest(struct xous__spin *sp)
{
  run_dry(sp);
  for (int k = 0; k < 9; k++) {
    (void)waits_to_next_poll(sp, RUNNING);
    (void)waits_to_next_poll(sp, ASLEEP);
  }
}

/* ---- a running peer ------------------------------------------------------ */

START_TEST(wait_polls_not_at_all_when_xous_spin_ns_is_0)
{
  struct xous__spin sp = { 0 };

  for (int i = 0; i < 1000; i++) {
    ck_assert_uint_eq(xous__spin_plan(&sp, 0, RUNNING), 0);
    ck_assert_uint_eq(xous__spin_plan(&sp, 0, ASLEEP), 0);
  }
}
END_TEST

START_TEST(wait_the_first_for_a_running_peer_polls_for_xous_spin_ns)
{
  struct xous__spin sp = { 0 };

  ck_assert_uint_eq(xous__spin_plan(&sp, MOST, RUNNING), MOST);
}
END_TEST

START_TEST(wait_a_caught_answer_leaves_room_for_four_times_what_it_took)
{
  struct xous__spin sp = { 0 };

  ck_assert_uint_eq(answered_after(&sp, RUNNING, 3000), MOST);
  /* Not less than three quarters of the poll before it, the most. */
  ck_assert_uint_eq(xous__spin_plan(&sp, MOST, RUNNING), MOST / 4 * 3);
  for (int i = 0; i < 10; i++)
    answered_after(&sp, RUNNING, 3000);
  ck_assert_uint_eq(xous__spin_plan(&sp, MOST, RUNNING), 12000);
}
END_TEST

START_TEST(
    wait_a_quick_answer_leaves_room_for_2_us_and_a_slow_one_for_the_most)
{
  struct xous__spin sp = { 0 };

  for (int i = 0; i < 20; i++)
    answered_after(&sp, RUNNING, 100);
  ck_assert_uint_eq(xous__spin_plan(&sp, MOST, RUNNING), 2000);
  answered_after(&sp, RUNNING, 40000);
  ck_assert_uint_eq(xous__spin_plan(&sp, MOST, RUNNING), MOST);
}
END_TEST

/* A PDDB read as std sends it: an open and a close answered at once
 * around a read the server's engine takes 15 us over. */
START_TEST(wait_a_slow_answer_between_two_quick_ones_is_caught_every_time)
{
  struct xous__spin sp = { 0 };

  for (int i = 0; i < 1000; i++) {
    ck_assert_uint_ge(answered_after(&sp, RUNNING, 15000), 15000);
    ck_assert_uint_ge(answered_after(&sp, RUNNING, 500), 500);
    ck_assert_uint_ge(answered_after(&sp, RUNNING, 500), 500);
  }
}
END_TEST

START_TEST(wait_a_poll_in_vain_halves_the_next_down_to_none)
{
  static const uint64_t want[] = { 50000, 25000, 12500, 6250, 3125 };
  struct xous__spin sp = { 0 };

  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    ck_assert_uint_eq(poll_in_vain(&sp, RUNNING), want[i]);
  ck_assert_uint_eq(sp.budget_ns, 0);
}
END_TEST

START_TEST(wait_with_no_poll_left_a_running_peer_is_probed_ever_more_rarely)
{
  struct xous__spin sp = { 0 };

  run_dry(&sp);
  /* The first probe comes at once; each in vain doubles the interval,
   * up to one in 256 waits. */
  for (unsigned k = 0; k <= 8; k++)
    ck_assert_uint_eq(waits_to_next_poll(&sp, RUNNING), 1u << k);
  for (int i = 0; i < 4; i++)
    ck_assert_uint_eq(waits_to_next_poll(&sp, RUNNING), 256);
}
END_TEST

START_TEST(wait_a_probe_of_a_running_peer_polls_for_xous_spin_ns)
{
  struct xous__spin sp = { 0 };

  run_dry(&sp);
  for (int i = 0; i < 5; i++) {
    uint64_t ns;

    while ((ns = xous__spin_plan(&sp, MOST, RUNNING)) == 0)
      continue;
    ck_assert_uint_eq(ns, MOST);
    xous__spin_learn(&sp, MOST, RUNNING, false, ns);
  }
}
END_TEST

START_TEST(wait_a_caught_probe_brings_the_poll_back_at_once)
{
  struct xous__spin sp = { 0 };

  run_dry(&sp);
  probes_in_vain(&sp, RUNNING, 5);
  next_poll_answered_after(&sp, RUNNING, 500);
  ck_assert_uint_eq(xous__spin_plan(&sp, MOST, RUNNING), 2000);
}
END_TEST

/* ---- a peer that had to be woken ------------------------------------------ */

START_TEST(wait_a_peer_that_had_to_be_woken_is_probed_for_four_times_the_most)
{
  struct xous__spin sp = { 0 };

  ck_assert_uint_eq(xous__spin_plan(&sp, MOST, ASLEEP), 4 * MOST);
}
END_TEST

START_TEST(wait_a_poll_lost_to_the_peers_wake_up_leaves_the_poll_as_it_was)
{
  struct xous__spin sp = { 0 };
  uint64_t before;

  answered_after(&sp, RUNNING, 3000);
  before = xous__spin_plan(&sp, MOST, RUNNING);
  ck_assert_uint_gt(before, 0);
  for (int i = 0; i < 100; i++)
    (void)poll_in_vain(&sp, ASLEEP);
  ck_assert_uint_eq(xous__spin_plan(&sp, MOST, RUNNING), before);
}
END_TEST

START_TEST(wait_probes_across_a_wake_up_come_ever_more_rarely_caught_or_not)
{
  struct xous__spin sp = { 0 };
  unsigned n;

  for (unsigned k = 0; k <= 8; k++) {
    /* Every other probe catches its answer, after the peer's wake-up. */
    for (n = 1; answered_after(&sp, ASLEEP, k % 2 ? 65000 : 10000000) == 0;
         n++)
      continue;
    ck_assert_uint_eq(n, 1u << k);
  }
  for (int i = 0; i < 4; i++)
    ck_assert_uint_eq(waits_to_next_poll(&sp, ASLEEP), 256);
}
END_TEST

START_TEST(
    wait_a_peer_answering_soon_after_its_wake_up_is_polled_for_when_it_runs)
{
  struct xous__spin sp = { 0 };

  run_dry(&sp);
  probes_in_vain(&sp, RUNNING, 8);
  next_poll_answered_after(&sp, ASLEEP, 65000);
  ck_assert_uint_eq(xous__spin_plan(&sp, MOST, RUNNING), MOST);
}
END_TEST

START_TEST(
    wait_an_answer_caught_from_a_running_peer_makes_probes_frequent_again)
{
  struct xous__spin sp = { 0 };

  probes_in_vain(&sp, ASLEEP, 8);
  answered_after(&sp, RUNNING, 500);
  ck_assert_uint_eq(xous__spin_plan(&sp, MOST, ASLEEP), 4 * MOST);
}
END_TEST

/* ---- what a wait that slept says ------------------------------------------ */

/* A wait of kind peer that did not poll, or polled in vain, and slept;
 * its word changed took after it began. Whether it polled. */
static bool
slept_after(struct xous__spin *sp, int peer, uint64_t took)
{
  uint64_t ns = xous__spin_plan(sp, MOST, peer);

  if (ns != 0)
    xous__spin_learn(sp, MOST, peer, false, ns);
  xous__spin_learn_slept(sp, MOST, peer, took);
  return ns != 0;
}

START_TEST(wait_a_quick_answer_to_a_wait_that_slept_brings_the_next_probe_near)
{
  for (int peer = 0; peer < 2; peer++) {
    struct xous__spin sp = { 0 };
    int n = 1;

    probes_at_their_rarest(&sp);
    /* Answered within a probe across a wake-up, two wake-ups included. */
    while (!slept_after(&sp, peer, 2 * 65000)) {
      n++;
      ck_assert_int_le(n, 9);
    }
  }
}
END_TEST

START_TEST(wait_a_slow_answer_to_a_wait_that_slept_leaves_the_probes_rare)
{
  for (int peer = 0; peer < 2; peer++) {
    struct xous__spin sp = { 0 };
    int n = 1;

    probes_at_their_rarest(&sp);
    while (!slept_after(&sp, peer, 4 * MOST + 1))
      n++;
    ck_assert_int_eq(n, 256);
  }
}
END_TEST

START_TEST(wait_a_wait_that_slept_leaves_the_poll_for_a_running_peer_as_it_was)
{
  struct xous__spin sp = { 0 };
  uint64_t before;

  answered_after(&sp, RUNNING, 3000);
  before = xous__spin_plan(&sp, MOST, RUNNING);
  for (int i = 0; i < 100; i++) {
    xous__spin_learn_slept(&sp, MOST, RUNNING, 1000);
    xous__spin_learn_slept(&sp, MOST, ASLEEP, 1000);
  }
  ck_assert_uint_eq(xous__spin_plan(&sp, MOST, RUNNING), before);
}
END_TEST

/* ---- two sides ------------------------------------------------------------ */

/* A caller and a server in a loop of round trips, as bench_ipc runs them:
 * the server answers 400 ns after it has the message, the caller sends
 * again 100 ns after its answer, and a side that sleeps is woken 65 us
 * after it is told (more than XOUS_SPIN_NS, as on a VM). */
struct pair {
  struct xous__spin caller, server;
  bool caller_asleep, server_asleep;
};

#define WAKE_NS 65000u

/* One wait of sp whose answer comes after took: whether it caught it. */
static bool
side_waits(struct xous__spin *sp, bool peer_asleep, uint64_t took)
{
  int peer = peer_asleep ? ASLEEP : RUNNING;
  uint64_t ns = xous__spin_plan(sp, MOST, peer);

  if (ns == 0)
    return false;
  xous__spin_learn(sp, MOST, peer, ns >= took, ns >= took ? took : ns);
  return ns >= took;
}

/* One round trip; whether both sides caught their word by polling. */
static bool
round_trip(struct pair *p)
{
  p->caller_asleep = !side_waits(&p->caller, p->server_asleep,
                                 (p->server_asleep ? WAKE_NS : 0) + 400);
  p->server_asleep = !side_waits(&p->server, p->caller_asleep,
                                 (p->caller_asleep ? WAKE_NS : 0) + 100);
  return !p->caller_asleep && !p->server_asleep;
}

START_TEST(wait_two_sides_that_both_sleep_come_back_to_polling)
{
  /* The worst start: both asleep, no poll left, probes at their rarest. */
  struct pair p = { .caller_asleep = true, .server_asleep = true };
  struct xous__spin *side[] = { &p.caller, &p.server };
  int n = 0;

  for (int i = 0; i < 2; i++)
    probes_at_their_rarest(side[i]);
  while (!round_trip(&p)) {
    n++;
    ck_assert_int_lt(n, 2 * 256);
  }
  for (int i = 0; i < 10000; i++)
    ck_assert(round_trip(&p));
}
END_TEST

/* As side_waits, but a wait that slept also learns how long it took: its
 * peer's answer and then its own wake-up, as clock.c times it. */
static bool
side_waits_and_sleeps(struct xous__spin *sp, bool peer_asleep, uint64_t took)
{
  bool caught = side_waits(sp, peer_asleep, took);

  if (!caught)
    xous__spin_learn_slept(sp, MOST, peer_asleep ? ASLEEP : RUNNING,
                           took + WAKE_NS);
  return caught;
}

static bool
round_trip_learning_sleeps(struct pair *p)
{
  p->caller_asleep = !side_waits_and_sleeps(&p->caller, p->server_asleep,
                                            (p->server_asleep ? WAKE_NS : 0) +
                                                400);
  p->server_asleep = !side_waits_and_sleeps(&p->server, p->caller_asleep,
                                            (p->caller_asleep ? WAKE_NS : 0) +
                                                100);
  return !p->caller_asleep && !p->server_asleep;
}

START_TEST(wait_after_a_run_of_slept_waits_an_idle_pair_polls_again)
{
  /* The worst start, as above: both asleep for so long that every probe
   * is at its rarest. Each round trip both sides sleep on is quick. */
  struct pair p = { .caller_asleep = true, .server_asleep = true };
  struct xous__spin *side[] = { &p.caller, &p.server };
  int n = 0;

  for (int i = 0; i < 2; i++)
    probes_at_their_rarest(side[i]);
  while (!round_trip_learning_sleeps(&p)) {
    n++;
    ck_assert_int_lt(n, 16);
  }
  for (int i = 0; i < 10000; i++)
    ck_assert(round_trip_learning_sleeps(&p));
}
END_TEST

START_TEST(wait_a_slow_peer_costs_one_probe_in_256_waits)
{
  struct xous__spin sp = { 0 };
  unsigned polls[2] = { 0, 0 };

  probes_at_their_rarest(&sp);
  for (int i = 0; i < 256 * 10; i++)
    for (int peer = 0; peer < 2; peer++)
      polls[peer] += poll_in_vain(&sp, peer) != 0;
  ck_assert_uint_eq(polls[RUNNING], 10);
  ck_assert_uint_eq(polls[ASLEEP], 10);
}
END_TEST

static Suite *
wait_suite(void)
{
  Suite *s = suite_create("wait");
  TCase *tc = tcase_create("running");

  suite_add_tcase(s, tc);
  tcase_add_test(tc, wait_polls_not_at_all_when_xous_spin_ns_is_0);
  tcase_add_test(tc, wait_the_first_for_a_running_peer_polls_for_xous_spin_ns);
  tcase_add_test(tc,
                 wait_a_caught_answer_leaves_room_for_four_times_what_it_took);
  tcase_add_test(
      tc,
      wait_a_quick_answer_leaves_room_for_2_us_and_a_slow_one_for_the_most);
  tcase_add_test(
      tc, wait_a_slow_answer_between_two_quick_ones_is_caught_every_time);
  tcase_add_test(tc, wait_a_poll_in_vain_halves_the_next_down_to_none);
  tcase_add_test(
      tc, wait_with_no_poll_left_a_running_peer_is_probed_ever_more_rarely);
  tcase_add_test(tc, wait_a_probe_of_a_running_peer_polls_for_xous_spin_ns);
  tcase_add_test(tc, wait_a_caught_probe_brings_the_poll_back_at_once);

  tc = tcase_create("asleep");
  suite_add_tcase(s, tc);
  tcase_add_test(
      tc, wait_a_peer_that_had_to_be_woken_is_probed_for_four_times_the_most);
  tcase_add_test(
      tc, wait_a_poll_lost_to_the_peers_wake_up_leaves_the_poll_as_it_was);
  tcase_add_test(
      tc, wait_probes_across_a_wake_up_come_ever_more_rarely_caught_or_not);
  tcase_add_test(
      tc,
      wait_a_peer_answering_soon_after_its_wake_up_is_polled_for_when_it_runs);
  tcase_add_test(
      tc,
      wait_an_answer_caught_from_a_running_peer_makes_probes_frequent_again);

  tc = tcase_create("slept");
  suite_add_tcase(s, tc);
  tcase_add_test(
      tc, wait_a_quick_answer_to_a_wait_that_slept_brings_the_next_probe_near);
  tcase_add_test(
      tc, wait_a_slow_answer_to_a_wait_that_slept_leaves_the_probes_rare);
  tcase_add_test(
      tc, wait_a_wait_that_slept_leaves_the_poll_for_a_running_peer_as_it_was);

  tc = tcase_create("pair");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, wait_two_sides_that_both_sleep_come_back_to_polling);
  tcase_add_test(tc, wait_after_a_run_of_slept_waits_an_idle_pair_polls_again);
  tcase_add_test(tc, wait_a_slow_peer_costs_one_probe_in_256_waits);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(wait_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
