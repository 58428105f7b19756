#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* Conversations: created with their contact, listed by state, agent, queue
 * or contact. Their messages are in fd-store-messages.c, their offers in
 * fd-store-offers.c. */

/* A conversation is read with its contact (from column CONV_N_COLUMNS on). */
#define CONV_COLUMNS \
  "c.id, c.organization_id, c.stream_id, c.queue_id, c.kind, c.state, c.contact_id, " \
  "c.agent_id, c.subject, c.department, c.page_url, c.ip, c.browser, c.os, " \
  "c.callback_number, c.callback_time, c.created_at, c.first_assigned_at, c.reserved_at, " \
  "c.first_reply_at, c.last_customer_message_at, c.closed_at, c.rating, c.comment, c.unread, " \
  "c.visitor_name, c.visitor_email, c.address_verified, c.dm_requested, " \
  "(SELECT s.name FROM streams s WHERE s.id = c.stream_id) AS stream_name"
#define CONV_N_COLUMNS 30
#define CONV_WITH_CONTACT_COLUMNS CONV_COLUMNS ", " \
  "t.id, t.organization_id, t.name, t.email, t.phone, t.twitter_handle, t.crm_label, t.crm_provider, t.crm_record_url, t.crm_company, t.crm_kind"
#define CONV_WITH_CONTACT_FROM "FROM conversations c JOIN contacts t ON t.id = c.contact_id "

static void
read_contact (FdStoreStmt *stmt,
              gpointer     object)
{
  FdConversation *conv = object;

  conv->contact = fd_contact_new ();
  fd_store_read_columns (stmt, &fd_contact_info, CONV_N_COLUMNS, 0, conv->contact);
}

static const FdStoreTable conversation_table = {
  .what = "conversation",
  .info = &fd_conversation_info,
  .n_columns = CONV_N_COLUMNS,
  .get_sql = "SELECT " CONV_WITH_CONTACT_COLUMNS " " CONV_WITH_CONTACT_FROM
             "WHERE c.organization_id = ?1 AND c.id = ?2",
  .read_more = read_contact,
};

