#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-messages.h"
#include "fd-store-private.h"
#include "fd-store-twitter.h"

/* Messages and their attachments; a message with a client_id is stored
 * once (an agent's re-send after a lost acknowledgement). */

#define MESSAGE_COLUMNS "id, organization_id, conversation_id, direction, agent_id, author_name, " \
                        "text, note, client_id, created_at"

/* Loads the attachments of every message of @messages (all of one
 * conversation) in one query. */
static gboolean
load_attachments (FdStore    *self,
                  GPtrArray  *messages,
                  GError    **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GHashTable) by_id = fd_store_messages_by_id (messages);
  gint64 conversation_id = ((FdMessage *) g_ptr_array_index (messages, 0))->conversation_id;
  int rc;

  stmt = fd_store_prepare_bound (self,
                                 "SELECT a.message_id, a.name, a.url, a.mime_type, a.size FROM attachments a "
                                 "JOIN messages m ON m.id = a.message_id WHERE m.conversation_id = ?1 "
                                 "ORDER BY a.message_id, a.position",
                                 FD_STORE_ARGS (FD_ARG_INT (conversation_id)), error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      gint64 message_id = fd_store_col_int64 (stmt, 0);
      FdMessage *msg = g_hash_table_lookup (by_id, &message_id);
      FdAttachment *attachment;

      if (msg == NULL)
        continue;
      attachment = fd_attachment_new ();
      fd_store_read_columns (stmt, &fd_attachment_info, 1, 0, attachment);
      if (msg->attachments == NULL)
        msg->attachments = fd_attachment_list_new ();
      g_ptr_array_add (msg->attachments, attachment);
    }
  return rc >= 0;
}

GHashTable *
fd_store_messages_by_id (GPtrArray *messages)
{
  GHashTable *by_id = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < messages->len; i++)
    {
      FdMessage *msg = g_ptr_array_index (messages, i);

      g_hash_table_insert (by_id, &msg->id, msg);
    }
  return by_id;
}

FdDelivery *
fd_store_col_delivery (FdStoreStmt     *stmt,
                       int              column,
                       const FdMessage *msg)
{
  g_autofree char *state = fd_store_col_text (stmt, column);
  FdDelivery *delivery;

  if (state == NULL)
    return NULL;
  delivery = fd_delivery_new ();
  delivery->conversation_id = msg->conversation_id;
  delivery->message_id = msg->id;
  fd_delivery_state_from_string (state, &delivery->state);
  delivery->reason = fd_store_col_text (stmt, column + 1);
  delivery->attempts = (gint) fd_store_col_int64 (stmt, column + 2);
  return delivery;
}

/* Loads the mail of every email message of @messages (all of one
 * conversation), and the outbox state of the agent's replies, in one
 * query (docs/email.md, "What is stored"). */
static gboolean
load_mail (FdStore    *self,
           GPtrArray  *messages,
           GError    **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GHashTable) by_id = fd_store_messages_by_id (messages);
  gint64 conversation_id = ((FdMessage *) g_ptr_array_index (messages, 0))->conversation_id;
  int rc;

  stmt = fd_store_prepare_bound (self,
                                 "SELECT m.message_id, m.from_name, m.from_address, m.to_json, m.cc_json, "
                                 "m.subject, m.mail_date, o.state, o.reason, o.attempts "
                                 "FROM email_mails m LEFT JOIN email_outbox o ON o.message_id = m.message_id "
                                 "WHERE m.conversation_id = ?1 AND m.message_id IS NOT NULL",
                                 FD_STORE_ARGS (FD_ARG_INT (conversation_id)), error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      gint64 message_id = fd_store_col_int64 (stmt, 0);
      FdMessage *msg = g_hash_table_lookup (by_id, &message_id);
      g_autofree char *to = NULL;
      g_autofree char *cc = NULL;
      FdDelivery *delivery;

      if (msg == NULL || msg->mail != NULL)
        continue;
      msg->mail = fd_mail_headers_new ();
      msg->mail->from_name = fd_store_col_text (stmt, 1);
      msg->mail->from = fd_store_col_text (stmt, 2);
      to = fd_store_col_text (stmt, 3);
      cc = fd_store_col_text (stmt, 4);
      msg->mail->to = to != NULL ? fd_store_strv_from_json (to) : NULL;
      msg->mail->cc = cc != NULL ? fd_store_strv_from_json (cc) : NULL;
      msg->mail->subject = fd_store_col_text (stmt, 5);
      msg->mail->date = fd_store_col_int64 (stmt, 6);
      delivery = fd_store_col_delivery (stmt, 7, msg);
      if (delivery != NULL)
        msg->delivery = delivery;
    }
  return rc >= 0;
}

