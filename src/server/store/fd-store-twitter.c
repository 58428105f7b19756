#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"
#include "fd-store-twitter.h"

#include <string.h>

/* The Twitter/X channel's tables (schema version 12); see fd-store-twitter.h. */

static char *
clip (const char *text,
      glong       max)
{
  if (text == NULL)
    return NULL;
  return g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), max));
}

int
fd_store_x_id_compare (const char *a,
                       const char *b)
{
  gsize la, lb;

  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);
  la = strlen (a);
  lb = strlen (b);
  if (la != lb)
    return la < lb ? -1 : 1;
  return strcmp (a, b);
}

/* --- Position and calls ---------------------------------------------------- */

void
fd_store_x_position_clear (FdStoreXPosition *position)
{
  g_clear_pointer (&position->mentions_since_id, g_free);
  g_clear_pointer (&position->dm_newest_id, g_free);
}

gboolean
fd_store_get_x_position (FdStore           *self,
                         gint64             organization_id,
                         gint64             stream_id,
                         FdStoreXPosition  *out,
                         GError           **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  int rc;

  memset (out, 0, sizeof *out);
  stmt = fd_store_prepare_bound (self, "SELECT mentions_since_id, dm_newest_id, calls_day, calls_today "
                                 "FROM x_positions WHERE organization_id = ?1 AND stream_id = ?2",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id)), error);
  if (stmt == NULL)
    return FALSE;
  rc = fd_store_step (self, stmt, FALSE, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    {
      out->mentions_since_id = fd_store_col_text (stmt, 0);
      out->dm_newest_id = fd_store_col_text (stmt, 1);
      out->calls_day = fd_store_col_int64 (stmt, 2);
      out->calls_today = (gint) fd_store_col_int64 (stmt, 3);
    }
  return TRUE;
}

static gboolean
ensure_position (FdStore  *self,
                 gint64    organization_id,
                 gint64    stream_id,
                 GError  **error)
{
  return fd_store_execute (self, "INSERT INTO x_positions (stream_id, organization_id) VALUES (?1, ?2) "
                           "ON CONFLICT (stream_id) DO NOTHING",
                           FD_STORE_ARGS (FD_ARG_INT (stream_id), FD_ARG_INT (organization_id)), error);
}

gboolean
fd_store_set_x_position (FdStore     *self,
                         gint64       organization_id,
                         gint64       stream_id,
                         gboolean     direct,
                         const char  *x_id,
                         GError     **error)
{
  FdStoreXPosition position = { 0 };
  const char *current;
  gboolean ok;

  g_return_val_if_fail (x_id != NULL, FALSE);

  if (strlen (x_id) > FD_STORE_MAX_ID)
    return fd_store_invalid (error, "An X id has at most %d digits.", FD_STORE_MAX_ID);
  if (!fd_store_get_x_position (self, organization_id, stream_id, &position, error))
    return FALSE;
  current = direct ? position.dm_newest_id : position.mentions_since_id;
  if (fd_store_x_id_compare (x_id, current) <= 0)
    {
      fd_store_x_position_clear (&position);
      return TRUE;
    }
  fd_store_x_position_clear (&position);
  ok = ensure_position (self, organization_id, stream_id, error) &&
       fd_store_execute (self, direct ? "UPDATE x_positions SET dm_newest_id = ?3 "
                                        "WHERE organization_id = ?1 AND stream_id = ?2"
                                      : "UPDATE x_positions SET mentions_since_id = ?3 "
                                        "WHERE organization_id = ?1 AND stream_id = ?2",
                         FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id), FD_ARG_TEXT (x_id)),
                         error);
  return ok;
}