static gboolean
check_conversation (const FdConversation  *conv,
                    GError               **error)
{
  if (!fd_store_check_enum (fd_conversation_state_to_string (conv->state), "conversation state", error) ||
      !fd_store_check_string (conv->subject, "subject", FD_STORE_MAX_STRING, FALSE, error) ||
      !fd_store_check_string (conv->department, "department", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (conv->page_url, "page address", FD_STORE_MAX_STRING, FALSE, error) ||
      !fd_store_check_string (conv->ip, "IP address", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (conv->browser, "browser", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (conv->os, "operating system", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (conv->callback_number, "callback number", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (conv->callback_time, "callback time", FD_STORE_MAX_STRING, FALSE, error) ||
      !fd_store_check_string (conv->comment, "comment", FD_STORE_MAX_STRING, FALSE, error) ||
      !fd_store_check_string (conv->visitor_name, "visitor's name", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (conv->visitor_email, "visitor's email address", FD_STORE_MAX_NAME, FALSE, error))
    return FALSE;
  if (conv->rating < 0 || conv->rating > 5)
    return fd_store_invalid (error, "A rating is from 1 to 5 (0 for none).");
  if (conv->unread < 0)
    return fd_store_invalid (error, "The unread count cannot be negative.");
  return TRUE;
}

static gboolean
find_or_create_contact (FdStore         *self,
                        FdConversation  *conv,
                        GError         **error)
{
  g_autoptr(FdContact) found = NULL;
  g_autoptr(GError) local_error = NULL;

  conv->contact->organization_id = conv->organization_id;
  found = fd_store_find_contact (self, conv->organization_id, conv->contact->email,
                                 conv->contact->phone, &local_error);
  if (found != NULL)
    {
      conv->contact->id = found->id;
      conv->contact_id = found->id;
      return TRUE;
    }
  if (!g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!fd_store_create_contact (self, conv->contact, error))
    return FALSE;
  conv->contact_id = conv->contact->id;
  return TRUE;
}

static gboolean
insert_conversation (FdStore         *self,
                     FdConversation  *conv,
                     GError         **error)
{
  g_autoptr(FdStream) stream = NULL;

  stream = fd_store_get_stream (self, conv->organization_id, conv->stream_id, error);
  if (stream == NULL)
    return FALSE;
  if (stream->deleted)
    return fd_store_invalid (error, "The media stream was deleted: it takes no new conversations.");
  conv->queue_id = stream->queue_id;
  conv->kind = stream->kind;

  if (conv->contact_id == 0 && conv->contact != NULL &&
      !find_or_create_contact (self, conv, error))
    return FALSE;
  if (conv->contact_id == 0)
    return fd_store_invalid (error, "A conversation needs a contact.");
  if (!fd_store_check_agent_in_org (self, conv->organization_id, conv->agent_id, error))
    return FALSE;

  if (conv->created_at == 0)
    conv->created_at = g_get_real_time ();
  if (!fd_store_execute (self,
                         "INSERT INTO conversations (organization_id, stream_id, queue_id, kind, "
                         "state, contact_id, agent_id, subject, department, page_url, ip, browser, "
                         "os, callback_number, callback_time, created_at, first_assigned_at, "
                         "reserved_at, first_reply_at, last_customer_message_at, closed_at, rating, "
                         "comment, unread, visitor_name, visitor_email, address_verified) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                         "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
                         FD_STORE_ARGS (FD_ARG_INT (conv->organization_id),
                                        FD_ARG_INT (conv->stream_id),
                                        FD_ARG_INT (conv->queue_id),
                                        FD_ARG_TEXT (fd_stream_kind_to_string (conv->kind)),
                                        FD_ARG_TEXT (fd_conversation_state_to_string (conv->state)),
                                        FD_ARG_INT (conv->contact_id),
                                        FD_ARG_ID (conv->agent_id),
                                        FD_ARG_TEXT (conv->subject),
                                        FD_ARG_TEXT (conv->department),
                                        FD_ARG_TEXT (conv->page_url),
                                        FD_ARG_TEXT (conv->ip), FD_ARG_TEXT (conv->browser),
                                        FD_ARG_TEXT (conv->os),
                                        FD_ARG_TEXT (conv->callback_number),
                                        FD_ARG_TEXT (conv->callback_time),
                                        FD_ARG_INT (conv->created_at),
                                        FD_ARG_INT (conv->first_assigned_at),
                                        FD_ARG_INT (conv->reserved_at),
                                        FD_ARG_INT (conv->first_reply_at),
                                        FD_ARG_INT (conv->last_customer_message_at),
                                        FD_ARG_INT (conv->closed_at),
                                        FD_ARG_INT (conv->rating),
                                        FD_ARG_TEXT (conv->comment),
                                        FD_ARG_INT (conv->unread),
                                        FD_ARG_TEXT (conv->visitor_name),
                                        FD_ARG_TEXT (conv->visitor_email),
                                        FD_ARG_INT (conv->address_verified ? 1 : 0)), error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_INVALID, FD_STORE_ERROR_INVALID,
                         "The conversation's contact does not exist in this organization.");
      return FALSE;
    }
  conv->id = fd_store_last_insert_id (self);
  return TRUE;
}

gboolean
fd_store_create_conversation (FdStore         *self,
                              FdConversation  *conv,
                              GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (conv != NULL, FALSE);

  if (!check_conversation (conv, error) ||
      (conv->contact != NULL && !fd_store_check_contact (conv->contact, error)))
    return FALSE;
  if (!fd_store_begin (self, error))
    return FALSE;
  return fd_store_end (self, insert_conversation (self, conv, error), error);
}

FdConversation *
fd_store_get_conversation (FdStore   *self,
                           gint64     organization_id,
                           gint64     id,
                           gboolean   with_contact,
                           GError   **error)
{
  FdConversation *conv;

  g_return_val_if_fail (self != NULL, NULL);

  conv = fd_store_table_get (self, &conversation_table, organization_id, id, error);
  if (conv != NULL && !with_contact)
    g_clear_pointer (&conv->contact, fd_contact_free);
  return conv;
}

GPtrArray *
fd_store_list_conversations_by_state (FdStore              *self,
                                      gint64                organization_id,
                                      FdConversationState   state,
                                      GError              **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (!fd_store_check_enum (fd_conversation_state_to_string (state), "conversation state", error))
    return NULL;
  stmt = fd_store_prepare_bound (self,
                                 "SELECT " CONV_WITH_CONTACT_COLUMNS " " CONV_WITH_CONTACT_FROM
                                 "WHERE c.organization_id = ?1 AND c.state = ?2 ORDER BY c.id",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (state))), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, &conversation_table, stmt, error);
}

GPtrArray *
fd_store_list_conversations_by_agent (FdStore   *self,
                                      gint64     organization_id,
                                      gint64     agent_id,
                                      gboolean   open_only,
                                      GError   **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare_bound (self,
                                 "SELECT " CONV_WITH_CONTACT_COLUMNS " " CONV_WITH_CONTACT_FROM
                                 "WHERE c.organization_id = ?1 AND c.agent_id = ?2 "
                                 "AND (?3 = 0 OR c.state = ?4) ORDER BY c.id",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (agent_id),
                                                FD_ARG_INT (open_only ? 1 : 0),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_RESERVED))), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, &conversation_table, stmt, error);
}

static int
compare_conversation_age (gconstpointer a,
                          gconstpointer b)
{
  const FdConversation *ca = *(FdConversation * const *) a;
  const FdConversation *cb = *(FdConversation * const *) b;

  if (ca->created_at != cb->created_at)
    return ca->created_at < cb->created_at ? -1 : 1;
  return ca->id < cb->id ? -1 : (ca->id > cb->id ? 1 : 0);
}

GPtrArray *
fd_store_list_unreserved_conversations (FdStore       *self,
                                        gint64         organization_id,
                                        const gint64  *queue_ids,
                                        guint          n_queue_ids,
                                        GError       **error)
{
  g_autoptr(GPtrArray) list = fd_conversation_list_new ();

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (queue_ids != NULL || n_queue_ids == 0, NULL);

  /* One query per queue keeps the SQL static; the queues of one agent are
   * few. The streams' current queue decides, as in the stats. */
  for (guint i = 0; i < n_queue_ids; i++)
    {
      g_autoptr(FdStoreStmt) stmt = NULL;
      g_autoptr(GPtrArray) part = NULL;

      stmt = fd_store_prepare_bound (self,
                                     "SELECT " CONV_WITH_CONTACT_COLUMNS " " CONV_WITH_CONTACT_FROM
                                     "JOIN streams s ON s.id = c.stream_id "
                                     "WHERE c.organization_id = ?1 AND s.queue_id = ?2 AND c.state = ?3 "
                                     "ORDER BY c.created_at, c.id",
                                     FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                    FD_ARG_INT (queue_ids[i]),
                                                    FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_UNRESERVED))), error);
      if (stmt == NULL)
        return NULL;
      part = fd_store_table_collect (self, &conversation_table, stmt, error);
      if (part == NULL)
        return NULL;
      g_ptr_array_extend_and_steal (list, g_steal_pointer (&part));
    }
  /* Oldest first across queues. */
  g_ptr_array_sort (list, compare_conversation_age);
  return g_steal_pointer (&list);
}

