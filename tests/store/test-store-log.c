/* The Activity Log in the store (docs/store.md, "The Activity Log"): a
 * conversation scripted with explicit times (a deterministic clock) has
 * the metrics the log and get-conversation show; who held it (a transfer
 * puts it in both logs); the handle time of an open conversation runs to
 * the `now` given; the search text is quoted, never FTS5 syntax; the
 * full-text index follows the messages, also when an organization goes. */

#include "store-test.h"
#include "fd-store-log.h"

#include <sqlite3.h>

#define SECONDS(n) ((gint64) (n) * G_USEC_PER_SEC)

static gint64
append (FdStore      *store,
        gint64        org_id,
        gint64        conversation_id,
        FdDirection   direction,
        gint64        agent_id,
        const char   *text,
        gint64        at)
{
  g_autoptr(FdMessage) msg = fd_message_new ();
  g_autoptr(FdMessage) stored = NULL;
  g_autoptr(GError) error = NULL;

  msg->organization_id = org_id;
  msg->conversation_id = conversation_id;
  msg->direction = direction;
  msg->agent_id = agent_id;
  msg->text = g_strdup (text);
  msg->created_at = at;
  stored = fd_store_append_message (store, msg, NULL, &error);
  g_assert_no_error (error);
  return stored->id;
}

static FdConversation *
get (FdStore *store,
     gint64   org_id,
     gint64   id)
{
  g_autoptr(GError) error = NULL;
  FdConversation *conv = fd_store_get_conversation (store, org_id, id, TRUE, &error);

  g_assert_no_error (error);
  return conv;
}

static void
update (FdStore        *store,
        FdConversation *conv)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_store_update_conversation (store, conv, &error));
  g_assert_no_error (error);
}

static GPtrArray *
list (FdStore                *store,
      gint64                  org_id,
      const FdStoreLogQuery  *query)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = fd_store_list_conversation_log (store, org_id, query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rows);
  return rows;
}

static const FdLogEntry *
find (GPtrArray *rows,
      gint64     id)
{
  for (guint i = 0; i < rows->len; i++)
    if (((const FdLogEntry *) g_ptr_array_index (rows, i))->id == id)
      return g_ptr_array_index (rows, i);
  return NULL;
}

