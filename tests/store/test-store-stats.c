#define G_LOG_DOMAIN "fd-test"

/* The wallboard's statistics over a day of generated conversations with
 * known timestamps (docs/statistics.md): every figure of every row and of
 * each agent, computed by hand in the comments, on a deterministic clock
 * (issue 16). */

#include "store-test.h"

#define SEC G_GINT64_CONSTANT (1000000)
#define HOUR (3600 * SEC)
/* Midnight UTC of T0's day, and noon: "now" in these tests. */
#define DAY (T0 - T0 % (24 * HOUR))
#define NOON (DAY + 12 * HOUR)

typedef struct {
  gint64 org, alice, bob;
  gint64 sales, support, empty;
  gint64 chat, email, web;
} Day;

static gint64
make_queue_sl (FdStore    *store,
               gint64      org,
               const char *name,
               gint        service_level_seconds)
{
  g_autoptr(FdQueue) queue = fd_queue_new ();
  g_autoptr(GError) error = NULL;

  queue->organization_id = org;
  queue->name = g_strdup (name);
  queue->service_level_seconds = service_level_seconds;
  g_assert_true (fd_store_create_queue (store, queue, &error));
  g_assert_no_error (error);
  return queue->id;
}

/* A conversation created at @created, then put in @state by @agent with its
 * times (0 = never) and rating. */
static void
conv (FdStore             *store,
      gint64               org,
      gint64               stream,
      gint64               created,
      FdConversationState  state,
      gint64               agent,
      gint64               assigned,
      gint64               reply,
      gint64               closed,
      gint                 rating)
{
  static guint n;
  g_autofree char *email = g_strdup_printf ("c%u@x.test", n++);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) c = NULL;
  gint64 id = make_conversation (store, org, stream, email, created);

  c = fd_store_get_conversation (store, org, id, FALSE, &error);
  g_assert_no_error (error);
  c->state = state;
  c->agent_id = agent;
  c->first_assigned_at = assigned;
  c->reserved_at = assigned;
  c->first_reply_at = reply;
  c->closed_at = closed;
  c->rating = rating;
  g_assert_true (fd_store_update_conversation (store, c, &error));
  g_assert_no_error (error);
}

/* The day: Sales (service level 20 s) with Chat and Email, Support (60 s)
 * with Web, and Empty (default 20 s) with nothing. Times are from DAY
 * (midnight); "now" is NOON. */
