/* The Activity Log through a real frontdeskd (docs/protocol.md,
 * "list-conversation-log"): a seeded data set (fd_test_seed_log(), whose
 * every expectation follows from the conversation's number i) paged in
 * every order and direction (every row once, ties stable), filtered,
 * searched (hostile FTS5 syntax is literal text), scoped (agent,
 * supervisor, admin, another organization), and opened with
 * get-conversation by those who may and refused to those who may not; and
 * the metrics of a live conversation. */

#include <string.h>

#include "fd-integration.h"
#include "fd-test-seed.h"

#define N_SEEDED 60
/* 2026-01-01T00:00:00Z */
#define BASE G_GINT64_CONSTANT (1767225600000000)
#define MINUTE (60 * G_USEC_PER_SEC)

typedef struct {
  FdTestAgent *jenna;
  FdTestAgent *natalie;
  gint64       first;     /* id of conversation 0 */
} Seeded;

static gboolean
seeded_missed (guint i)
{
  return i % 13 == 12;
}

static gboolean
held_by_jenna (guint i)
{
  return !seeded_missed (i) && (i % 2 == 0 || i % 10 == 9);
}

static gboolean
held_by_natalie (guint i)
{
  return !seeded_missed (i) && i % 2 == 1;
}

static void
seed (FdItDemo *demo,
      Seeded   *s)
{
  fd_test_server_stop (demo->server);
  s->first = fd_test_seed_log (fd_test_server_get_db_path (demo->server), N_SEEDED, BASE);
  fd_test_server_start (demo->server);
  s->jenna = fd_it_connect_agent (demo->server, FD_IT_JENNA);
  s->natalie = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
}

static void
seeded_clear (Seeded *s)
{
  g_clear_pointer (&s->jenna, fd_test_agent_free);
  g_clear_pointer (&s->natalie, fd_test_agent_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Seeded, seeded_clear)

static gint
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static FdLogQuery *
query_new (FdLogSort  sort,
           gboolean   descending,
           gint       limit)
{
  FdLogQuery *query = fd_log_query_new ();

  query->sort = sort;
  query->descending = descending;
  query->limit = limit;
  return query;
}

/* -1, 0, 1 as @a comes before, with or after @b in @sort (ascending). */
static int
compare_entries (FdLogSort          sort,
                 const FdLogEntry  *a,
                 const FdLogEntry  *b)
{
  int c = 0;

  switch (sort)
    {
    case FD_LOG_SORT_ASSIGNED:
      c = a->first_assigned_at < b->first_assigned_at ? -1 : a->first_assigned_at > b->first_assigned_at;
      break;
    case FD_LOG_SORT_TYPE:
      c = strcmp (fd_stream_kind_to_string (a->kind), fd_stream_kind_to_string (b->kind));
      break;
    case FD_LOG_SORT_QUEUE:
      c = g_ascii_strcasecmp (a->queue_name, b->queue_name);
      break;
    case FD_LOG_SORT_DURATION:
      c = a->handle_seconds < b->handle_seconds ? -1 : a->handle_seconds > b->handle_seconds;
      break;
    case FD_LOG_SORT_REMOTE_PARTY:
      c = g_ascii_strcasecmp (a->remote_party, b->remote_party);
      break;
    }
  if (c == 0)
    c = a->id < b->id ? -1 : a->id > b->id;
  return c < 0 ? -1 : c > 0;
}

/* Every page of @agent's log for @template (copied per page, with the
 * cursor of the page before): checks the order, that no row comes twice
 * and that only the last page lacks a cursor; returns the rows. */
static GPtrArray *
list_all (FdTestAgent       *agent,
          const FdLogQuery  *template)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_log_entry_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  guint pages = 0;

  do
    {
      FdLogQuery *query = fd_log_query_copy (template);
      g_autoptr(FdFrame) ack = NULL;
      const FdLogPage *page;

      g_free (query->cursor);
      query->cursor = g_steal_pointer (&cursor);
      ack = fd_test_agent_expect_ack (agent, FD_FRAME_LIST_CONVERSATION_LOG, query);
      page = ack->body;
      g_assert_nonnull (page->items);
      g_assert_cmpuint (page->items->len, <=, template->limit > 0 ? (guint) template->limit : FD_LOG_DEFAULT_LIMIT);
      if (page->next_cursor != NULL)
        g_assert_cmpuint (page->items->len, ==, template->limit > 0 ? (guint) template->limit : FD_LOG_DEFAULT_LIMIT);
      for (guint i = 0; i < page->items->len; i++)
        {
          const FdLogEntry *entry = g_ptr_array_index (page->items, i);

          if (!g_hash_table_add (seen, g_memdup2 (&entry->id, sizeof entry->id)))
            g_error ("Conversation %" G_GINT64_FORMAT " came twice", entry->id);
          if (rows->len > 0)
            {
              const FdLogEntry *before = g_ptr_array_index (rows, rows->len - 1);
              int c = compare_entries (template->sort, before, entry);

              g_assert_cmpint (c, ==, template->descending ? 1 : -1);
            }
          g_ptr_array_add (rows, fd_log_entry_copy (entry));
        }
      cursor = g_strdup (page->next_cursor);
      g_assert_cmpuint (++pages, <, 1000);
    }
  while (cursor != NULL);
  return g_steal_pointer (&rows);
}