static void
test_scripted_metrics (StoreFixture  *fx,
                       gconstpointer  data)
{
  gint64 acme = make_org (fx->store, "Acme");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 bob = make_agent (fx->store, acme, "bob@acme.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  gint64 id = make_conversation (fx->store, acme, chat, "grace@example.test", T0);
  gint64 waiting = make_conversation (fx->store, acme, chat, "ada@example.test", T0 + SECONDS (5));
  g_autoptr(FdConversation) conv = get (fx->store, acme, id);
  g_autoptr(FdConversation) read = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  FdStoreLogQuery query = { .holder_id = alice, .limit = 10, .now = T0 + SECONDS (100) };
  const FdLogEntry *entry;

  /* The script: the customer writes at T0 + 2 s; Alice reserves at
   * T0 + 10 s and answers at T0 + 25 s; she transfers to Bob at
   * T0 + 40 s; Bob closes at T0 + 130 s; the customer rates 4. */
  append (fx->store, acme, id, FD_DIRECTION_IN, 0, "My parcel never came", T0 + SECONDS (2));
  conv->state = FD_CONVERSATION_RESERVED;
  conv->agent_id = alice;
  conv->first_assigned_at = conv->reserved_at = T0 + SECONDS (10);
  update (fx->store, conv);

  /* Open: the handle time runs to the `now` the caller gives. */
  rows = list (fx->store, acme, &query);
  g_assert_cmpuint (rows->len, ==, 1);
  entry = g_ptr_array_index (rows, 0);
  g_assert_cmpint (entry->handle_seconds, ==, 90);
  g_assert_cmpint (entry->state, ==, FD_CONVERSATION_RESERVED);
  g_assert_cmpint (entry->closed_at, ==, 0);
  g_clear_pointer (&rows, g_ptr_array_unref);
  query.now = T0 + SECONDS (11);
  rows = list (fx->store, acme, &query);
  g_assert_cmpint (((const FdLogEntry *) g_ptr_array_index (rows, 0))->handle_seconds, ==, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);

  append (fx->store, acme, id, FD_DIRECTION_OUT, alice, "Let me look", T0 + SECONDS (25));
  conv->first_reply_at = T0 + SECONDS (25);
  update (fx->store, conv);
  conv->agent_id = bob;
  conv->reserved_at = T0 + SECONDS (40);
  update (fx->store, conv);
  conv->state = FD_CONVERSATION_CLOSED;
  conv->closed_at = T0 + SECONDS (130);
  conv->rating = 4;
  conv->comment = g_strdup ("Quick, thank you");
  update (fx->store, conv);

  /* The metrics as get-conversation reads them. */
  read = get (fx->store, acme, id);
  g_assert_cmpint (read->first_assigned_at, ==, T0 + SECONDS (10));
  g_assert_cmpint (read->first_reply_at, ==, T0 + SECONDS (25));
  g_assert_cmpint (read->closed_at, ==, T0 + SECONDS (130));
  g_assert_cmpint (read->rating, ==, 4);
  g_assert_cmpstr (read->comment, ==, "Quick, thank you");
  /* First reply time = first_reply_at − first_assigned_at. */
  g_assert_cmpint ((read->first_reply_at - read->first_assigned_at) / G_USEC_PER_SEC, ==, 15);

  /* Closed: handle time = closed − first assigned, whatever `now` is; in
   * both holders' logs. */
  for (int who = 0; who < 2; who++)
    {
      query.holder_id = who == 0 ? alice : bob;
      query.now = T0 + SECONDS (100000);
      rows = list (fx->store, acme, &query);
      g_assert_cmpuint (rows->len, ==, 1);
      entry = g_ptr_array_index (rows, 0);
      g_assert_cmpint (entry->id, ==, id);
      g_assert_cmpint (entry->handle_seconds, ==, 120);
      g_assert_cmpint (entry->first_assigned_at, ==, T0 + SECONDS (10));
      g_assert_cmpint (entry->closed_at, ==, T0 + SECONDS (130));
      g_assert_cmpint (entry->state, ==, FD_CONVERSATION_CLOSED);
      g_assert_cmpint (entry->agent_id, ==, bob);
      g_assert_cmpint (entry->rating, ==, 4);
      g_assert_cmpstr (entry->queue_name, ==, "Sales");
      g_assert_cmpstr (entry->remote_party, ==, "Visitor");
      g_clear_pointer (&rows, g_ptr_array_unref);
    }

  /* A conversation nobody took has no handle time (-1); the queue's
   * scope lists it, nobody's holding does. */
  query.holder_id = 0;
  query.queue_ids_json = "[999]";
  rows = list (fx->store, acme, &query);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_ptr_array_unref);
  query.queue_ids_json = NULL;
  query.all_queues = TRUE;
  rows = list (fx->store, acme, &query);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (find (rows, waiting)->handle_seconds, ==, -1);
  g_assert_cmpint (find (rows, waiting)->first_assigned_at, ==, 0);
}

static void
test_match_quoting (void)
{
  static const struct { const char *text; const char *match; } cases[] = {
    { "parcel", "\"parcel\"" },
    { "  my   parcel ", "\"my\" \"parcel\"" },
    { "\"a\" OR b*", "\"\"\"a\"\"\" \"OR\" \"b*\"" },
    { "NEAR(", "\"NEAR(\"" },
    { "\"", "\"\"\"\"" },
    { "text:x", "\"text:x\"" },
    { "café", "\"café\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *match = fd_store_log_match (cases[i].text);

      g_assert_cmpstr (match, ==, cases[i].match);
    }
  g_assert_null (fd_store_log_match (NULL));
  g_assert_null (fd_store_log_match (""));
  g_assert_null (fd_store_log_match (" \t\n"));
}

static void
fts_integrity_check (const char *path)
{
  sqlite3 *db = NULL;
  char *errmsg = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, "INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')", NULL, NULL,
                    &errmsg) != SQLITE_OK)
    g_error ("The full-text index does not match the messages: %s", errmsg);
  sqlite3_close (db);
}