gboolean
fd_store_count_x_calls (FdStore     *self,
                        gint64       organization_id,
                        gint64       stream_id,
                        gint64       day,
                        gint         n,
                        gint        *out_today,
                        GError     **error)
{
  gint64 today = 0;

  if (!ensure_position (self, organization_id, stream_id, error) ||
      !fd_store_execute (self, "UPDATE x_positions SET "
                         "calls_today = CASE WHEN calls_day = ?3 THEN MIN (calls_today + ?4, 2147483647) ELSE ?4 END, "
                         "calls_day = ?3 WHERE organization_id = ?1 AND stream_id = ?2",
                         FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id), FD_ARG_INT (day),
                                        FD_ARG_INT (n)), error))
    return FALSE;
  if (out_today != NULL)
    {
      if (!fd_store_query_int64 (self, "SELECT calls_today FROM x_positions WHERE organization_id = ?1 AND stream_id = ?2",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id)), &today, error))
        return FALSE;
      *out_today = (gint) today;
    }
  return TRUE;
}

gint
fd_store_get_x_calls_today (FdStore  *self,
                            gint64    organization_id,
                            gint64    stream_id,
                            gint64    day)
{
  FdStoreXPosition position = { 0 };
  gint calls = 0;

  if (fd_store_get_x_position (self, organization_id, stream_id, &position, NULL) && position.calls_day == day)
    calls = position.calls_today;
  fd_store_x_position_clear (&position);
  return calls;
}

/* --- Items ------------------------------------------------------------------- */

gboolean
fd_store_add_x_item (FdStore             *self,
                     const FdStoreXItem  *item,
                     gboolean            *duplicate,
                     GError             **error)
{
  g_autofree char *handle = clip (item->author_handle, FD_STORE_MAX_NAME);

  g_return_val_if_fail (item->x_id != NULL, FALSE);

  if (strlen (item->x_id) > FD_STORE_MAX_ID ||
      (item->thread_key != NULL && strlen (item->thread_key) > FD_STORE_MAX_ID) ||
      (item->author_id != NULL && strlen (item->author_id) > FD_STORE_MAX_ID) ||
      (item->in_reply_to != NULL && strlen (item->in_reply_to) > FD_STORE_MAX_ID))
    return fd_store_invalid (error, "An X id has at most %d characters.", FD_STORE_MAX_ID);
  if (!fd_store_execute (self,
                         "INSERT INTO x_items (organization_id, stream_id, direct, x_id, thread_key, "
                         "conversation_id, message_id, author_id, author_handle, in_reply_to, created_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                         "ON CONFLICT (stream_id, direct, x_id) DO NOTHING",
                         FD_STORE_ARGS (FD_ARG_INT (item->organization_id), FD_ARG_INT (item->stream_id),
                                        FD_ARG_INT (item->direct ? 1 : 0), FD_ARG_TEXT (item->x_id),
                                        FD_ARG_TEXT (item->thread_key), FD_ARG_ID (item->conversation_id),
                                        FD_ARG_ID (item->message_id), FD_ARG_TEXT (item->author_id),
                                        FD_ARG_TEXT (handle), FD_ARG_TEXT (item->in_reply_to),
                                        FD_ARG_INT (g_get_real_time ())),
                         error))
    return FALSE;
  *duplicate = fd_store_changes (self) == 0;
  return TRUE;
}

gboolean
fd_store_link_x_item (FdStore     *self,
                      gint64       organization_id,
                      gint64       stream_id,
                      gboolean     direct,
                      const char  *x_id,
                      gint64       conversation_id,
                      gint64       message_id,
                      GError     **error)
{
  return fd_store_execute_update (self, "UPDATE x_items SET conversation_id = ?5, message_id = ?6 "
                                  "WHERE organization_id = ?1 AND stream_id = ?2 AND direct = ?3 AND x_id = ?4",
                                  "X item",
                                  FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id),
                                                 FD_ARG_INT (direct ? 1 : 0), FD_ARG_TEXT (x_id),
                                                 FD_ARG_ID (conversation_id), FD_ARG_ID (message_id)),
                                  error);
}

