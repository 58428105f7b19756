/* log-bench: the Activity Log over 100,000 conversations
 * (docs/performance.md, "Activity Log").
 *
 * A real frontdeskd with the demo site; while it is stopped, its database
 * gets N conversations with their messages (fd_test_seed_log(): one
 * transaction, then the full-text index rebuilt). Then, over the agent
 * websocket as the app asks (list-conversation-log, real request path:
 * frame decoding, the center's checks, the store's SQL, the ack):
 *
 *  - a walk through every page of the default order (assigned date,
 *    newest first, 200 rows a page) as a supervisor who sees all N: every
 *    row exactly once (a correctness check), each page timed;
 *  - the first, middle and last page of the default order, again and
 *    again;
 *  - the first page of every order in both directions;
 *  - a filter (email, one week of assigned dates) and a search (one word
 *    found in one conversation, one word found in all);
 *  - an agent's first page (their own conversations, about half).
 *
 * Anchors measured in the same run: `anchor.fsync_ms` (4 KiB appended and
 * fdatasync'd, as bench/anchors/anchor-fsync, in the server's directory)
 * and the round trip of a `ping` through the same socket
 * (`log.ping_p99_ms`): the log's figures are read beside them.
 *
 * Figures on stdout (FIGURE key value unit [anchor=key]), the rest on
 * stderr; non-zero exit when a check fails. --small: 2,000 conversations
 * and few rounds (CI). */

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "fd-test-client.h"
#include "fd-test-seed.h"
#include "fd-protocol.h"

#define BASE G_GINT64_CONSTANT (1735689600000000)   /* 2025-01-01T00:00:00Z */

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Percentile @p (nearest rank) of @times (sorted here), in ms. */
static double
percentile (GArray *times,
            double  p)
{
  guint rank;

  g_assert (times->len > 0);
  g_array_sort (times, compare_double);
  rank = (guint) MAX (1.0, (p / 100.0) * times->len + 0.999999);
  return g_array_index (times, double, MIN (rank, times->len) - 1);
}

static void
figure (const char *key,
        double      value,
        const char *unit,
        const char *anchor)
{
  if (anchor != NULL)
    printf ("FIGURE %s %.3f %s anchor=%s\n", key, value, unit, anchor);
  else
    printf ("FIGURE %s %.3f %s\n", key, value, unit);
  fflush (stdout);
}

/* One request, timed: its page (the caller frees the frame). */
static FdFrame *
timed_page (FdTestAgent  *agent,
            FdLogQuery   *query,
            GArray       *times)
{
  gint64 start = g_get_monotonic_time ();
  FdFrame *ack = fd_test_agent_expect_ack (agent, FD_FRAME_LIST_CONVERSATION_LOG, query);
  double ms = (g_get_monotonic_time () - start) / 1000.0;

  g_array_append_val (times, ms);
  return ack;
}

static FdLogQuery *
query_new (FdLogSort   sort,
           gboolean    descending,
           gint        limit,
           const char *cursor)
{
  FdLogQuery *query = fd_log_query_new ();

  query->sort = sort;
  query->descending = descending;
  query->limit = limit;
  query->cursor = g_strdup (cursor);
  return query;
}

/* The median of @rounds fdatasync(2) of 4 KiB appended in @dir, in ms. */
static double
fsync_anchor (const char *dir,
              guint       rounds)
{
  g_autofree char *path = g_build_filename (dir, "anchor-fsync-XXXXXX", NULL);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  char block[4096];
  int fd = g_mkstemp (path);

  if (fd < 0)
    g_error ("Cannot make a file in %s", dir);
  memset (block, 'x', sizeof block);
  for (guint i = 0; i < rounds; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double ms;

      if (write (fd, block, sizeof block) != (ssize_t) sizeof block || fdatasync (fd) != 0)
        g_error ("Writing %s failed", path);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
    }
  close (fd);
  g_unlink (path);
  return percentile (times, 50);
}