static void
test_index_follows_messages (StoreFixture  *fx,
                             gconstpointer  data)
{
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 zed = make_agent (fx->store, beta, "zed@beta.test");
  gint64 acme_chat = make_stream (fx->store, acme, make_queue (fx->store, acme, "Sales"), FD_STREAM_WEBCHAT, "Chat");
  gint64 beta_chat = make_stream (fx->store, beta, make_queue (fx->store, beta, "Beta"), FD_STREAM_WEBCHAT, "Chat");
  gint64 a = make_conversation (fx->store, acme, acme_chat, "one@example.test", T0);
  gint64 b = make_conversation (fx->store, beta, beta_chat, "two@example.test", T0);
  g_autoptr(FdConversation) conv_a = get (fx->store, acme, a);
  g_autoptr(FdConversation) conv_b = get (fx->store, beta, b);
  g_autofree char *match = fd_store_log_match ("walrus");
  FdStoreLogQuery query = { .all_queues = TRUE, .limit = 10, .now = T0, .match = match };
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  conv_a->agent_id = alice;
  update (fx->store, conv_a);
  conv_b->agent_id = zed;
  update (fx->store, conv_b);
  append (fx->store, acme, a, FD_DIRECTION_IN, 0, "A walrus ate my order", T0);
  append (fx->store, beta, b, FD_DIRECTION_IN, 0, "The walrus is back", T0);
  fts_integrity_check (fx->path);

  /* Each organization finds its own. */
  rows = list (fx->store, acme, &query);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (((const FdLogEntry *) g_ptr_array_index (rows, 0))->id, ==, a);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Deleting an organization takes its messages out of the index. */
  g_assert_true (fd_store_delete_organization (fx->store, beta, &error));
  g_assert_no_error (error);
  fts_integrity_check (fx->path);
  rows = list (fx->store, acme, &query);
  g_assert_cmpuint (rows->len, ==, 1);
}

/* How many messages of the full-text index hold @word (read behind the
 * store's back: what the index holds now, without bringing it up to date). */
static gint64
fts_count (const char *path,
           const char *word)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, word, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

static guint
search_count (FdStore    *store,
              gint64      org_id,
              const char *text)
{
  g_autofree char *match = fd_store_log_match (text);
  FdStoreLogQuery query = { .all_queues = TRUE, .limit = 10, .now = T0, .match = match };
  g_autoptr(GPtrArray) rows = list (store, org_id, &query);

  return rows->len;
}

/* The index is kept in batches (FD_STORE_LOG_INDEX_BATCH messages): a
 * search still finds the message stored just before it, each message is
 * indexed once, whether the batch filled, a search came, the store was
 * reopened with messages not yet indexed, or rows written behind the
 * store's back were indexed by a 'rebuild'. */