/* The conversation numbers (i) of @rows, sorted, as a string "0 2 4 …". */
static char *
numbers_of (GPtrArray *rows,
            gint64     first)
{
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (gint64));
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++)
    {
      const FdLogEntry *entry = g_ptr_array_index (rows, i);
      gint64 n = entry->id - first;

      g_array_append_val (numbers, n);
    }
  g_array_sort (numbers, compare_int64);
  for (guint i = 0; i < numbers->len; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "", g_array_index (numbers, gint64, i));
  return g_string_free (text, FALSE);
}

/* The numbers i < N_SEEDED for which @keep is TRUE, as numbers_of(). */
static char *
expected_numbers (gboolean (*keep) (guint i))
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < N_SEEDED; i++)
    if (keep == NULL || keep (i))
      g_string_append_printf (text, "%s%u", text->len > 0 ? " " : "", i);
  return g_string_free (text, FALSE);
}

static gboolean
in_jennas_log (guint i)
{
  return held_by_jenna (i);
}

static void
assert_log (FdTestAgent       *agent,
            const FdLogQuery  *query,
            gint64             first,
            gboolean         (*keep) (guint i))
{
  g_autoptr(GPtrArray) rows = list_all (agent, query);
  g_autofree char *got = numbers_of (rows, first);
  g_autofree char *want = expected_numbers (keep);

  g_assert_cmpstr (got, ==, want);
}

static void
test_scope_and_paging (FdItDemo      *demo,
                       gconstpointer  data)
{
  g_auto(Seeded) s = { 0 };
  g_autoptr(FdTestAgent) ed = NULL;
  g_autoptr(FdTestAgent) olga = NULL;
  g_autoptr(FdLogQuery) first_page = query_new (FD_LOG_SORT_ASSIGNED, FALSE, 5);
  g_autoptr(FdFrame) ack = NULL;
  const FdLogPage *page;
  const FdLogEntry *entry;

  fd_test_admin_import_site (demo->server, fd_it_other_site);
  seed (demo, &s);
  ed = fd_it_connect_agent (demo->server, FD_IT_ED);
  olga = fd_it_connect_agent (demo->server, FD_IT_OLGA);

  /* Every order, both directions, pages of 7 (ties in threes and more
   * cross the pages' edges): every row once, in order. */
  for (int sort = FD_LOG_SORT_ASSIGNED; sort <= FD_LOG_SORT_REMOTE_PARTY; sort++)
    for (int descending = 0; descending <= 1; descending++)
      {
        g_autoptr(FdLogQuery) query = query_new ((FdLogSort) sort, descending, 7);

        g_test_message ("order %s, %s", fd_log_sort_to_string ((FdLogSort) sort),
                        descending ? "descending" : "ascending");
        /* An agent: the conversations they held, a transferred one in
         * both holders' logs. */
        assert_log (s.jenna, query, s.first, in_jennas_log);
        /* A supervisor (a member of both queues) and an admin: all. */
        assert_log (s.natalie, query, s.first, NULL);
        assert_log (ed, query, s.first, NULL);
      }

  /* The fields of a known row: conversation 0 (a web chat of Sales,
   * assigned at BASE, closed 30 s later, with Ada Lovelace). */
  ack = fd_test_agent_expect_ack (s.jenna, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (first_page));
  page = ack->body;
  g_assert_cmpuint (page->items->len, ==, 5);
  g_assert_nonnull (page->next_cursor);
  entry = g_ptr_array_index (page->items, 0);
  g_assert_cmpint (entry->id, ==, s.first);
  g_assert_cmpint (entry->first_assigned_at, ==, BASE);
  g_assert_cmpint (entry->closed_at, ==, BASE + 30 * G_USEC_PER_SEC);
  g_assert_cmpint (entry->kind, ==, FD_STREAM_WEBCHAT);
  g_assert_cmpint (entry->state, ==, FD_CONVERSATION_CLOSED);
  g_assert_cmpint (entry->queue_id, ==, demo->sales);
  g_assert_cmpstr (entry->queue_name, ==, "Sales");
  g_assert_cmpint (entry->handle_seconds, ==, 30);
  g_assert_cmpstr (entry->remote_party, ==, "Ada Lovelace");
  g_assert_null (entry->remote_party_label);
  g_assert_cmpint (entry->rating, ==, 1);

  /* Another organization sees nothing of this one. */
  g_clear_pointer (&ack, fd_frame_free);
  ack = fd_test_agent_expect_ack (olga, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (first_page));
  page = ack->body;
  g_assert_cmpuint (page->items->len, ==, 0);
  g_assert_null (page->next_cursor);
  seeded_clear (&s);
}