int
main (int   argc,
      char *argv[])
{
  gboolean small = FALSE;
  int conversations = 0;
  GOptionEntry entries[] = {
    { "small", 0, 0, G_OPTION_ARG_NONE, &small, "2,000 conversations, few rounds (CI)", NULL },
    { "conversations", 0, 0, G_OPTION_ARG_INT, &conversations, "Conversations to seed (default 100,000)", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("— Activity Log benchmark (docs/performance.md)");
  g_autoptr(GError) error = NULL;
  g_autoptr(FdTestServer) server = NULL;
  g_autoptr(FdTestAgent) natalie = NULL;
  g_autoptr(FdTestAgent) jenna = NULL;
  g_autoptr(GArray) all_pages = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) walk = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) middle = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) last = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) sorts = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) filters = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) searches = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rare = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) common_word = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) agent_pages = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pings = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree char *middle_cursor = NULL;
  g_autofree char *last_cursor = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *one_word = NULL;
  guint n, rounds, pages = 0;
  gint64 started, first_id;
  double seed_s, fsync_ms, worst_sort = 0;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || conversations < 0 || conversations > 10000000)
    {
      g_printerr ("usage: log-bench [--small] [--conversations N]\n");
      return 2;
    }
  n = conversations > 0 ? (guint) conversations : small ? 2000 : 100000;
  rounds = small ? 5 : 50;

  server = fd_test_server_new_started ();
  fd_test_admin_import_demo (server);
  fd_test_server_stop (server);
  started = g_get_monotonic_time ();
  first_id = fd_test_seed_log (fd_test_server_get_db_path (server), n, BASE);
  seed_s = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  g_printerr ("seeded %u conversations in %.1f s\n", n, seed_s);
  fd_test_server_start (server);
  natalie = fd_test_agent_sign_in (server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  fd_test_agent_connect (natalie);
  jenna = fd_test_agent_sign_in (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  fd_test_agent_connect (jenna);

  fsync_ms = fsync_anchor (fd_test_server_get_dir (server), small ? 20 : 200);
  for (guint i = 0; i < (small ? 20u : 500u); i++)
    {
      gint64 start = g_get_monotonic_time ();
      FdFrame *pong = fd_test_agent_request (natalie, FD_FRAME_PING, NULL);
      double ms = (g_get_monotonic_time () - start) / 1000.0;

      fd_frame_free (pong);
      g_array_append_val (pings, ms);
    }

  /* The walk: every row once; the cursors of the middle and last pages. */
  do
    {
      g_autoptr(FdFrame) ack = timed_page (natalie, query_new (FD_LOG_SORT_ASSIGNED, TRUE, FD_LOG_MAX_LIMIT, cursor),
                                           walk);
      const FdLogPage *page = ack->body;

      for (guint i = 0; i < page->items->len; i++)
        {
          const FdLogEntry *entry = g_ptr_array_index (page->items, i);

          if (!g_hash_table_add (seen, g_memdup2 (&entry->id, sizeof entry->id)))
            g_error ("Conversation %" G_GINT64_FORMAT " came twice", entry->id);
        }
      pages++;
      if (pages == (n / FD_LOG_MAX_LIMIT) / 2)
        middle_cursor = g_strdup (cursor);
      if (page->next_cursor == NULL)
        last_cursor = g_strdup (cursor);
      g_free (cursor);
      cursor = g_strdup (page->next_cursor);
    }
  while (cursor != NULL);
  if (g_hash_table_size (seen) != n)
    g_error ("The walk saw %u conversations of %u", g_hash_table_size (seen), n);
  g_printerr ("walked %u pages of %d\n", pages, FD_LOG_MAX_LIMIT);
  if (middle_cursor == NULL)
    middle_cursor = g_strdup (last_cursor);

  one_word = g_strdup_printf ("tok%u", n / 2 + 1);
  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(FdFrame) a = timed_page (natalie, query_new (FD_LOG_SORT_ASSIGNED, TRUE, 50, NULL), first);
      g_autoptr(FdFrame) b = timed_page (natalie, query_new (FD_LOG_SORT_ASSIGNED, TRUE, FD_LOG_MAX_LIMIT, middle_cursor), middle);
      g_autoptr(FdFrame) c = timed_page (natalie, query_new (FD_LOG_SORT_ASSIGNED, TRUE, FD_LOG_MAX_LIMIT, last_cursor), last);
      g_autoptr(FdFrame) d = timed_page (jenna, query_new (FD_LOG_SORT_ASSIGNED, TRUE, 50, NULL), agent_pages);
      FdLogQuery *filter = query_new (FD_LOG_SORT_ASSIGNED, TRUE, 50, NULL);
      FdLogQuery *search = query_new (FD_LOG_SORT_ASSIGNED, TRUE, 50, NULL);
      FdLogQuery *common = query_new (FD_LOG_SORT_ASSIGNED, TRUE, 50, NULL);
      g_autoptr(FdFrame) e = NULL;
      g_autoptr(FdFrame) f = NULL;
      g_autoptr(FdFrame) g = NULL;

      if (((FdLogPage *) a->body)->items->len != 50 || ((FdLogPage *) b->body)->items->len == 0 ||
          ((FdLogPage *) c->body)->items->len == 0 || ((FdLogPage *) c->body)->next_cursor != NULL ||
          ((FdLogPage *) d->body)->items->len != 50)
        g_error ("A page of the default order is not what the walk found");

      for (int sort = FD_LOG_SORT_ASSIGNED; sort <= FD_LOG_SORT_REMOTE_PARTY; sort++)
        for (int descending = 0; descending <= 1; descending++)
          {
            g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (double));
            g_autoptr(FdFrame) s = timed_page (natalie, query_new ((FdLogSort) sort, descending, 50, NULL), one);
            double ms = g_array_index (one, double, 0);

            if (((FdLogPage *) s->body)->items->len != 50)
              g_error ("A first page of order %d has %u rows", sort, ((FdLogPage *) s->body)->items->len);
            g_array_append_val (sorts, ms);
          }

      filter->kinds = g_strsplit ("email", ",", -1);
      /* The second quarter of the assigned dates (3 a minute). */
      filter->from = BASE + (gint64) (n / 12) * G_TIME_SPAN_MINUTE;
      filter->to = BASE + (gint64) (n / 6) * G_TIME_SPAN_MINUTE;
      e = timed_page (natalie, filter, filters);
      if (((FdLogPage *) e->body)->items->len == 0)
        g_error ("The filter found nothing");
      for (guint i = 0; i < ((FdLogPage *) e->body)->items->len; i++)
        if (((FdLogEntry *) g_ptr_array_index (((FdLogPage *) e->body)->items, i))->kind != FD_STREAM_EMAIL)
          g_error ("The kind filter let another kind through");

      search->search = g_strdup (one_word);
      f = timed_page (natalie, search, rare);
      if (((FdLogPage *) f->body)->items->len != 1 ||
          ((FdLogEntry *) g_ptr_array_index (((FdLogPage *) f->body)->items, 0))->id != first_id + n / 2 + 1)
        g_error ("The search for one word did not find its one conversation");
      common->search = g_strdup ("order");
      g = timed_page (natalie, common, common_word);
      if (((FdLogPage *) g->body)->items->len != 50)
        g_error ("The search for a common word found %u rows", ((FdLogPage *) g->body)->items->len);
    }

  g_array_append_vals (all_pages, first->data, first->len);
  g_array_append_vals (all_pages, middle->data, middle->len);
  g_array_append_vals (all_pages, last->data, last->len);
  g_array_append_vals (all_pages, sorts->data, sorts->len);
  g_array_append_vals (all_pages, filters->data, filters->len);
  g_array_append_vals (all_pages, agent_pages->data, agent_pages->len);
  g_array_append_vals (searches, rare->data, rare->len);
  g_array_append_vals (searches, common_word->data, common_word->len);
  worst_sort = percentile (sorts, 99);

  figure ("anchor.fsync_ms", fsync_ms, "ms", NULL);
  figure ("log.ping_p99_ms", percentile (pings, 99), "ms", NULL);
  figure ("log.conversations", n, "count", NULL);
  figure ("log.seed_s", seed_s, "s", NULL);
  figure ("log.page_p50_ms", percentile (all_pages, 50), "ms", "anchor.fsync_ms");
  figure ("log.page_p99_ms", percentile (all_pages, 99), "ms", "anchor.fsync_ms");
  figure ("log.walk_page_p99_ms", percentile (walk, 99), "ms", "anchor.fsync_ms");
  figure ("log.first_page_p99_ms", percentile (first, 99), "ms", "anchor.fsync_ms");
  figure ("log.middle_page_p99_ms", percentile (middle, 99), "ms", "anchor.fsync_ms");
  figure ("log.last_page_p99_ms", percentile (last, 99), "ms", "anchor.fsync_ms");
  figure ("log.sort_p99_ms", worst_sort, "ms", "anchor.fsync_ms");
  figure ("log.filter_p99_ms", percentile (filters, 99), "ms", "anchor.fsync_ms");
  figure ("log.search_p99_ms", percentile (searches, 99), "ms", "anchor.fsync_ms");
  figure ("log.search_rare_p99_ms", percentile (rare, 99), "ms", "anchor.fsync_ms");
  figure ("log.search_common_p99_ms", percentile (common_word, 99), "ms", "anchor.fsync_ms");
  figure ("log.agent_page_p99_ms", percentile (agent_pages, 99), "ms", "anchor.fsync_ms");

  g_clear_pointer (&natalie, fd_test_agent_free);
  g_clear_pointer (&jenna, fd_test_agent_free);
  fd_test_server_stop (server);
  return 0;
}
