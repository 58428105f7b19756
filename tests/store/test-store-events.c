#include "store-test.h"

#define SEC G_GINT64_CONSTANT (1000000)

static void
test_event_seq_per_org (StoreFixture  *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  g_autoptr(GPtrArray) events = NULL;
  const FdStoreEvent *e;
  gint64 seq = 0, oldest = 0, last = 0;

  /* Interleaved: each organization counts 1, 2, 3 on its own. */
  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *payload = g_strdup_printf ("{\"n\":%d}", i);

      g_assert_true (fd_store_append_event (fx->store, acme, "conversation-updated", 7, 0, 100 + i,
                                            payload, &seq, &error));
      g_assert_no_error (error);
      g_assert_cmpint (seq, ==, i);
      g_assert_true (fd_store_append_event (fx->store, beta, "agent-updated", 0, 9, 0,
                                            NULL, &seq, &error));
      g_assert_cmpint (seq, ==, i);
    }

  events = fd_store_list_events_since (fx->store, acme, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  e = events->pdata[0];
  g_assert_cmpint (e->seq, ==, 2);
  g_assert_cmpint (e->organization_id, ==, acme);
  g_assert_cmpstr (e->type, ==, "conversation-updated");
  g_assert_cmpint (e->queue_id, ==, 7);
  g_assert_cmpint (e->conversation_id, ==, 102);
  g_assert_cmpstr (e->payload_json, ==, "{\"n\":2}");
  g_assert_cmpint (((FdStoreEvent *) events->pdata[1])->seq, ==, 3);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = fd_store_list_events_since (fx->store, acme, 0, 2, &error);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (((FdStoreEvent *) events->pdata[1])->seq, ==, 2);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = fd_store_list_events_since (fx->store, beta, 3, 0, &error);
  g_assert_cmpuint (events->len, ==, 0);
  g_clear_pointer (&events, g_ptr_array_unref);

  /* Bad input. */
  g_assert_false (fd_store_append_event (fx->store, acme, "x", 0, 0, 0, "not json", &seq, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fd_store_append_event (fx->store, 999, "x", 0, 0, 0, NULL, &seq, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (fd_store_get_oldest_event_seq (fx->store, acme, &oldest, &error));
  g_assert_cmpint (oldest, ==, 1);
  g_assert_true (fd_store_get_last_event_seq (fx->store, acme, &last, &error));
  g_assert_cmpint (last, ==, 3);
  /* An organization with no events yet. */
  g_assert_true (fd_store_get_oldest_event_seq (fx->store, make_org (fx->store, "Gamma"), &oldest, &error));
  g_assert_cmpint (oldest, ==, 1);
}

static void
test_event_pruning (StoreFixture  *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  g_autoptr(GPtrArray) events = NULL;
  gint64 oldest = 0, seq = 0, now = g_get_real_time ();
  guint pruned = 0;

  for (int i = 0; i < 10; i++)
    g_assert_true (fd_store_append_event (fx->store, acme, "tick", 0, 0, 0, NULL, NULL, &error));
  for (int i = 0; i < 3; i++)
    g_assert_true (fd_store_append_event (fx->store, beta, "tick", 0, 0, 0, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Keep the newest 4 per organization: acme loses 6, beta none. */
  g_assert_true (fd_store_prune_events (fx->store, now, 4, G_TIME_SPAN_DAY, &pruned, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pruned, ==, 6);
  g_assert_true (fd_store_get_oldest_event_seq (fx->store, acme, &oldest, &error));
  g_assert_cmpint (oldest, ==, 7);
  events = fd_store_list_events_since (fx->store, acme, 0, 0, &error);
  g_assert_cmpuint (events->len, ==, 4);
  g_clear_pointer (&events, g_ptr_array_unref);
  g_assert_true (fd_store_get_oldest_event_seq (fx->store, beta, &oldest, &error));
  g_assert_cmpint (oldest, ==, 1);

  /* Everything older than the age limit goes; numbering never restarts,
   * and the oldest seq then says "resume impossible before last + 1". */
  g_assert_true (fd_store_prune_events (fx->store, now + 2 * G_TIME_SPAN_DAY, 0, 0, &pruned, &error));
  g_assert_cmpuint (pruned, ==, 7);
  g_assert_true (fd_store_get_oldest_event_seq (fx->store, acme, &oldest, &error));
  g_assert_cmpint (oldest, ==, 11);
  g_assert_true (fd_store_append_event (fx->store, acme, "tick", 0, 0, 0, NULL, &seq, &error));
  g_assert_cmpint (seq, ==, 11);
}

static void
set_conversation (FdStore              *store,
                  gint64                org,
                  gint64                id,
                  FdConversationState   state,
                  gint64                agent,
                  gint64                first_assigned_at,
                  gint64                first_reply_at,
                  gint64                closed_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) conv = fd_store_get_conversation (store, org, id, FALSE, &error);

  g_assert_no_error (error);
  conv->state = state;
  conv->agent_id = agent;
  conv->first_assigned_at = first_assigned_at;
  conv->first_reply_at = first_reply_at;
  conv->closed_at = closed_at;
  g_assert_true (fd_store_update_conversation (store, conv, &error));
  g_assert_no_error (error);
}

static void
test_stats (StoreFixture  *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 empty = make_queue (fx->store, acme, "Empty");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  gint64 cb = make_stream (fx->store, acme, sales, FD_STREAM_CALLBACK, "Callback");
  gint64 day = T0;
  gint64 now = T0 + 3600 * SEC;
  g_autoptr(GPtrArray) stats = NULL;
  const FdStats *q, *s_chat, *s_cb, *q_empty;
  gint64 c;

  /* Chat: two waiting (60 s and 600 s), one reserved, one closed today
   * (first reply 30 s after assignment), one closed yesterday (not
   * counted), one missed today. */
  make_conversation (fx->store, acme, chat, "a@x.test", now - 60 * SEC);
  make_conversation (fx->store, acme, chat, "b@x.test", now - 600 * SEC);
  c = make_conversation (fx->store, acme, chat, "c@x.test", day + 10 * SEC);
  set_conversation (fx->store, acme, c, FD_CONVERSATION_RESERVED, alice, day + 20 * SEC, day + 30 * SEC, 0);
  c = make_conversation (fx->store, acme, chat, "d@x.test", day + 100 * SEC);
  set_conversation (fx->store, acme, c, FD_CONVERSATION_CLOSED, alice, day + 100 * SEC, day + 130 * SEC,
                    day + 500 * SEC);
  c = make_conversation (fx->store, acme, chat, "e@x.test", day - 7200 * SEC);
  set_conversation (fx->store, acme, c, FD_CONVERSATION_CLOSED, alice, day - 7100 * SEC, day - 7000 * SEC,
                    day - 6000 * SEC);
  c = make_conversation (fx->store, acme, chat, "f@x.test", day + 200 * SEC);
  set_conversation (fx->store, acme, c, FD_CONVERSATION_MISSED, 0, 0, 0, day + 260 * SEC);
  /* Callback: one waiting 30 s; one closed today with a first reply 90 s
   * after assignment. */
  make_conversation (fx->store, acme, cb, "g@x.test", now - 30 * SEC);
  c = make_conversation (fx->store, acme, cb, "h@x.test", day + 300 * SEC);
  set_conversation (fx->store, acme, c, FD_CONVERSATION_CLOSED, alice, day + 300 * SEC, day + 390 * SEC,
                    day + 900 * SEC);

  stats = fd_store_get_stats (fx->store, acme, now, day, &error);
  g_assert_no_error (error);
  /* Sales total, its two streams, then Empty's total. */
  g_assert_cmpuint (stats->len, ==, 4);
  q = stats->pdata[0];
  s_chat = stats->pdata[1];
  s_cb = stats->pdata[2];
  q_empty = stats->pdata[3];

  g_assert_cmpint (s_chat->queue_id, ==, sales);
  g_assert_cmpint (s_chat->stream_id, ==, chat);
  g_assert_cmpint (s_chat->waiting, ==, 2);
  g_assert_cmpint (s_chat->longest_wait_seconds, ==, 600);
  g_assert_cmpint (s_chat->reserved, ==, 1);
  g_assert_cmpint (s_chat->missed_today, ==, 1);
  g_assert_cmpint (s_chat->closed_today, ==, 1);
  /* Created today with a first reply: 10 s (reserved one) and 30 s. */
  g_assert_cmpint (s_chat->average_first_reply_seconds, ==, 20);

  g_assert_cmpint (s_cb->stream_id, ==, cb);
  g_assert_cmpint (s_cb->waiting, ==, 1);
  g_assert_cmpint (s_cb->longest_wait_seconds, ==, 30);
  g_assert_cmpint (s_cb->closed_today, ==, 1);
  g_assert_cmpint (s_cb->average_first_reply_seconds, ==, 90);

  g_assert_cmpint (q->queue_id, ==, sales);
  g_assert_cmpint (q->stream_id, ==, 0);
  g_assert_cmpint (q->waiting, ==, 3);
  g_assert_cmpint (q->longest_wait_seconds, ==, 600);
  g_assert_cmpint (q->reserved, ==, 1);
  g_assert_cmpint (q->missed_today, ==, 1);
  g_assert_cmpint (q->closed_today, ==, 2);
  /* (10 + 30 + 90) / 3 */
  g_assert_cmpint (q->average_first_reply_seconds, ==, 43);

  g_assert_cmpint (q_empty->queue_id, ==, empty);
  g_assert_cmpint (q_empty->waiting, ==, 0);
  g_assert_cmpint (q_empty->average_first_reply_seconds, ==, 0);
  g_clear_pointer (&stats, g_ptr_array_unref);

  /* A deleted stream's row disappears; its waiting conversations still
   * count for the queue. */
  g_assert_true (fd_store_delete_stream (fx->store, acme, cb, &error));
  stats = fd_store_get_stats (fx->store, acme, now, day, &error);
  g_assert_cmpuint (stats->len, ==, 3);
  g_assert_cmpint (((FdStats *) stats->pdata[0])->waiting, ==, 3);
  g_assert_cmpint (((FdStats *) stats->pdata[1])->stream_id, ==, chat);
  g_clear_pointer (&stats, g_ptr_array_unref);

  /* Another organization sees nothing. */
  stats = fd_store_get_stats (fx->store, make_org (fx->store, "Beta"), now, day, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST_ADD ("events/seq-per-organization", test_event_seq_per_org);
  STORE_TEST_ADD ("events/pruning", test_event_pruning);
  STORE_TEST_ADD ("stats", test_stats);

  return g_test_run ();
}