static guint
count_log (FdTestAgent *agent,
           FdLogQuery  *query)
{
  g_autoptr(FdLogQuery) owned = query;
  g_autoptr(GPtrArray) rows = list_all (agent, owned);

  return rows->len;
}

static gboolean
is_email (guint i)
{
  return i % 4 == 2;
}

static gboolean
of_support (guint i)
{
  return i % 4 >= 2;
}

static gboolean
assigned_in_minutes_5_to_9 (guint i)
{
  return !seeded_missed (i) && i / 3 >= 5 && i / 3 < 10;
}

static void
test_filters (FdItDemo      *demo,
              gconstpointer  data)
{
  g_auto(Seeded) s = { 0 };
  gint64 support = fd_test_admin_find_id (demo->server, demo->org_id, "queues", "Support");
  g_autoptr(FdLogQuery) query = NULL;
  g_autoptr(FdLogQuery) other_order = NULL;
  g_autoptr(FdFrame) ack = NULL;

  seed (demo, &s);

  query = query_new (FD_LOG_SORT_ASSIGNED, TRUE, 9);
  query->kinds = g_strsplit ("email", ",", -1);
  assert_log (s.natalie, query, s.first, is_email);
  g_clear_pointer (&query, fd_log_query_free);

  query = query_new (FD_LOG_SORT_QUEUE, FALSE, 9);
  query->queue_id = support;
  assert_log (s.natalie, query, s.first, of_support);
  /* Filters add up: no web chat is in Support. */
  query->kinds = g_strsplit ("webchat,callback", ",", -1);
  g_assert_cmpuint (count_log (s.natalie, fd_log_query_copy (query)), ==, 0);
  g_clear_pointer (&query, fd_log_query_free);

  /* The date range bounds the assigned date: from included, to not. */
  query = query_new (FD_LOG_SORT_DURATION, FALSE, 4);
  query->from = BASE + 5 * MINUTE;
  query->to = BASE + 10 * MINUTE;
  assert_log (s.natalie, query, s.first, assigned_in_minutes_5_to_9);
  g_clear_pointer (&query, fd_log_query_free);

  /* Bounded input, typed errors. */
  query = query_new (FD_LOG_SORT_ASSIGNED, FALSE, FD_LOG_MAX_LIMIT + 1);
  fd_test_agent_expect_error (s.natalie, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (query),
                              FD_WIRE_ERROR_INVALID_FIELD);
  query->limit = -1;
  fd_test_agent_expect_error (s.natalie, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (query),
                              FD_WIRE_ERROR_INVALID_FIELD);
  query->limit = 0;
  query->kinds = g_strsplit ("fax", ",", -1);
  fd_test_agent_expect_error (s.natalie, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (query),
                              FD_WIRE_ERROR_INVALID_FIELD);
  g_clear_pointer (&query->kinds, g_strfreev);
  query->from = BASE + 10 * MINUTE;
  query->to = BASE + 5 * MINUTE;
  fd_test_agent_expect_error (s.natalie, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (query),
                              FD_WIRE_ERROR_INVALID_FIELD);
  query->from = query->to = 0;
  query->cursor = g_strdup ("1:0:0:garbage");
  fd_test_agent_expect_error (s.natalie, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (query),
                              FD_WIRE_ERROR_INVALID_FIELD);
  g_clear_pointer (&query->cursor, g_free);
  /* A cursor of another order is refused, not misread. */
  other_order = query_new (FD_LOG_SORT_REMOTE_PARTY, FALSE, 3);
  ack = fd_test_agent_expect_ack (s.natalie, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (other_order));
  g_assert_nonnull (((FdLogPage *) ack->body)->next_cursor);
  query->cursor = g_strdup (((FdLogPage *) ack->body)->next_cursor);
  fd_test_agent_expect_error (s.natalie, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (query),
                              FD_WIRE_ERROR_INVALID_FIELD);
  {
    g_autoptr(FdFrame) too_many = NULL;

    g_clear_pointer (&query->cursor, g_free);
    query->kinds = g_strsplit ("email,email,email,email,email", ",", -1);
    too_many = fd_test_agent_request (s.natalie, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (query));
    fd_it_assert_refused (too_many, FD_WIRE_ERROR_TOO_LARGE, FD_WIRE_ERROR_INVALID_FIELD);
  }
  /* The socket is still fine. */
  g_clear_pointer (&query->kinds, g_strfreev);
  g_assert_cmpuint (count_log (s.natalie, fd_log_query_copy (query)), ==, N_SEEDED);
  seeded_clear (&s);
}