static void
make_day (FdStore *store,
          Day     *d)
{
  const FdConversationState U = FD_CONVERSATION_UNRESERVED, R = FD_CONVERSATION_RESERVED,
                            C = FD_CONVERSATION_CLOSED, M = FD_CONVERSATION_MISSED;
  gint64 t;

  d->org = make_org (store, "Acme");
  d->alice = make_agent (store, d->org, "alice@acme.test");
  d->bob = make_agent (store, d->org, "bob@acme.test");
  d->sales = make_queue_sl (store, d->org, "Sales", 20);
  d->support = make_queue_sl (store, d->org, "Support", 60);
  d->empty = make_queue_sl (store, d->org, "Empty", 0);
  d->chat = make_stream (store, d->org, d->sales, FD_STREAM_WEBCHAT, "Chat");
  d->email = make_stream (store, d->org, d->sales, FD_STREAM_EMAIL, "Email");
  d->web = make_stream (store, d->org, d->support, FD_STREAM_WEBCHAT, "Web");

  /* Chat. #1 arrived yesterday 23:59:50, answered today 00:00:05 (wait
   * 15 s), replied 30 s later, closed after 600 s, rated 5: answered,
   * closed, handled and rated today, but neither offered today nor in the
   * service level nor in the first reply average (it arrived yesterday). */
  conv (store, d->org, d->chat, DAY - 10 * SEC, C, d->alice, DAY + 5 * SEC, DAY + 35 * SEC, DAY + 605 * SEC, 5);
  /* #2 01:00, answered after 10 s (in), first reply 30 s, handle 300 s, 4. */
  t = DAY + 1 * HOUR;
  conv (store, d->org, d->chat, t, C, d->alice, t + 10 * SEC, t + 40 * SEC, t + 310 * SEC, 4);
  /* #3 02:00, answered after 25 s (out), first reply 60 s, handle 900 s. */
  t = DAY + 2 * HOUR;
  conv (store, d->org, d->chat, t, C, d->bob, t + 25 * SEC, t + 85 * SEC, t + 925 * SEC, 0);
  /* #4 03:00, answered after exactly 20 s (in), first reply 10 s, held
   * by Bob now. */
  t = DAY + 3 * HOUR;
  conv (store, d->org, d->chat, t, R, d->bob, t + 20 * SEC, t + 30 * SEC, 0, 0);
  /* #5 04:00, missed (abandoned: counts against the service level). */
  conv (store, d->org, d->chat, DAY + 4 * HOUR, M, 0, 0, 0, 0, 0);
  /* #6 05:00, still waiting: 7 h at noon; not in the service level yet. */
  conv (store, d->org, d->chat, DAY + 5 * HOUR, U, 0, 0, 0, 0, 0);
  /* #7 yesterday 22:00–23:00, Alice's, rated 1: nothing today. */
  t = DAY - 2 * HOUR;
  conv (store, d->org, d->chat, t, C, d->alice, t + 5 * SEC, t + 10 * SEC, t + HOUR, 1);
  /* #8 yesterday 23:59:50, missed (no closed_at): missed yesterday. */
  conv (store, d->org, d->chat, DAY - 10 * SEC, M, 0, 0, 0, 0, 0);

  /* Email. #9 06:00, answered after 120 s (out), first reply 600 s,
   * handle 3600 s, rated 3. */
  t = DAY + 6 * HOUR;
  conv (store, d->org, d->email, t, C, d->alice, t + 120 * SEC, t + 720 * SEC, t + 3720 * SEC, 3);

  /* Web (Support, 60 s). #10 answered after 45 s (in here, out at 20 s),
   * handle 100 s, rated 4; #11 after 70 s (out), handle 200 s, rated 5;
   * #12 after 5 s (in), handle 300 s, rated 5. No replies. */
  t = DAY + 7 * HOUR;
  conv (store, d->org, d->web, t, C, d->alice, t + 45 * SEC, 0, t + 145 * SEC, 4);
  t = DAY + 7 * HOUR + 600 * SEC;
  conv (store, d->org, d->web, t, C, d->bob, t + 70 * SEC, 0, t + 270 * SEC, 5);
  t = DAY + 8 * HOUR;
  conv (store, d->org, d->web, t, C, d->bob, t + 5 * SEC, 0, t + 305 * SEC, 5);
}

static void
assert_row (const FdStats *row,
            gint64 queue_id, gint64 stream_id,
            gint waiting, gint longest, gint reserved, gint missed, gint closed,
            gint offered, gint answered, gint handle, gint first_reply,
            gint rated, gint rating_x100, gint sl_seconds, gint sl_percent)
{
  g_assert_cmpint (row->queue_id, ==, queue_id);
  g_assert_cmpint (row->stream_id, ==, stream_id);
  g_assert_cmpint (row->at, ==, NOON);
  g_assert_cmpint (row->waiting, ==, waiting);
  g_assert_cmpint (row->longest_wait_seconds, ==, longest);
  g_assert_cmpint (row->reserved, ==, reserved);
  g_assert_cmpint (row->missed_today, ==, missed);
  g_assert_cmpint (row->closed_today, ==, closed);
  g_assert_cmpint (row->offered_today, ==, offered);
  g_assert_cmpint (row->answered_today, ==, answered);
  g_assert_cmpint (row->average_handle_seconds, ==, handle);
  g_assert_cmpint (row->average_first_reply_seconds, ==, first_reply);
  g_assert_cmpint (row->rated_today, ==, rated);
  g_assert_cmpint (row->average_rating_x100, ==, rating_x100);
  g_assert_cmpint (row->service_level_seconds, ==, sl_seconds);
  g_assert_cmpint (row->service_level_percent, ==, sl_percent);
  /* The people are the center's. */
  g_assert_cmpint (row->agents_joined, ==, 0);
  g_assert_cmpint (row->agents_available, ==, 0);
}