static void
test_index_in_batches (StoreFixture  *fx,
                       gconstpointer  data)
{
  gint64 acme = make_org (fx->store, "Acme");
  gint64 chat = make_stream (fx->store, acme, make_queue (fx->store, acme, "Sales"), FD_STREAM_WEBCHAT, "Chat");
  gint64 first = make_conversation (fx->store, acme, chat, "one@example.test", T0);
  gint64 last = make_conversation (fx->store, acme, chat, "two@example.test", T0);
  g_autoptr(GError) error = NULL;
  guint i;

  /* The first message after opening is indexed at once; the next ones
   * when a batch of them is stored. */
  append (fx->store, acme, first, FD_DIRECTION_IN, 0, "an auk", T0);
  g_assert_cmpint (fts_count (fx->path, "auk"), ==, 1);
  for (i = 0; i + 1 < FD_STORE_LOG_INDEX_BATCH; i++)
    append (fx->store, acme, first, FD_DIRECTION_IN, 0, "an albatross flew by", T0);
  g_assert_cmpint (fts_count (fx->path, "albatross"), ==, 0);
  append (fx->store, acme, last, FD_DIRECTION_IN, 0, "a lone pelican", T0);
  g_assert_cmpint (fts_count (fx->path, "albatross"), ==, FD_STORE_LOG_INDEX_BATCH - 1);
  g_assert_cmpint (fts_count (fx->path, "pelican"), ==, 1);

  /* The message stored just before the search is found. */
  append (fx->store, acme, last, FD_DIRECTION_IN, 0, "a petrel", T0);
  g_assert_cmpint (fts_count (fx->path, "petrel"), ==, 0);
  g_assert_cmpuint (search_count (fx->store, acme, "petrel"), ==, 1);
  g_assert_cmpint (fts_count (fx->path, "petrel"), ==, 1);
  g_assert_cmpuint (search_count (fx->store, acme, "albatross"), ==, 1);
  g_assert_cmpint (fts_count (fx->path, "albatross"), ==, FD_STORE_LOG_INDEX_BATCH - 1);
  fts_integrity_check (fx->path);

  /* Reopened with a message not indexed: the next search finds it. */
  append (fx->store, acme, last, FD_DIRECTION_IN, 0, "a puffin too", T0);
  g_clear_pointer (&fx->store, fd_store_free);
  g_assert_cmpint (fts_count (fx->path, "puffin"), ==, 0);
  fx->store = fd_store_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (search_count (fx->store, acme, "puffin"), ==, 1);
  g_assert_cmpint (fts_count (fx->path, "puffin"), ==, 1);

  /* The first message after reopening indexes what was left, at once. */
  append (fx->store, acme, last, FD_DIRECTION_IN, 0, "a gannet", T0);
  g_clear_pointer (&fx->store, fd_store_free);
  fx->store = fd_store_open (fx->path, &error);
  g_assert_no_error (error);
  append (fx->store, acme, last, FD_DIRECTION_IN, 0, "a tern", T0);
  g_assert_cmpint (fts_count (fx->path, "gannet"), ==, 1);
  g_assert_cmpint (fts_count (fx->path, "tern"), ==, 1);

  /* A message written behind the store's back, indexed by a 'rebuild'
   * (as tests/common/fd-test-seed.c does), is not indexed twice. */
  append (fx->store, acme, last, FD_DIRECTION_IN, 0, "a cormorant", T0);
  g_clear_pointer (&fx->store, fd_store_free);
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (fx->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  fx->store = fd_store_open (fx->path, &error);
  g_assert_no_error (error);
  append (fx->store, acme, last, FD_DIRECTION_IN, 0, "a cormorant again", T0);
  g_assert_cmpuint (search_count (fx->store, acme, "cormorant"), ==, 1);
  g_assert_cmpint (fts_count (fx->path, "cormorant"), ==, 2);
  g_assert_cmpint (fts_count (fx->path, "albatross"), ==, FD_STORE_LOG_INDEX_BATCH - 1);
  fts_integrity_check (fx->path);
}

/* An organization deleted while some of its messages are not indexed yet,
 * its last message being the store's last: the index stays sound, and the
 * ids the next messages take again are indexed. */
static void
test_index_after_delete (StoreFixture  *fx,
                         gconstpointer  data)
{
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 acme_chat = make_stream (fx->store, acme, make_queue (fx->store, acme, "Sales"), FD_STREAM_WEBCHAT, "Chat");
  gint64 beta_chat = make_stream (fx->store, beta, make_queue (fx->store, beta, "Beta"), FD_STREAM_WEBCHAT, "Chat");
  gint64 a = make_conversation (fx->store, acme, acme_chat, "one@example.test", T0);
  gint64 b = make_conversation (fx->store, beta, beta_chat, "two@example.test", T0);
  g_autoptr(GError) error = NULL;
  gint64 gone, again;

  append (fx->store, acme, a, FD_DIRECTION_IN, 0, "an osprey", T0);
  g_assert_cmpuint (search_count (fx->store, acme, "osprey"), ==, 1);
  gone = append (fx->store, beta, b, FD_DIRECTION_IN, 0, "a kestrel", T0);
  g_assert_true (fd_store_delete_organization (fx->store, beta, &error));
  g_assert_no_error (error);
  fts_integrity_check (fx->path);
  g_assert_cmpint (fts_count (fx->path, "kestrel"), ==, 0);

  again = append (fx->store, acme, a, FD_DIRECTION_IN, 0, "a merlin", T0);
  g_assert_cmpint (again, ==, gone);
  g_assert_cmpuint (search_count (fx->store, acme, "merlin"), ==, 1);
  g_assert_cmpint (fts_count (fx->path, "merlin"), ==, 1);
  g_assert_cmpint (fts_count (fx->path, "osprey"), ==, 1);
  fts_integrity_check (fx->path);
}

/* Every row of @query's order, a page of @limit at a time, each page
 * asked after the keyset of the last row (as fd-center-log.c does);
 * returns the ids in order. */
static GArray *
walk (FdStore          *store,
      gint64            org_id,
      FdStoreLogQuery  *query,
      guint             limit)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *text = NULL;

  query->limit = limit;
  query->after = FALSE;
  for (;;)
    {
      g_autoptr(GPtrArray) rows = list (store, org_id, query);
      const FdLogEntry *last;

      for (guint i = 0; i < rows->len; i++)
        g_array_append_val (ids, ((const FdLogEntry *) g_ptr_array_index (rows, i))->id);
      if (rows->len < limit)
        {
          /* The text is freed with this call: the query must not keep it. */
          query->after = FALSE;
          query->after_text = NULL;
          return ids;
        }
      last = g_ptr_array_index (rows, rows->len - 1);
      query->after = TRUE;
      query->after_id = last->id;
      query->after_key = query->sort == FD_LOG_SORT_DURATION ? last->handle_seconds : last->first_assigned_at;
      g_free (text);
      text = g_strdup (query->sort == FD_LOG_SORT_QUEUE ? last->queue_name : last->remote_party);
      query->after_text = text;
    }
}