static guint
search_count (FdTestAgent *agent,
              const char  *text)
{
  g_autoptr(FdLogQuery) query = query_new (FD_LOG_SORT_ASSIGNED, FALSE, 0);

  query->search = g_strdup (text);
  return count_log (agent, g_steal_pointer (&query));
}

static void
test_search (FdItDemo      *demo,
             gconstpointer  data)
{
  g_auto(Seeded) s = { 0 };
  /* What FTS5 would read as syntax, and how many conversations the text
   * taken literally (its words, punctuation dropped by the tokenizer)
   * finds: tok14 is in one message; no message has "a", "b", "or", "near"
   * or "not". */
  static const struct { const char *text; guint found; } hostile[] = {
    { "\"a\" OR b*", 0 }, { "NEAR(", 0 }, { "NEAR(tok14 tok16)", 0 }, { "\"unbalanced", 0 },
    { "tok*", 0 }, { "text:tok14", 0 }, { "(", 0 }, { ")", 0 }, { "AND", 0 }, { "OR NOT", 0 },
    { "*", 0 }, { "\"", 0 }, { "{text}: x", 0 }, { "tok14 OR tok16", 0 }, { "tok14 NOT tok16", 0 },
    { "^tok14", 1 }, { "-tok14", 1 }, { "tok14\"", 1 }, { "(tok14)", 1 }, { "\"tok14\"", 1 },
  };

  g_autoptr(FdLogQuery) query = query_new (FD_LOG_SORT_ASSIGNED, FALSE, 0);
  g_autoptr(FdFrame) ack = NULL;
  const FdLogEntry *entry;

  seed (demo, &s);

  /* A word of one message finds that conversation only. */
  query->search = g_strdup ("tok14");
  ack = fd_test_agent_expect_ack (s.natalie, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (query));
  g_assert_cmpuint (((FdLogPage *) ack->body)->items->len, ==, 1);
  entry = g_ptr_array_index (((FdLogPage *) ack->body)->items, 0);
  g_assert_cmpint (entry->id, ==, s.first + 14);
  /* Case does not matter; every word must be there. */
  g_assert_cmpuint (search_count (s.natalie, "TOK14"), ==, 1);
  g_assert_cmpuint (search_count (s.natalie, "order tok14"), ==, 1);
  g_assert_cmpuint (search_count (s.natalie, "order tok14 refund"), ==, 0);
  /* A word of every conversation finds them all, in the scope only. */
  g_assert_cmpuint (search_count (s.natalie, "order"), ==, N_SEEDED);
  {
    guint jennas = 0;

    for (guint i = 0; i < N_SEEDED; i++)
      jennas += held_by_jenna (i);
    g_assert_cmpuint (search_count (s.jenna, "order"), ==, jennas);
  }
  /* The index is scoped like the rows: conversation 15 is Natalie's. */
  g_assert_cmpuint (search_count (s.jenna, "tok15"), ==, 0);
  g_assert_cmpuint (search_count (s.natalie, "tok15"), ==, 1);
  /* A missed conversation's messages are searched too (a supervisor's). */
  g_assert_cmpuint (search_count (s.natalie, "tok12"), ==, 1);
  /* Nothing matches: an empty page. */
  g_assert_cmpuint (search_count (s.natalie, "zebra"), ==, 0);
  /* Blank: no search. */
  g_assert_cmpuint (search_count (s.natalie, "   "), ==, N_SEEDED);

  /* FTS5 syntax is literal text: never an error, never an operator. */
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      guint n;

      g_test_message ("hostile search: %s", hostile[i].text);
      n = search_count (s.natalie, hostile[i].text);
      g_assert_cmpuint (n, ==, hostile[i].found);
    }
  seeded_clear (&s);
}