static void
test_day_rows (StoreFixture  *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  Day d;

  make_day (fx->store, &d);
  rows = fd_store_get_stats (fx->store, d.org, NOON, DAY, &error);
  g_assert_no_error (error);
  /* Sales, Chat, Email, Support, Web, Empty. */
  g_assert_cmpuint (rows->len, ==, 6);

  /* Chat: waiting #6 (7 h = 25 200 s), reserved #4, missed #5, closed
   * #1 #2 #3; offered #2–#6 = 5; answered #1–#4 = 4; handle (600 + 300 +
   * 900) / 3 = 600; first reply (30 + 60 + 10) / 3 = 33; rated #1 #2:
   * (5 + 4) / 2 = 4.50; service level: #2 in, #3 out, #4 in, #5 abandoned
   * = 2 / 4 = 50 %. */
  assert_row (rows->pdata[1], d.sales, d.chat, 1, 25200, 1, 1, 3, 5, 4, 600, 33, 2, 450, 20, 50);
  /* Email: #9 only; 120 s is out: 0 %. */
  assert_row (rows->pdata[2], d.sales, d.email, 0, 0, 0, 0, 1, 1, 1, 3600, 600, 1, 300, 20, 0);
  /* Sales: handle (600 + 300 + 900 + 3600) / 4 = 1350; first reply (30 +
   * 60 + 10 + 600) / 4 = 175; rating (5 + 4 + 3) / 3 = 4.00; service
   * level 2 / 5 = 40 %. */
  assert_row (rows->pdata[0], d.sales, 0, 1, 25200, 1, 1, 4, 6, 5, 1350, 175, 3, 400, 20, 40);
  /* Web and Support: handle (100 + 200 + 300) / 3 = 200; no replies;
   * rating (4 + 5 + 5) / 3 = 4.67 rounded; service level at 60 s: #10
   * and #12 in, #11 out = 66 % (rounded down). */
  assert_row (rows->pdata[4], d.support, d.web, 0, 0, 0, 0, 3, 3, 3, 200, 0, 3, 467, 60, 66);
  assert_row (rows->pdata[3], d.support, 0, 0, 0, 0, 0, 3, 3, 3, 200, 0, 3, 467, 60, 66);
  /* Empty: nothing to measure; the default threshold; no service level. */
  assert_row (rows->pdata[5], d.empty, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, -1);
}

/* Across midnight: the next day starts from zero but for what is open. */
static void
test_midnight (StoreFixture  *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(FdAgentStats) bob = NULL;
  const FdStats *sales;
  Day d;

  make_day (fx->store, &d);
  rows = fd_store_get_stats (fx->store, d.org, DAY + 25 * HOUR, DAY + 24 * HOUR, &error);
  g_assert_no_error (error);
  sales = rows->pdata[0];
  g_assert_cmpint (sales->waiting, ==, 1);
  /* #6 has waited from 05:00 to 01:00 the next day: 20 h. */
  g_assert_cmpint (sales->longest_wait_seconds, ==, 20 * 3600);
  g_assert_cmpint (sales->reserved, ==, 1);
  g_assert_cmpint (sales->missed_today, ==, 0);
  g_assert_cmpint (sales->closed_today, ==, 0);
  g_assert_cmpint (sales->offered_today, ==, 0);
  g_assert_cmpint (sales->answered_today, ==, 0);
  g_assert_cmpint (sales->average_handle_seconds, ==, 0);
  g_assert_cmpint (sales->average_first_reply_seconds, ==, 0);
  g_assert_cmpint (sales->rated_today, ==, 0);
  g_assert_cmpint (sales->average_rating_x100, ==, 0);
  g_assert_cmpint (sales->service_level_percent, ==, -1);

  bob = fd_store_get_agent_stats (fx->store, d.org, d.bob, DAY + 25 * HOUR, DAY + 24 * HOUR, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bob->closed_today, ==, 0);
  g_assert_cmpint (bob->held, ==, 1);
  g_assert_cmpint (bob->average_handle_seconds, ==, 0);
  g_assert_cmpint (bob->rated_today, ==, 0);
}