GPtrArray *
fd_store_list_contact_history (FdStore  *self,
                               gint64    organization_id,
                               gint64    contact_id,
                               guint     limit,
                               GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare_bound (self,
                                 "SELECT " CONV_WITH_CONTACT_COLUMNS " " CONV_WITH_CONTACT_FROM
                                 "WHERE c.organization_id = ?1 AND c.contact_id = ?2 "
                                 "ORDER BY c.created_at DESC, c.id DESC LIMIT ?3",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_INT (contact_id),
                                                FD_ARG_INT (limit > 0 ? (int) MIN (limit, G_MAXINT) : FD_STORE_HISTORY_LIMIT)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, &conversation_table, stmt, error);
}

gboolean
fd_store_update_conversation (FdStore               *self,
                              const FdConversation  *conv,
                              GError               **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (conv != NULL, FALSE);

  gboolean ok;

  if (!check_conversation (conv, error) ||
      !fd_store_check_agent_in_org (self, conv->organization_id, conv->agent_id, error))
    return FALSE;
  /* Two statements: the columns that indexes and triggers read (the state,
   * the holder, the Activity Log's keys) are written only when one of them
   * changed, because SQLite rewrites the entry of every index whose column
   * an UPDATE sets, changed or not, and fires the triggers of those
   * columns; a chat message changes none of them (docs/performance.md,
   * "Durability"). */
  if (!fd_store_begin (self, error))
    return FALSE;
  ok = fd_store_execute (self,
                         "UPDATE conversations SET state = ?3, agent_id = ?4, first_assigned_at = ?5, "
                         "closed_at = ?6 WHERE organization_id = ?1 AND id = ?2 "
                         "AND (state IS NOT ?3 OR agent_id IS NOT ?4 OR first_assigned_at IS NOT ?5 "
                         "OR closed_at IS NOT ?6)",
                         FD_STORE_ARGS (FD_ARG_INT (conv->organization_id),
                                        FD_ARG_INT (conv->id),
                                        FD_ARG_TEXT (fd_conversation_state_to_string (conv->state)),
                                        FD_ARG_ID (conv->agent_id),
                                        FD_ARG_INT (conv->first_assigned_at),
                                        FD_ARG_INT (conv->closed_at)), error) &&
       fd_store_execute_update (self,
                                "UPDATE conversations SET subject = ?3, department = ?4, reserved_at = ?5, "
                                "first_reply_at = ?6, last_customer_message_at = ?7, rating = ?8, "
                                "comment = ?9, unread = ?10 "
                                "WHERE organization_id = ?1 AND id = ?2",
                                "conversation",
                                FD_STORE_ARGS (FD_ARG_INT (conv->organization_id),
                                               FD_ARG_INT (conv->id),
                                               FD_ARG_TEXT (conv->subject),
                                               FD_ARG_TEXT (conv->department),
                                               FD_ARG_INT (conv->reserved_at),
                                               FD_ARG_INT (conv->first_reply_at),
                                               FD_ARG_INT (conv->last_customer_message_at),
                                               FD_ARG_INT (conv->rating),
                                               FD_ARG_TEXT (conv->comment),
                                               FD_ARG_INT (conv->unread)), error);
  return fd_store_end (self, ok, error);
}