gint64
fd_store_find_x_thread (FdStore     *self,
                        gint64       organization_id,
                        gint64       stream_id,
                        gboolean     direct,
                        const char  *thread_key,
                        GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  int rc;

  if (thread_key == NULL)
    return 0;
  stmt = fd_store_prepare_bound (self, "SELECT conversation_id FROM x_items "
                                 "WHERE stream_id = ?2 AND direct = ?3 AND thread_key = ?4 "
                                 "AND organization_id = ?1 AND conversation_id IS NOT NULL "
                                 "ORDER BY id DESC LIMIT 1",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id),
                                                FD_ARG_INT (direct ? 1 : 0), FD_ARG_TEXT (thread_key)),
                                 error);
  if (stmt == NULL)
    return -1;
  rc = fd_store_step (self, stmt, FALSE, error);
  if (rc < 0)
    return -1;
  return rc == SQLITE_ROW ? fd_store_col_int64 (stmt, 0) : 0;
}

void
fd_store_x_last_clear (FdStoreXLast *last)
{
  g_clear_pointer (&last->x_id, g_free);
  g_clear_pointer (&last->author_id, g_free);
  g_clear_pointer (&last->author_handle, g_free);
}

gboolean
fd_store_get_last_customer_x (FdStore       *self,
                              gint64         organization_id,
                              gint64         conversation_id,
                              gboolean       public_only,
                              FdStoreXLast  *out,
                              GError       **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  memset (out, 0, sizeof *out);
  stmt = fd_store_prepare_bound (self, "SELECT x.x_id, x.author_id, x.author_handle, x.direct FROM x_items x "
                                 "JOIN messages m ON m.id = x.message_id AND m.direction = 'in' "
                                 "WHERE x.organization_id = ?1 AND x.conversation_id = ?2 "
                                 "AND (?3 = 0 OR x.direct = 0) ORDER BY x.id DESC LIMIT 1",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (conversation_id),
                                                FD_ARG_INT (public_only ? 1 : 0)),
                                 error);
  if (stmt == NULL ||
      !fd_store_step_row (self, stmt, error, "No post of the customer in conversation %" G_GINT64_FORMAT ".",
                          conversation_id))
    return FALSE;
  out->x_id = fd_store_col_text (stmt, 0);
  out->author_id = fd_store_col_text (stmt, 1);
  out->author_handle = fd_store_col_text (stmt, 2);
  out->direct = fd_store_col_int64 (stmt, 3) != 0;
  return TRUE;
}

gint64
fd_store_find_twitter_contact (FdStore     *self,
                               gint64       organization_id,
                               const char  *handle,
                               GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  int rc;

  if (handle == NULL)
    return 0;
  stmt = fd_store_prepare_bound (self, "SELECT id FROM contacts WHERE organization_id = ?1 "
                                 "AND twitter_handle = ?2 COLLATE NOCASE ORDER BY id LIMIT 1",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_TEXT (handle)), error);
  if (stmt == NULL)
    return -1;
  rc = fd_store_step (self, stmt, FALSE, error);
  if (rc < 0)
    return -1;
  return rc == SQLITE_ROW ? fd_store_col_int64 (stmt, 0) : 0;
}

gboolean
fd_store_set_dm_requested (FdStore     *self,
                           gint64       organization_id,
                           gint64       conversation_id,
                           GError     **error)
{
  if (!fd_store_execute (self, "UPDATE conversations SET dm_requested = 1 "
                         "WHERE organization_id = ?1 AND id = ?2 AND dm_requested = 0",
                         FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (conversation_id)), error))
    return FALSE;
  if (fd_store_changes (self) == 0)
    {
      g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_CONFLICT,
                           "The Direct Message request was sent already in this conversation.");
      return FALSE;
    }
  return TRUE;
}

void
fd_store_x_tweet_set_url (FdTweet *tweet)
{
  g_clear_pointer (&tweet->url, g_free);
  if (tweet->direct || tweet->author_handle == NULL || *tweet->author_handle == '\0' || tweet->id == NULL)
    return;
  tweet->url = g_strdup_printf ("https://x.com/%s/status/%s", tweet->author_handle, tweet->id);
}