static void
test_open (FdItDemo      *demo,
           gconstpointer  data)
{
  g_auto(Seeded) s = { 0 };
  gint64 support = fd_test_admin_find_id (demo->server, demo->org_id, "queues", "Support");
  gint64 jenna_id, natalie_id;
  g_autofree char *jenna_path = NULL;
  g_autofree char *natalie_path = NULL;
  g_autoptr(JsonNode) removed_jenna = NULL;
  g_autoptr(JsonNode) removed_natalie = NULL;
  g_autoptr(FdTestAgent) ed = NULL;
  g_autoptr(FdTestAgent) olga = NULL;
  g_autoptr(FdTestAgent) oscar = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  g_autoptr(FdFrame) reply = NULL;
  g_autoptr(FdLogQuery) query = query_new (FD_LOG_SORT_ASSIGNED, FALSE, 0);

  fd_test_admin_import_site (demo->server, fd_it_other_site);
  fd_test_admin_create_agent (demo->server, demo->org_id, "oscar@kakapo.example", "Oscar Outside", "oscar-password");
  seed (demo, &s);
  jenna_id = s.jenna->agent->id;
  natalie_id = s.natalie->agent->id;
  ed = fd_it_connect_agent (demo->server, FD_IT_ED);
  olga = fd_it_connect_agent (demo->server, FD_IT_OLGA);
  oscar = fd_it_connect_agent (demo->server, "oscar@kakapo.example", "oscar-password");

  /* Jenna and Natalie leave Support: what they held there stays in their
   * logs and may still be opened. */
  jenna_path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                                demo->org_id, support, jenna_id);
  natalie_path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                                  demo->org_id, support, natalie_id);
  removed_jenna = fd_test_admin_expect (demo->server, "DELETE", jenna_path, NULL, 200);
  removed_natalie = fd_test_admin_expect (demo->server, "DELETE", natalie_path, NULL, 200);

  /* Conversation 2: an email of Support that Jenna held, with its
   * metrics, rating and comment as stored. */
  detail = fd_test_agent_get_conversation (s.jenna, s.first + 2);
  g_assert_cmpint (detail->conversation->first_assigned_at, ==, BASE);
  g_assert_cmpint (detail->conversation->first_reply_at, ==, BASE + 15 * G_USEC_PER_SEC);
  g_assert_cmpint (detail->conversation->closed_at, ==, BASE + 90 * G_USEC_PER_SEC);
  g_assert_cmpint (detail->conversation->rating, ==, 3);
  g_assert_cmpstr (detail->conversation->comment, ==, "Comment 2");
  g_assert_cmpuint (detail->messages->len, ==, 2);

  /* Conversation 3, Support's, held by Natalie only: Jenna may not. */
  reply = fd_test_agent_request (s.jenna, FD_FRAME_GET_CONVERSATION, fd_test_conversation_ref (s.first + 3));
  fd_test_assert_error_frame (reply, FD_WIRE_ERROR_FORBIDDEN);
  g_clear_pointer (&reply, fd_frame_free);
  /* An agent of no queue who never held it; another organization's. */
  reply = fd_test_agent_request (oscar, FD_FRAME_GET_CONVERSATION, fd_test_conversation_ref (s.first));
  fd_test_assert_error_frame (reply, FD_WIRE_ERROR_FORBIDDEN);
  g_clear_pointer (&reply, fd_frame_free);
  reply = fd_test_agent_request (olga, FD_FRAME_GET_CONVERSATION, fd_test_conversation_ref (s.first));
  fd_it_assert_refused (reply, FD_WIRE_ERROR_NOT_FOUND, FD_WIRE_ERROR_FORBIDDEN);
  g_clear_pointer (&reply, fd_frame_free);
  /* An admin opens any conversation of the organization. */
  g_clear_pointer (&detail, fd_conversation_detail_free);
  detail = fd_test_agent_get_conversation (ed, s.first + 3);
  g_assert_cmpint (detail->conversation->id, ==, s.first + 3);

  /* The logs: Jenna's is unchanged; Natalie, a supervisor of Sales only
   * now, sees Sales and what she held in Support. Oscar's is empty. */
  assert_log (s.jenna, query, s.first, in_jennas_log);
  {
    g_autoptr(GPtrArray) rows = list_all (s.natalie, query);
    GString *want = g_string_new (NULL);
    g_autofree char *got = numbers_of (rows, s.first);
    g_autofree char *wanted = NULL;

    for (guint i = 0; i < N_SEEDED; i++)
      if (i % 4 < 2 || held_by_natalie (i))
        g_string_append_printf (want, "%s%u", want->len > 0 ? " " : "", i);
    wanted = g_string_free (want, FALSE);
    g_assert_cmpstr (got, ==, wanted);
  }
  g_assert_cmpuint (count_log (oscar, fd_log_query_copy (query)), ==, 0);
  seeded_clear (&s);
}