static gboolean
load_children (FdStore    *self,
               GPtrArray  *messages,
               GError    **error)
{
  return load_attachments (self, messages, error) && load_mail (self, messages, error) &&
         fd_store_load_tweets (self, messages, error);
}

static const FdStoreTable message_table = {
  .what = "message",
  .info = &fd_message_info,
  .load_children = load_children,
};

static gboolean
check_message (const FdMessage  *msg,
               GError          **error)
{
  if (!fd_store_check_enum (fd_direction_to_string (msg->direction), "message direction", error) ||
      !fd_store_check_string (msg->author_name, "author name", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (msg->text, "message text", FD_STORE_MAX_TEXT, FALSE, error) ||
      !fd_store_check_string (msg->note, "message note", FD_STORE_MAX_ID, FALSE, error) ||
      !fd_store_check_string (msg->client_id, "client id", FD_STORE_MAX_ID, FALSE, error))
    return FALSE;
  if (msg->note != NULL && msg->direction != FD_DIRECTION_SYSTEM)
    return fd_store_invalid (error, "Only a system message has a note.");
  if ((msg->text == NULL || *msg->text == '\0') &&
      (msg->attachments == NULL || msg->attachments->len == 0))
    return fd_store_invalid (error, "The message has neither text nor attachments.");
  if (msg->attachments != NULL && msg->attachments->len > FD_STORE_MAX_LIST)
    return fd_store_invalid (error, "A message cannot have more than %u attachments.", FD_STORE_MAX_LIST);
  for (guint i = 0; msg->attachments != NULL && i < msg->attachments->len; i++)
    {
      const FdAttachment *a = g_ptr_array_index (msg->attachments, i);

      if (!fd_store_check_string (a->name, "attachment name", FD_STORE_MAX_NAME, TRUE, error) ||
          !fd_store_check_string (a->url, "attachment address", FD_STORE_MAX_STRING, TRUE, error) ||
          !fd_store_check_string (a->mime_type, "attachment type", FD_STORE_MAX_NAME, FALSE, error))
        return FALSE;
      if (a->size < 0)
        return fd_store_invalid (error, "An attachment's size cannot be negative.");
    }
  return TRUE;
}

static FdMessage *
get_message_by_client_id (FdStore     *self,
                          gint64       organization_id,
                          gint64       conversation_id,
                          const char  *client_id,
                          GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  stmt = fd_store_prepare_bound (self,
                                 "SELECT " MESSAGE_COLUMNS " FROM messages WHERE organization_id = ?1 "
                                 "AND conversation_id = ?2 AND client_id = ?3",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_INT (conversation_id),
                                                FD_ARG_TEXT (client_id)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_first (self, &message_table, stmt, error);
}

/* Inserts @msg unless its conversation has a message of its client id:
 * then *@out_inserted is FALSE and nothing is written (the unique index
 * answers, with no lookup before each insert). */
static gboolean
insert_message (FdStore    *self,
                FdMessage  *msg,
                gboolean   *out_inserted,
                GError    **error)
{
  *out_inserted = FALSE;
  if (msg->direction == FD_DIRECTION_OUT &&
      !fd_store_check_agent_in_org (self, msg->organization_id, msg->agent_id, error))
    return FALSE;

  {
    if (!fd_store_execute (self,
                           "INSERT INTO messages (organization_id, conversation_id, direction, "
                           "agent_id, author_name, text, note, client_id, created_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                           "ON CONFLICT (conversation_id, client_id) WHERE client_id IS NOT NULL DO NOTHING",
                           FD_STORE_ARGS (FD_ARG_INT (msg->organization_id),
                                          FD_ARG_INT (msg->conversation_id),
                                          FD_ARG_TEXT (fd_direction_to_string (msg->direction)),
                                          FD_ARG_ID (msg->direction == FD_DIRECTION_OUT ? msg->agent_id : 0),
                                          FD_ARG_TEXT (msg->author_name),
                                          FD_ARG_TEXT (msg->text),
                                          FD_ARG_TEXT (msg->note),
                                          FD_ARG_TEXT (msg->client_id),
                                          FD_ARG_INT (msg->created_at)), error))
      {
        fd_store_rephrase (error, FD_STORE_ERROR_INVALID, FD_STORE_ERROR_NOT_FOUND,
                           "No such conversation in this organization.");
        return FALSE;
      }
    if (fd_store_changes (self) == 0)
      return TRUE;
    msg->id = fd_store_last_insert_id (self);
    *out_inserted = TRUE;
  }
  /* The Activity Log's full-text index (docs/store.md, "The Activity
   * Log"), in batches: in the transaction of every FD_STORE_LOG_INDEX_BATCH-th
   * message, and before a search. */
  if (msg->text != NULL && !fd_store_log_message_added (self, error))
    return FALSE;

  for (guint i = 0; msg->attachments != NULL && i < msg->attachments->len; i++)
    {
      const FdAttachment *a = g_ptr_array_index (msg->attachments, i);

      if (!fd_store_execute (self,
                             "INSERT INTO attachments (organization_id, message_id, position, name, "
                             "url, mime_type, size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                             FD_STORE_ARGS (FD_ARG_INT (msg->organization_id),
                                            FD_ARG_INT (msg->id), FD_ARG_INT ((int) i),
                                            FD_ARG_TEXT (a->name), FD_ARG_TEXT (a->url),
                                            FD_ARG_TEXT (a->mime_type),
                                            FD_ARG_INT (a->size)), error))
        return FALSE;
    }
  return TRUE;
}

FdMessage *
fd_store_append_message (FdStore          *self,
                         const FdMessage  *msg,
                         gboolean         *out_duplicate,
                         GError          **error)
{
  g_autoptr(FdMessage) stored = NULL;
  gboolean inserted = FALSE;
  gboolean ok;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (msg != NULL, NULL);

  if (out_duplicate != NULL)
    *out_duplicate = FALSE;
  if (!check_message (msg, error))
    return NULL;

  stored = fd_message_copy (msg);
  /* An empty client id means none: it must not collide with other empties. */
  if (stored->client_id != NULL && *stored->client_id == '\0')
    g_clear_pointer (&stored->client_id, g_free);
  if (stored->created_at == 0)
    stored->created_at = g_get_real_time ();
  if (!fd_store_begin (self, error))
    return NULL;
  ok = insert_message (self, stored, &inserted, error);
  if (!fd_store_end (self, ok, error))
    return NULL;
  if (inserted)
    return g_steal_pointer (&stored);

  /* A resend: the message stored under this client id, as it was stored. */
  g_clear_pointer (&stored, fd_message_free);
  stored = get_message_by_client_id (self, msg->organization_id, msg->conversation_id, msg->client_id, error);
  if (stored == NULL)
    {
      /* Only another organization's id for this conversation gets here. */
      fd_store_rephrase (error, FD_STORE_ERROR_NOT_FOUND, FD_STORE_ERROR_NOT_FOUND,
                         "No such conversation in this organization.");
      return NULL;
    }
  if (out_duplicate != NULL)
    *out_duplicate = TRUE;
  return g_steal_pointer (&stored);
}

GPtrArray *
fd_store_list_messages (FdStore  *self,
                        gint64    organization_id,
                        gint64    conversation_id,
                        gint64    after_id,
                        GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (!fd_store_exists (self, "SELECT 1 FROM conversations WHERE organization_id = ?1 AND id = ?2",
                        organization_id, conversation_id, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_NOT_FOUND, FD_STORE_ERROR_NOT_FOUND,
                         "No such conversation in this organization.");
      return NULL;
    }
  stmt = fd_store_prepare_bound (self,
                                 "SELECT " MESSAGE_COLUMNS " FROM messages WHERE organization_id = ?1 "
                                 "AND conversation_id = ?2 AND id > ?3 ORDER BY id",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_INT (conversation_id),
                                                FD_ARG_INT (after_id)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, &message_table, stmt, error);
}

gboolean
fd_store_count_messages (FdStore  *self,
                         gint64    organization_id,
                         gint64    conversation_id,
                         gint64   *out_count,
                         GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);

  return fd_store_query_int64 (self,
                               "SELECT count(*) FROM messages "
                               "WHERE organization_id = ?1 AND conversation_id = ?2",
                               FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (conversation_id)),
                               out_count, error);
}