gboolean
fd_store_load_tweets (FdStore    *self,
                      GPtrArray  *messages,
                      GError    **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GHashTable) by_id = fd_store_messages_by_id (messages);
  gint64 conversation_id = ((FdMessage *) g_ptr_array_index (messages, 0))->conversation_id;
  int rc;

  /* The customer's items (x_items), then the replies (x_outbox) with their
   * delivery; a sent reply is in both, the outbox's row wins. */
  stmt = fd_store_prepare_bound (self,
                                 "SELECT 1, o.message_id, o.x_id, o.direct, o.author_handle, o.in_reply_to, "
                                 "o.state, o.reason, o.attempts FROM x_outbox o WHERE o.conversation_id = ?1 "
                                 "UNION ALL "
                                 "SELECT 0, x.message_id, x.x_id, x.direct, x.author_handle, x.in_reply_to, "
                                 "NULL, NULL, 0 FROM x_items x WHERE x.conversation_id = ?1 "
                                 "AND x.message_id IS NOT NULL",
                                 FD_STORE_ARGS (FD_ARG_INT (conversation_id)), error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      gint64 message_id = fd_store_col_int64 (stmt, 1);
      FdMessage *msg = g_hash_table_lookup (by_id, &message_id);

      if (msg == NULL || msg->tweet != NULL)
        continue;
      msg->tweet = fd_tweet_new ();
      msg->tweet->id = fd_store_col_text (stmt, 2);
      msg->tweet->direct = fd_store_col_int64 (stmt, 3) != 0;
      msg->tweet->author_handle = fd_store_col_text (stmt, 4);
      msg->tweet->in_reply_to = fd_store_col_text (stmt, 5);
      fd_store_x_tweet_set_url (msg->tweet);
      if (fd_store_col_int64 (stmt, 0) == 1 && msg->delivery == NULL)
        msg->delivery = fd_store_col_delivery (stmt, 6, msg);
    }
  return rc >= 0;
}

/* --- The outbox --------------------------------------------------------------- */

void
fd_store_x_outbox_free (FdStoreXOutbox *row)
{
  if (row == NULL)
    return;
  g_free (row->in_reply_to);
  g_free (row->participant_id);
  g_free (row->author_handle);
  g_free (row->reason);
  g_free (row->x_id);
  g_free (row);
}

gboolean
fd_store_add_x_outbox (FdStore               *self,
                       const FdStoreXOutbox  *row,
                       GError               **error)
{
  return fd_store_execute (self,
                           "INSERT INTO x_outbox (message_id, organization_id, stream_id, conversation_id, direct, "
                           "in_reply_to, participant_id, author_handle, state, attempts, next_attempt_at, reason, "
                           "x_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                           FD_STORE_ARGS (FD_ARG_INT (row->message_id), FD_ARG_INT (row->organization_id),
                                          FD_ARG_INT (row->stream_id), FD_ARG_INT (row->conversation_id),
                                          FD_ARG_INT (row->direct ? 1 : 0), FD_ARG_TEXT (row->in_reply_to),
                                          FD_ARG_TEXT (row->participant_id), FD_ARG_TEXT (row->author_handle),
                                          FD_ARG_TEXT (fd_delivery_state_to_string (row->state)),
                                          FD_ARG_INT (row->attempts), FD_ARG_INT (row->next_attempt_at),
                                          FD_ARG_TEXT (row->reason), FD_ARG_TEXT (row->x_id),
                                          FD_ARG_INT (g_get_real_time ())),
                           error);
}

#define X_OUTBOX_COLUMNS "message_id, organization_id, stream_id, conversation_id, direct, in_reply_to, " \
                         "participant_id, author_handle, state, attempts, next_attempt_at, reason, x_id"

