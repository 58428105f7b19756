#pragma once

/* The routing engine, driven by a simulated clock. Every test asserts the
 * exact decisions, in order, written compactly:
 *   "offer C>A pN bT"   offer conversation C to agent A in phase N, bounce at T s
 *   "withdraw C>A why"  "reserved C>A"  "missed C"  "phase C pN"
 *   "acd A state [reason]"
 */

#include <stdarg.h>

#include "fd-router.h"

G_BEGIN_DECLS

#define QUEUE 100
#define OTHER_QUEUE 200
#define ORG 1
#define S(secs) ((gint64) (secs) * G_USEC_PER_SEC)

typedef struct {
  FdRouter *r;
  GArray   *out;
  gint64    now;
} Fixture;

/* Formats and clears the decisions emitted so far. */
char *take (Fixture *f);

#define expect(f, expected) \
  G_STMT_START { \
    g_autofree char *got__ = take (f); \
    g_assert_cmpstr (got__, ==, (expected)); \
  } G_STMT_END

/* The fixture of every test: queues QUEUE and OTHER_QUEUE with members
 * 10 to 13, nobody joined, the clock at 0; the teardown checks that the
 * test consumed every decision. */
void fixture_setup (Fixture       *f,
                    gconstpointer  data);
void fixture_teardown (Fixture       *f,
                       gconstpointer  data);

#define ROUTER_TEST_ADD(path, func) \
  g_test_add ("/routing/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

/* Scenario steps: each call that must succeed asserts it did. */
FdPhase *phase (FdStrategy strategy,
                int        bounce,
                int        duration,
                ...);
/* Frees a phase() that no stream took. */
void phase_free (gpointer data);
/* Configures a stream of QUEUE with the phases that follow, NULL-terminated. */
void stream (Fixture      *f,
             gint64        stream_id,
             FdStreamKind  kind,
             ...);
void at (Fixture *f,
         int      secs);
void join (Fixture *f,
           gint64   agent);
void join_all (Fixture *f,
               ...);
void leave (Fixture *f,
            gint64   agent);
void add (Fixture *f,
          gint64   conv,
          gint64   stream_id);
void reserve (Fixture *f,
              gint64   conv,
              gint64   agent);
void reject (Fixture *f,
             gint64   conv,
             gint64   agent);
void tick (Fixture *f,
           int      secs);
void acd (Fixture    *f,
          gint64      agent,
          FdAcdState  state);
gint64 reserved_by (Fixture *f,
                    gint64   conv);
void assert_offers (Fixture *f,
                    gint64   agent,
                    ...);

G_END_DECLS