static void
assert_ids (GArray       *ids,
            const gint64 *expected,
            guint         n)
{
  g_assert_cmpuint (ids->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, expected[i]);
}

/* The sort keys the triggers keep (log_handle, log_party, log_queue):
 * the duration order merges the stored handle times with the running
 * ones at the `now` given, across pages; a contact or queue renamed is
 * sorted and shown by its new name. */
static void
test_sort_keys (StoreFixture  *fx,
                gconstpointer  data)
{
  gint64 acme = make_org (fx->store, "Acme");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  gint64 now = T0 + SECONDS (1000);
  gint64 ids[4];
  /* handle: 100 s closed, 50 s running, 20 s closed, never assigned. */
  const gint64 assigned[4] = { T0, now - SECONDS (50), T0 + SECONDS (10), 0 };
  const gint64 closed[4] = { T0 + SECONDS (100), 0, T0 + SECONDS (30), 0 };
  const char * const emails[4] = { "a@example.test", "b@example.test", "c@example.test", "d@example.test" };
  FdStoreLogQuery query = { .all_queues = TRUE, .now = now, .sort = FD_LOG_SORT_DURATION };
  g_autoptr(GArray) order = NULL;
  g_autoptr(FdContact) contact = NULL;
  g_autoptr(FdQueue) queue = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(FdConversation) conv = NULL;

      ids[i] = make_conversation (fx->store, acme, chat, emails[i], T0);
      conv = get (fx->store, acme, ids[i]);
      conv->agent_id = assigned[i] > 0 ? alice : 0;
      conv->first_assigned_at = assigned[i];
      conv->closed_at = closed[i];
      conv->state = closed[i] > 0 ? FD_CONVERSATION_CLOSED
                                  : assigned[i] > 0 ? FD_CONVERSATION_RESERVED : FD_CONVERSATION_MISSED;
      update (fx->store, conv);
    }

  for (guint limit = 1; limit <= 5; limit += 2)
    {
      const gint64 ascending[4] = { ids[3], ids[2], ids[1], ids[0] };
      const gint64 descending[4] = { ids[0], ids[1], ids[2], ids[3] };

      query.descending = FALSE;
      order = walk (fx->store, acme, &query, limit);
      assert_ids (order, ascending, 4);
      g_clear_pointer (&order, g_array_unref);
      query.descending = TRUE;
      order = walk (fx->store, acme, &query, limit);
      assert_ids (order, descending, 4);
      g_clear_pointer (&order, g_array_unref);
    }
  /* Later, the running one passes the longest closed one. */
  query.now = now + SECONDS (60);
  query.descending = TRUE;
  order = walk (fx->store, acme, &query, 2);
  {
    const gint64 later[4] = { ids[1], ids[0], ids[2], ids[3] };

    assert_ids (order, later, 4);
  }
  g_clear_pointer (&order, g_array_unref);

  /* The contacts are all named "Visitor": by remote party, ties by id.
   * Renamed, the first sorts last and shows its new name. */
  {
    g_autoptr(FdConversation) first = get (fx->store, acme, ids[0]);

    contact = fd_store_get_contact (fx->store, acme, first->contact_id, &error);
  }
  g_assert_no_error (error);
  g_free (contact->name);
  contact->name = g_strdup ("zoe");
  g_assert_true (fd_store_update_contact (fx->store, contact, &error));
  g_assert_no_error (error);
  query.sort = FD_LOG_SORT_REMOTE_PARTY;
  query.descending = FALSE;
  order = walk (fx->store, acme, &query, 3);
  {
    const gint64 by_party[4] = { ids[1], ids[2], ids[3], ids[0] };

    assert_ids (order, by_party, 4);
  }
  g_clear_pointer (&order, g_array_unref);

  queue = fd_store_get_queue (fx->store, acme, sales, &error);
  g_assert_no_error (error);
  g_free (queue->name);
  queue->name = g_strdup ("Renamed");
  g_assert_true (fd_store_update_queue (fx->store, queue, &error));
  g_assert_no_error (error);
  query.limit = 10;
  query.after = FALSE;
  query.sort = FD_LOG_SORT_QUEUE;
  rows = list (fx->store, acme, &query);
  g_assert_cmpuint (rows->len, ==, 4);
  g_assert_cmpstr (((const FdLogEntry *) g_ptr_array_index (rows, 0))->queue_name, ==, "Renamed");
  g_assert_cmpint (((const FdLogEntry *) g_ptr_array_index (rows, 0))->id, ==, ids[0]);
  g_assert_cmpstr (((const FdLogEntry *) g_ptr_array_index (rows, 0))->remote_party, ==, "zoe");
  g_assert_cmpstr (((const FdLogEntry *) g_ptr_array_index (rows, 3))->queue_name, ==, "Renamed");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  STORE_TEST_ADD ("log/scripted-metrics", test_scripted_metrics);
  STORE_TEST_ADD ("log/index-follows-messages", test_index_follows_messages);
  STORE_TEST_ADD ("log/sort-keys", test_sort_keys);
  STORE_TEST_ADD ("log/index-in-batches", test_index_in_batches);
  STORE_TEST_ADD ("log/index-after-delete", test_index_after_delete);
  g_test_add_func ("/store/log/match-quoting", test_match_quoting);
  return g_test_run ();
}
