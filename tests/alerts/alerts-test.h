#pragma once

#include <gio/gio.h>

#include "fd-activity-model.h"

G_BEGIN_DECLS

/* Helpers shared by the alerts tests. */

/* Writes a mono 16-bit WAV of @msec milliseconds of a tone into the
 * build directory and returns its file URI. */
char      *alerts_test_write_sound (const char *name,
                                    guint       msec);
/* The app's settings (the schema compiled into the build's data dir) on
 * the memory backend, the alert keys at their defaults. */
GSettings *alerts_test_settings    (void);
/* Iterates the main context until @done (*flag != 0 style callback)
 * returns TRUE or @timeout_msec passes; returns the last answer. */
typedef gboolean (*AlertsTestCondition) (gpointer user_data);
gboolean   alerts_test_wait        (AlertsTestCondition done,
                                    gpointer            user_data,
                                    guint               timeout_msec);
/* Iterates the main context for @msec milliseconds. */
void       alerts_test_run_for     (guint               msec);

/* GLib 2.74's g_test_expect_message() does not see structured logging:
 * warnings of @domain are counted instead of aborting the test. Call
 * once, before anything logs. */
void       alerts_test_catch_warnings  (const char  *domain);
/* How many were caught so far, and the text of the last one. */
guint      alerts_test_caught_warnings (const char **last);

/* The agent of the tests is 7 in "Kakapo Systems"; conversations come
 * from the web chat stream 3, "Website Chat". */
#define ALERTS_TEST_AGENT 7
FdActivityModel *alerts_test_model     (void);
/* Events as the server sends them, built in code. */
/* The same offer of a conversation of @kind (an email, a tweet). */
FdFrame   *alerts_test_offer_kind  (gint64        seq,
                                    gint64        conversation_id,
                                    const char   *customer,
                                    FdStreamKind  kind);
FdFrame   *alerts_test_offer       (gint64      seq,
                                    gint64      conversation_id,
                                    const char *customer);
FdFrame   *alerts_test_reserved    (gint64      seq,
                                    gint64      conversation_id);
FdFrame   *alerts_test_withdraw    (gint64      seq,
                                    gint64      conversation_id);
/* A snapshot offering @n_ids conversations to the agent. */
FdFrame   *alerts_test_snapshot    (gint64        seq,
                                    const gint64 *ids,
                                    guint         n_ids);
void       alerts_test_apply       (FdActivityModel *model,
                                    FdFrame         *frame);

G_END_DECLS