static void
test_agent_figures (StoreFixture  *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdAgentStats) alice = NULL;
  g_autoptr(FdAgentStats) bob = NULL;
  g_autoptr(FdAgentStats) stranger = NULL;
  g_autoptr(GHashTable) held = NULL;
  gint64 beta, carol;
  Day d;

  make_day (fx->store, &d);

  /* Alice: #1 (600 s, 5), #2 (300 s, reply 30 s, 4), #9 (3600 s, reply
   * 600 s, 3), #10 (100 s, 4); #7 was yesterday. Handle 4600 / 4 = 1150;
   * first reply (30 + 600) / 2 = 315 (#1 arrived yesterday); rating 16 / 4
   * = 4.00. */
  alice = fd_store_get_agent_stats (fx->store, d.org, d.alice, NOON, DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (alice->closed_today, ==, 4);
  g_assert_cmpint (alice->held, ==, 0);
  g_assert_cmpint (alice->average_handle_seconds, ==, 1150);
  g_assert_cmpint (alice->average_first_reply_seconds, ==, 315);
  g_assert_cmpint (alice->rated_today, ==, 4);
  g_assert_cmpint (alice->average_rating_x100, ==, 400);

  /* Bob: #3 (900 s, reply 60 s), #4 held (reply 10 s), #11 (200 s, 5),
   * #12 (300 s, 5). Handle 1400 / 3 = 466; first reply 70 / 2 = 35. */
  bob = fd_store_get_agent_stats (fx->store, d.org, d.bob, NOON, DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bob->closed_today, ==, 3);
  g_assert_cmpint (bob->held, ==, 1);
  g_assert_cmpint (bob->average_handle_seconds, ==, 466);
  g_assert_cmpint (bob->average_first_reply_seconds, ==, 35);
  g_assert_cmpint (bob->rated_today, ==, 2);
  g_assert_cmpint (bob->average_rating_x100, ==, 500);

  held = fd_store_count_held (fx->store, d.org, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (held), ==, 1);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (held, &d.bob)), ==, 1);

  /* Bob's id asked in another organization finds nothing of his. */
  beta = make_org (fx->store, "Beta");
  carol = make_agent (fx->store, beta, "carol@beta.test");
  stranger = fd_store_get_agent_stats (fx->store, beta, d.bob, NOON, DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stranger->closed_today, ==, 0);
  g_assert_cmpint (stranger->held, ==, 0);
  g_clear_pointer (&stranger, fd_agent_stats_free);
  stranger = fd_store_get_agent_stats (fx->store, beta, carol, NOON, DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stranger->closed_today, ==, 0);
  g_clear_pointer (&held, g_hash_table_unref);
  held = fd_store_count_held (fx->store, beta, &error);
  g_assert_cmpuint (g_hash_table_size (held), ==, 0);
}

/* The threshold: 0 is the default, 1–3600 are kept, others refused. */
static void
test_service_level_setting (StoreFixture  *fx,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 org = make_org (fx->store, "Acme");
  gint64 id = make_queue_sl (fx->store, org, "Sales", 0);
  g_autoptr(FdQueue) queue = fd_store_get_queue (fx->store, org, id, &error);
  g_autoptr(FdQueue) bad = fd_queue_new ();

  g_assert_no_error (error);
  g_assert_cmpint (queue->service_level_seconds, ==, FD_STORE_SERVICE_LEVEL_DEFAULT);
  queue->service_level_seconds = 3600;
  g_assert_true (fd_store_update_queue (fx->store, queue, &error));
  g_clear_pointer (&queue, fd_queue_free);
  queue = fd_store_get_queue (fx->store, org, id, &error);
  g_assert_cmpint (queue->service_level_seconds, ==, 3600);

  queue->service_level_seconds = 3601;
  g_assert_false (fd_store_update_queue (fx->store, queue, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  bad->organization_id = org;
  bad->name = g_strdup ("Bad");
  bad->service_level_seconds = -5;
  g_assert_false (fd_store_create_queue (fx->store, bad, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_pointer (&queue, fd_queue_free);
  queue = fd_store_get_queue (fx->store, org, id, NULL);
  g_assert_cmpint (queue->service_level_seconds, ==, 3600);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST_ADD ("stats/day-rows", test_day_rows);
  STORE_TEST_ADD ("stats/midnight", test_midnight);
  STORE_TEST_ADD ("stats/agent-figures", test_agent_figures);
  STORE_TEST_ADD ("stats/service-level-setting", test_service_level_setting);

  return g_test_run ();
}