static FdStoreXOutbox *
read_outbox (FdStoreStmt *stmt)
{
  FdStoreXOutbox *row = g_new0 (FdStoreXOutbox, 1);
  g_autofree char *state = NULL;

  row->message_id = fd_store_col_int64 (stmt, 0);
  row->organization_id = fd_store_col_int64 (stmt, 1);
  row->stream_id = fd_store_col_int64 (stmt, 2);
  row->conversation_id = fd_store_col_int64 (stmt, 3);
  row->direct = fd_store_col_int64 (stmt, 4) != 0;
  row->in_reply_to = fd_store_col_text (stmt, 5);
  row->participant_id = fd_store_col_text (stmt, 6);
  row->author_handle = fd_store_col_text (stmt, 7);
  state = fd_store_col_text (stmt, 8);
  if (state == NULL || !fd_delivery_state_from_string (state, &row->state))
    row->state = FD_DELIVERY_FAILED;
  row->attempts = (gint) fd_store_col_int64 (stmt, 9);
  row->next_attempt_at = fd_store_col_int64 (stmt, 10);
  row->reason = fd_store_col_text (stmt, 11);
  row->x_id = fd_store_col_text (stmt, 12);
  return row;
}

FdStoreXOutbox *
fd_store_get_x_outbox (FdStore   *self,
                       gint64     organization_id,
                       gint64     message_id,
                       GError   **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  stmt = fd_store_prepare_bound (self, "SELECT " X_OUTBOX_COLUMNS " FROM x_outbox "
                                 "WHERE organization_id = ?1 AND message_id = ?2",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (message_id)), error);
  if (stmt == NULL ||
      !fd_store_step_row (self, stmt, error, "Message %" G_GINT64_FORMAT " is not an X reply.", message_id))
    return NULL;
  return read_outbox (stmt);
}

GPtrArray *
fd_store_list_due_x_outbox (FdStore   *self,
                            gint64     now,
                            GError   **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_store_x_outbox_free);
  int rc;

  stmt = fd_store_prepare_bound (self, "SELECT " X_OUTBOX_COLUMNS " FROM x_outbox "
                                 "WHERE state = 'queued' AND next_attempt_at <= ?1 "
                                 "ORDER BY next_attempt_at, message_id LIMIT ?2",
                                 FD_STORE_ARGS (FD_ARG_INT (now), FD_ARG_INT (FD_STORE_X_OUTBOX_BATCH)), error);
  if (stmt == NULL)
    return NULL;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    g_ptr_array_add (rows, read_outbox (stmt));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&rows);
}

gint64
fd_store_next_x_outbox_at (FdStore *self)
{
  gint64 next = 0;

  if (!fd_store_query_int64 (self, "SELECT COALESCE (MIN (next_attempt_at), 0) FROM x_outbox WHERE state = 'queued'",
                             NULL, 0, &next, NULL))
    return 0;
  return next;
}

gboolean
fd_store_update_x_outbox (FdStore               *self,
                          const FdStoreXOutbox  *row,
                          GError               **error)
{
  g_autofree char *reason = clip (row->reason, FD_STORE_MAX_STRING);

  return fd_store_execute_update (self, "UPDATE x_outbox SET state = ?3, attempts = ?4, next_attempt_at = ?5, "
                                  "reason = ?6, x_id = ?7, sent_at = CASE WHEN ?3 = 'sent' THEN ?8 ELSE sent_at END "
                                  "WHERE organization_id = ?1 AND message_id = ?2",
                                  "X reply",
                                  FD_STORE_ARGS (FD_ARG_INT (row->organization_id), FD_ARG_INT (row->message_id),
                                                 FD_ARG_TEXT (fd_delivery_state_to_string (row->state)),
                                                 FD_ARG_INT (row->attempts), FD_ARG_INT (row->next_attempt_at),
                                                 FD_ARG_TEXT (reason), FD_ARG_TEXT (row->x_id),
                                                 FD_ARG_INT (g_get_real_time ())),
                                  error);
}