/* A conversation routed, answered, closed and rated through the real
 * server: its metrics in get-conversation and its row in the log agree. */
static void
test_live_metrics (FdItDemo      *demo,
                   gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_test_agent_sign_in_and_join (demo->server, FD_IT_NATALIE, demo->sales, NULL);
  g_autoptr(FdTestAgent) jenna = fd_it_connect_agent (demo->server, FD_IT_JENNA);
  g_autoptr(FdTestVisitor) visitor = fd_test_agent_reserve_new_chat (natalie, demo->server, FD_IT_CHAT_KEY, "Grace Hopper");
  g_autoptr(FdFrame) sent = NULL;
  g_autoptr(FdFrame) ack = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  g_autoptr(FdConversation) closed = NULL;
  g_autoptr(FdLogQuery) query = query_new (FD_LOG_SORT_ASSIGNED, TRUE, 0);
  const FdConversation *conv;
  const FdLogEntry *entry;
  gint64 id = visitor->conversation_id;

  fd_test_visitor_send (visitor, "v-1", "Where is my parcel?");
  sent = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE, fd_test_send_message (id, "a-1", "On its way."));
  fd_test_visitor_close (visitor, 4, "Quick and <b>kind</b>");
  closed = fd_it_wait_conversation_state (natalie, id, FD_CONVERSATION_CLOSED);

  detail = fd_test_agent_get_conversation (natalie, id);
  conv = detail->conversation;
  g_assert_cmpint (conv->first_assigned_at, >, 0);
  g_assert_cmpint (conv->first_reply_at, >=, conv->first_assigned_at);
  g_assert_cmpint (conv->closed_at, >=, conv->first_reply_at);
  g_assert_cmpint (conv->rating, ==, 4);
  g_assert_cmpstr (conv->comment, ==, "Quick and <b>kind</b>");

  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (query));
  g_assert_cmpuint (((FdLogPage *) ack->body)->items->len, ==, 1);
  entry = g_ptr_array_index (((FdLogPage *) ack->body)->items, 0);
  g_assert_cmpint (entry->id, ==, id);
  g_assert_cmpint (entry->state, ==, FD_CONVERSATION_CLOSED);
  g_assert_cmpint (entry->handle_seconds, ==, (conv->closed_at - conv->first_assigned_at) / G_USEC_PER_SEC);
  g_assert_cmpint (entry->rating, ==, 4);
  g_assert_cmpstr (entry->remote_party, ==, "Grace Hopper");
  /* Jenna never held it. */
  g_assert_cmpuint (count_log (jenna, fd_log_query_copy (query)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  fd_it_init (&argc, &argv);
  fd_it_add ("/integration/log/scope-and-paging", test_scope_and_paging, FD_IT_WITH_SALES);
  fd_it_add ("/integration/log/filters", test_filters, FD_IT_WITH_SALES);
  fd_it_add ("/integration/log/search", test_search, FD_IT_WITH_SALES);
  fd_it_add ("/integration/log/open", test_open, FD_IT_WITH_SALES);
  fd_it_add ("/integration/log/live-metrics", test_live_metrics, FD_IT_WITH_SALES);
  return g_test_run ();
}
