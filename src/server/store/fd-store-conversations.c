#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

#include <string.h>

/* Contacts, conversations, messages and offers. */

/* Contacts. */

#define CONTACT_COLUMNS "id, organization_id, name, email, phone, twitter_handle, crm_label"

static FdContact *
contact_from_row (FdStoreStmt *stmt,
                  int          first)
{
  FdContact *contact = fd_contact_new ();

  contact->id = fd_store_col_int64 (stmt, first + 0);
  contact->organization_id = fd_store_col_int64 (stmt, first + 1);
  contact->name = fd_store_col_text (stmt, first + 2);
  contact->email = fd_store_col_text (stmt, first + 3);
  contact->phone = fd_store_col_text (stmt, first + 4);
  contact->twitter_handle = fd_store_col_text (stmt, first + 5);
  contact->crm_label = fd_store_col_text (stmt, first + 6);
  return contact;
}

/* Phone numbers compare by their digits (and a leading +), so that
 * "+1 (555) 010-0000" finds "+15550100000". */
static char *
phone_key (const char *phone)
{
  GString *key;

  if (phone == NULL || *phone == '\0')
    return NULL;
  key = g_string_new (NULL);
  for (const char *p = phone; *p != '\0'; p++)
    if (g_ascii_isdigit (*p) || (*p == '+' && key->len == 0))
      g_string_append_c (key, *p);
  if (key->len == 0)
    {
      g_string_free (key, TRUE);
      return NULL;
    }
  return g_string_free (key, FALSE);
}

static char *
email_key (const char *email)
{
  if (email == NULL || *email == '\0')
    return NULL;
  return fd_store_fold (email);
}

static gboolean
check_contact (const FdContact  *contact,
               GError          **error)
{
  return fd_store_check_string (contact->name, "contact name", FD_STORE_MAX_NAME, FALSE, error) &&
         fd_store_check_string (contact->email, "contact email address", FD_STORE_MAX_NAME, FALSE, error) &&
         fd_store_check_string (contact->phone, "contact phone number", FD_STORE_MAX_NAME, FALSE, error) &&
         fd_store_check_string (contact->twitter_handle, "Twitter handle", FD_STORE_MAX_NAME, FALSE, error) &&
         fd_store_check_string (contact->crm_label, "CRM label", FD_STORE_MAX_NAME, FALSE, error);
}

gboolean
fd_store_create_contact (FdStore    *self,
                         FdContact  *contact,
                         GError    **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *ekey = NULL;
  g_autofree char *pkey = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (contact != NULL, FALSE);

  if (!check_contact (contact, error))
    return FALSE;
  stmt = fd_store_prepare (self,
                           "INSERT INTO contacts (organization_id, name, email, email_key, phone, "
                           "phone_key, twitter_handle, crm_label, created_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
  if (stmt == NULL)
    return FALSE;
  ekey = email_key (contact->email);
  pkey = phone_key (contact->phone);
  sqlite3_bind_int64 (stmt, 1, contact->organization_id);
  fd_store_bind_text (stmt, 2, contact->name);
  fd_store_bind_text (stmt, 3, contact->email);
  fd_store_bind_text (stmt, 4, ekey);
  fd_store_bind_text (stmt, 5, contact->phone);
  fd_store_bind_text (stmt, 6, pkey);
  fd_store_bind_text (stmt, 7, contact->twitter_handle);
  fd_store_bind_text (stmt, 8, contact->crm_label);
  sqlite3_bind_int64 (stmt, 9, g_get_real_time ());
  if (!fd_store_run (self, stmt, error))
    return FALSE;
  contact->id = fd_store_last_insert_id (self);
  return TRUE;
}

FdContact *
fd_store_get_contact (FdStore  *self,
                      gint64    organization_id,
                      gint64    id,
                      GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self,
                           "SELECT " CONTACT_COLUMNS " FROM contacts "
                           "WHERE organization_id = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = fd_store_step (self, stmt, FALSE, error);
  if (rc == SQLITE_ROW)
    return contact_from_row (stmt, 0);
  if (rc == SQLITE_DONE)
    fd_store_not_found ("contact", error);
  return NULL;
}

FdContact *
fd_store_find_contact (FdStore     *self,
                       gint64       organization_id,
                       const char  *email,
                       const char  *phone,
                       GError     **error)
{
  static const char * const sql[] = {
    "SELECT " CONTACT_COLUMNS " FROM contacts WHERE organization_id = ?1 AND email_key = ?2 "
    "ORDER BY id LIMIT 1",
    "SELECT " CONTACT_COLUMNS " FROM contacts WHERE organization_id = ?1 AND phone_key = ?2 "
    "ORDER BY id LIMIT 1",
  };
  g_autofree char *ekey = email_key (email);
  g_autofree char *pkey = phone_key (phone);
  const char *keys[] = { ekey, pkey };

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      g_autoptr(FdStoreStmt) stmt = NULL;
      int rc;

      if (keys[i] == NULL)
        continue;
      stmt = fd_store_prepare (self, sql[i], error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, organization_id);
      fd_store_bind_text (stmt, 2, keys[i]);
      rc = fd_store_step (self, stmt, FALSE, error);
      if (rc < 0)
        return NULL;
      if (rc == SQLITE_ROW)
        return contact_from_row (stmt, 0);
    }
  fd_store_not_found ("contact", error);
  return NULL;
}

GPtrArray *
fd_store_list_contacts (FdStore  *self,
                        gint64    organization_id,
                        GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) list = fd_contact_list_new ();
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self,
                           "SELECT " CONTACT_COLUMNS " FROM contacts WHERE organization_id = ?1 "
                           "ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    g_ptr_array_add (list, contact_from_row (stmt, 0));
  return rc < 0 ? NULL : g_steal_pointer (&list);
}

gboolean
fd_store_update_contact (FdStore          *self,
                         const FdContact  *contact,
                         GError          **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *ekey = NULL;
  g_autofree char *pkey = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (contact != NULL, FALSE);

  if (!check_contact (contact, error))
    return FALSE;
  stmt = fd_store_prepare (self,
                           "UPDATE contacts SET name = ?3, email = ?4, email_key = ?5, phone = ?6, "
                           "phone_key = ?7, twitter_handle = ?8, crm_label = ?9 "
                           "WHERE organization_id = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  ekey = email_key (contact->email);
  pkey = phone_key (contact->phone);
  sqlite3_bind_int64 (stmt, 1, contact->organization_id);
  sqlite3_bind_int64 (stmt, 2, contact->id);
  fd_store_bind_text (stmt, 3, contact->name);
  fd_store_bind_text (stmt, 4, contact->email);
  fd_store_bind_text (stmt, 5, ekey);
  fd_store_bind_text (stmt, 6, contact->phone);
  fd_store_bind_text (stmt, 7, pkey);
  fd_store_bind_text (stmt, 8, contact->twitter_handle);
  fd_store_bind_text (stmt, 9, contact->crm_label);
  return fd_store_run_update (self, stmt, "contact", error);
}

gboolean
fd_store_delete_contact (FdStore  *self,
                         gint64    organization_id,
                         gint64    id,
                         GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  stmt = fd_store_prepare (self, "DELETE FROM contacts WHERE organization_id = ?1 AND id = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, id);
  if (!fd_store_run_delete (self, stmt, "contact", error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_CONFLICT, FD_STORE_ERROR_CONFLICT,
                         "The contact still has conversations.");
      return FALSE;
    }
  return TRUE;
}

/* Conversations. */

#define CONV_COLUMNS \
  "c.id, c.organization_id, c.stream_id, c.queue_id, c.kind, c.state, c.contact_id, " \
  "c.agent_id, c.subject, c.department, c.page_url, c.ip, c.browser, c.os, " \
  "c.callback_number, c.callback_time, c.created_at, c.first_assigned_at, c.reserved_at, " \
  "c.first_reply_at, c.last_customer_message_at, c.closed_at, c.rating, c.comment, c.unread, " \
  "(SELECT s.name FROM streams s WHERE s.id = c.stream_id)"
#define CONV_N_COLUMNS 26
#define CONV_WITH_CONTACT_COLUMNS CONV_COLUMNS ", " \
  "t.id, t.organization_id, t.name, t.email, t.phone, t.twitter_handle, t.crm_label"
#define CONV_WITH_CONTACT_FROM "FROM conversations c JOIN contacts t ON t.id = c.contact_id "

static FdConversation *
conversation_from_row (FdStoreStmt *stmt,
                       gboolean     with_contact)
{
  FdConversation *conv = fd_conversation_new ();
  g_autofree char *kind = NULL;
  g_autofree char *state = NULL;

  conv->id = fd_store_col_int64 (stmt, 0);
  conv->organization_id = fd_store_col_int64 (stmt, 1);
  conv->stream_id = fd_store_col_int64 (stmt, 2);
  conv->queue_id = fd_store_col_int64 (stmt, 3);
  kind = fd_store_col_text (stmt, 4);
  fd_stream_kind_from_string (kind, &conv->kind);
  state = fd_store_col_text (stmt, 5);
  fd_conversation_state_from_string (state, &conv->state);
  conv->contact_id = fd_store_col_int64 (stmt, 6);
  conv->agent_id = fd_store_col_int64 (stmt, 7);
  conv->subject = fd_store_col_text (stmt, 8);
  conv->department = fd_store_col_text (stmt, 9);
  conv->page_url = fd_store_col_text (stmt, 10);
  conv->ip = fd_store_col_text (stmt, 11);
  conv->browser = fd_store_col_text (stmt, 12);
  conv->os = fd_store_col_text (stmt, 13);
  conv->callback_number = fd_store_col_text (stmt, 14);
  conv->callback_time = fd_store_col_text (stmt, 15);
  conv->created_at = fd_store_col_int64 (stmt, 16);
  conv->first_assigned_at = fd_store_col_int64 (stmt, 17);
  conv->reserved_at = fd_store_col_int64 (stmt, 18);
  conv->first_reply_at = fd_store_col_int64 (stmt, 19);
  conv->last_customer_message_at = fd_store_col_int64 (stmt, 20);
  conv->closed_at = fd_store_col_int64 (stmt, 21);
  conv->rating = sqlite3_column_int (stmt, 22);
  conv->comment = fd_store_col_text (stmt, 23);
  conv->unread = sqlite3_column_int (stmt, 24);
  conv->stream_name = fd_store_col_text (stmt, 25);
  if (with_contact)
    conv->contact = contact_from_row (stmt, CONV_N_COLUMNS);
  return conv;
}

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
      !fd_store_check_string (conv->comment, "comment", FD_STORE_MAX_STRING, FALSE, error))
    return FALSE;
  if (conv->rating < 0 || conv->rating > 5)
    return fd_store_invalid (error, "A rating is from 1 to 5 (0 for none).");
  if (conv->unread < 0)
    return fd_store_invalid (error, "The unread count cannot be negative.");
  return TRUE;
}

static gboolean
check_agent_in_org (FdStore  *self,
                    gint64    organization_id,
                    gint64    agent_id,
                    GError  **error)
{
  if (agent_id == 0)
    return TRUE;
  if (!fd_store_exists (self, "SELECT 1 FROM agents WHERE organization_id = ?1 AND id = ?2",
                        organization_id, agent_id, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_NOT_FOUND, FD_STORE_ERROR_INVALID,
                         "The agent does not exist in this organization.");
      return FALSE;
    }
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
  g_autoptr(FdStoreStmt) stmt = NULL;
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
  if (!check_agent_in_org (self, conv->organization_id, conv->agent_id, error))
    return FALSE;

  stmt = fd_store_prepare (self,
                           "INSERT INTO conversations (organization_id, stream_id, queue_id, kind, "
                           "state, contact_id, agent_id, subject, department, page_url, ip, browser, "
                           "os, callback_number, callback_time, created_at, first_assigned_at, "
                           "reserved_at, first_reply_at, last_customer_message_at, closed_at, rating, "
                           "comment, unread) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                           "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)", error);
  if (stmt == NULL)
    return FALSE;
  if (conv->created_at == 0)
    conv->created_at = g_get_real_time ();
  sqlite3_bind_int64 (stmt, 1, conv->organization_id);
  sqlite3_bind_int64 (stmt, 2, conv->stream_id);
  sqlite3_bind_int64 (stmt, 3, conv->queue_id);
  fd_store_bind_text (stmt, 4, fd_stream_kind_to_string (conv->kind));
  fd_store_bind_text (stmt, 5, fd_conversation_state_to_string (conv->state));
  sqlite3_bind_int64 (stmt, 6, conv->contact_id);
  fd_store_bind_id (stmt, 7, conv->agent_id);
  fd_store_bind_text (stmt, 8, conv->subject);
  fd_store_bind_text (stmt, 9, conv->department);
  fd_store_bind_text (stmt, 10, conv->page_url);
  fd_store_bind_text (stmt, 11, conv->ip);
  fd_store_bind_text (stmt, 12, conv->browser);
  fd_store_bind_text (stmt, 13, conv->os);
  fd_store_bind_text (stmt, 14, conv->callback_number);
  fd_store_bind_text (stmt, 15, conv->callback_time);
  sqlite3_bind_int64 (stmt, 16, conv->created_at);
  sqlite3_bind_int64 (stmt, 17, conv->first_assigned_at);
  sqlite3_bind_int64 (stmt, 18, conv->reserved_at);
  sqlite3_bind_int64 (stmt, 19, conv->first_reply_at);
  sqlite3_bind_int64 (stmt, 20, conv->last_customer_message_at);
  sqlite3_bind_int64 (stmt, 21, conv->closed_at);
  sqlite3_bind_int (stmt, 22, conv->rating);
  fd_store_bind_text (stmt, 23, conv->comment);
  sqlite3_bind_int (stmt, 24, conv->unread);
  if (!fd_store_run (self, stmt, error))
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
      (conv->contact != NULL && !check_contact (conv->contact, error)))
    return FALSE;
  if (!fd_store_begin (self, error))
    return FALSE;
  return fd_store_end (self, insert_conversation (self, conv, error), error);
}

static GPtrArray *
list_conversations (FdStore      *self,
                    FdStoreStmt  *stmt,
                    gboolean      with_contact,
                    GError      **error)
{
  g_autoptr(GPtrArray) list = fd_conversation_list_new ();
  int rc;

  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    g_ptr_array_add (list, conversation_from_row (stmt, with_contact));
  return rc < 0 ? NULL : g_steal_pointer (&list);
}

FdConversation *
fd_store_get_conversation (FdStore   *self,
                           gint64     organization_id,
                           gint64     id,
                           gboolean   with_contact,
                           GError   **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self,
                           "SELECT " CONV_WITH_CONTACT_COLUMNS " " CONV_WITH_CONTACT_FROM
                           "WHERE c.organization_id = ?1 AND c.id = ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = fd_store_step (self, stmt, FALSE, error);
  if (rc == SQLITE_ROW)
    return conversation_from_row (stmt, with_contact);
  if (rc == SQLITE_DONE)
    fd_store_not_found ("conversation", error);
  return NULL;
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
  stmt = fd_store_prepare (self,
                           "SELECT " CONV_WITH_CONTACT_COLUMNS " " CONV_WITH_CONTACT_FROM
                           "WHERE c.organization_id = ?1 AND c.state = ?2 ORDER BY c.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  fd_store_bind_text (stmt, 2, fd_conversation_state_to_string (state));
  return list_conversations (self, stmt, TRUE, error);
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

  stmt = fd_store_prepare (self,
                           "SELECT " CONV_WITH_CONTACT_COLUMNS " " CONV_WITH_CONTACT_FROM
                           "WHERE c.organization_id = ?1 AND c.agent_id = ?2 "
                           "AND (?3 = 0 OR c.state = ?4) ORDER BY c.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, agent_id);
  sqlite3_bind_int (stmt, 3, open_only ? 1 : 0);
  fd_store_bind_text (stmt, 4, fd_conversation_state_to_string (FD_CONVERSATION_RESERVED));
  return list_conversations (self, stmt, TRUE, error);
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

      stmt = fd_store_prepare (self,
                               "SELECT " CONV_WITH_CONTACT_COLUMNS " " CONV_WITH_CONTACT_FROM
                               "JOIN streams s ON s.id = c.stream_id "
                               "WHERE c.organization_id = ?1 AND s.queue_id = ?2 AND c.state = ?3 "
                               "ORDER BY c.created_at, c.id", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, organization_id);
      sqlite3_bind_int64 (stmt, 2, queue_ids[i]);
      fd_store_bind_text (stmt, 3, fd_conversation_state_to_string (FD_CONVERSATION_UNRESERVED));
      part = list_conversations (self, stmt, TRUE, error);
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

  stmt = fd_store_prepare (self,
                           "SELECT " CONV_WITH_CONTACT_COLUMNS " " CONV_WITH_CONTACT_FROM
                           "WHERE c.organization_id = ?1 AND c.contact_id = ?2 "
                           "ORDER BY c.created_at DESC, c.id DESC LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, contact_id);
  sqlite3_bind_int (stmt, 3, limit > 0 ? (int) MIN (limit, G_MAXINT) : FD_STORE_HISTORY_LIMIT);
  return list_conversations (self, stmt, TRUE, error);
}

gboolean
fd_store_update_conversation (FdStore               *self,
                              const FdConversation  *conv,
                              GError               **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (conv != NULL, FALSE);

  if (!check_conversation (conv, error) ||
      !check_agent_in_org (self, conv->organization_id, conv->agent_id, error))
    return FALSE;
  stmt = fd_store_prepare (self,
                           "UPDATE conversations SET state = ?3, agent_id = ?4, subject = ?5, "
                           "department = ?6, first_assigned_at = ?7, reserved_at = ?8, "
                           "first_reply_at = ?9, last_customer_message_at = ?10, closed_at = ?11, "
                           "rating = ?12, comment = ?13, unread = ?14 "
                           "WHERE organization_id = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conv->organization_id);
  sqlite3_bind_int64 (stmt, 2, conv->id);
  fd_store_bind_text (stmt, 3, fd_conversation_state_to_string (conv->state));
  fd_store_bind_id (stmt, 4, conv->agent_id);
  fd_store_bind_text (stmt, 5, conv->subject);
  fd_store_bind_text (stmt, 6, conv->department);
  sqlite3_bind_int64 (stmt, 7, conv->first_assigned_at);
  sqlite3_bind_int64 (stmt, 8, conv->reserved_at);
  sqlite3_bind_int64 (stmt, 9, conv->first_reply_at);
  sqlite3_bind_int64 (stmt, 10, conv->last_customer_message_at);
  sqlite3_bind_int64 (stmt, 11, conv->closed_at);
  sqlite3_bind_int (stmt, 12, conv->rating);
  fd_store_bind_text (stmt, 13, conv->comment);
  sqlite3_bind_int (stmt, 14, conv->unread);
  return fd_store_run_update (self, stmt, "conversation", error);
}

/* Messages. */

#define MESSAGE_COLUMNS "id, organization_id, conversation_id, direction, agent_id, author_name, " \
                        "text, client_id, created_at"

static FdMessage *
message_from_row (FdStoreStmt *stmt)
{
  FdMessage *msg = fd_message_new ();
  g_autofree char *direction = NULL;

  msg->id = fd_store_col_int64 (stmt, 0);
  msg->organization_id = fd_store_col_int64 (stmt, 1);
  msg->conversation_id = fd_store_col_int64 (stmt, 2);
  direction = fd_store_col_text (stmt, 3);
  fd_direction_from_string (direction, &msg->direction);
  msg->agent_id = fd_store_col_int64 (stmt, 4);
  msg->author_name = fd_store_col_text (stmt, 5);
  msg->text = fd_store_col_text (stmt, 6);
  msg->client_id = fd_store_col_text (stmt, 7);
  msg->created_at = fd_store_col_int64 (stmt, 8);
  return msg;
}

/* Loads the attachments of every message of @messages (all of one
 * conversation) in one query. */
static gboolean
load_attachments (FdStore    *self,
                  gint64      conversation_id,
                  GPtrArray  *messages,
                  GError    **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  int rc;

  if (messages->len == 0)
    return TRUE;
  for (guint i = 0; i < messages->len; i++)
    {
      FdMessage *msg = g_ptr_array_index (messages, i);

      g_hash_table_insert (by_id, &msg->id, msg);
    }
  stmt = fd_store_prepare (self,
                           "SELECT a.message_id, a.name, a.url, a.mime_type, a.size FROM attachments a "
                           "JOIN messages m ON m.id = a.message_id WHERE m.conversation_id = ?1 "
                           "ORDER BY a.message_id, a.position", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      gint64 message_id = fd_store_col_int64 (stmt, 0);
      FdMessage *msg = g_hash_table_lookup (by_id, &message_id);
      FdAttachment *attachment;

      if (msg == NULL)
        continue;
      attachment = fd_attachment_new ();
      attachment->name = fd_store_col_text (stmt, 1);
      attachment->url = fd_store_col_text (stmt, 2);
      attachment->mime_type = fd_store_col_text (stmt, 3);
      attachment->size = fd_store_col_int64 (stmt, 4);
      if (msg->attachments == NULL)
        msg->attachments = fd_attachment_list_new ();
      g_ptr_array_add (msg->attachments, attachment);
    }
  return rc >= 0;
}

static gboolean
check_message (const FdMessage  *msg,
               GError          **error)
{
  if (!fd_store_check_enum (fd_direction_to_string (msg->direction), "message direction", error) ||
      !fd_store_check_string (msg->author_name, "author name", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (msg->text, "message text", FD_STORE_MAX_TEXT, FALSE, error) ||
      !fd_store_check_string (msg->client_id, "client id", FD_STORE_MAX_ID, FALSE, error))
    return FALSE;
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
  g_autoptr(GPtrArray) one = fd_message_list_new ();

  {
    g_autoptr(FdStoreStmt) stmt = NULL;
    int rc;

    stmt = fd_store_prepare (self,
                             "SELECT " MESSAGE_COLUMNS " FROM messages WHERE organization_id = ?1 "
                             "AND conversation_id = ?2 AND client_id = ?3", error);
    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 1, organization_id);
    sqlite3_bind_int64 (stmt, 2, conversation_id);
    fd_store_bind_text (stmt, 3, client_id);
    rc = fd_store_step (self, stmt, FALSE, error);
    if (rc < 0)
      return NULL;
    if (rc == SQLITE_DONE)
      {
        fd_store_not_found ("message", error);
        return NULL;
      }
    g_ptr_array_add (one, message_from_row (stmt));
  }
  if (!load_attachments (self, conversation_id, one, error))
    return NULL;
  return g_ptr_array_steal_index (one, 0);
}

static gboolean
insert_message (FdStore    *self,
                FdMessage  *msg,
                GError    **error)
{
  if (msg->direction == FD_DIRECTION_OUT &&
      !check_agent_in_org (self, msg->organization_id, msg->agent_id, error))
    return FALSE;

  {
    g_autoptr(FdStoreStmt) stmt = NULL;

    stmt = fd_store_prepare (self,
                             "INSERT INTO messages (organization_id, conversation_id, direction, "
                             "agent_id, author_name, text, client_id, created_at) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, msg->organization_id);
    sqlite3_bind_int64 (stmt, 2, msg->conversation_id);
    fd_store_bind_text (stmt, 3, fd_direction_to_string (msg->direction));
    fd_store_bind_id (stmt, 4, msg->direction == FD_DIRECTION_OUT ? msg->agent_id : 0);
    fd_store_bind_text (stmt, 5, msg->author_name);
    fd_store_bind_text (stmt, 6, msg->text);
    fd_store_bind_text (stmt, 7, msg->client_id);
    sqlite3_bind_int64 (stmt, 8, msg->created_at);
    if (!fd_store_run (self, stmt, error))
      {
        fd_store_rephrase (error, FD_STORE_ERROR_INVALID, FD_STORE_ERROR_NOT_FOUND,
                           "No such conversation in this organization.");
        return FALSE;
      }
    msg->id = fd_store_last_insert_id (self);
  }

  for (guint i = 0; msg->attachments != NULL && i < msg->attachments->len; i++)
    {
      const FdAttachment *a = g_ptr_array_index (msg->attachments, i);
      g_autoptr(FdStoreStmt) stmt = NULL;

      stmt = fd_store_prepare (self,
                               "INSERT INTO attachments (organization_id, message_id, position, name, "
                               "url, mime_type, size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, msg->organization_id);
      sqlite3_bind_int64 (stmt, 2, msg->id);
      sqlite3_bind_int (stmt, 3, (int) i);
      fd_store_bind_text (stmt, 4, a->name);
      fd_store_bind_text (stmt, 5, a->url);
      fd_store_bind_text (stmt, 6, a->mime_type);
      sqlite3_bind_int64 (stmt, 7, a->size);
      if (!fd_store_run (self, stmt, error))
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
  gboolean ok;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (msg != NULL, NULL);

  if (out_duplicate != NULL)
    *out_duplicate = FALSE;
  if (!check_message (msg, error))
    return NULL;

  if (msg->client_id != NULL && *msg->client_id != '\0')
    {
      g_autoptr(GError) local_error = NULL;

      stored = get_message_by_client_id (self, msg->organization_id, msg->conversation_id,
                                         msg->client_id, &local_error);
      if (stored != NULL)
        {
          if (out_duplicate != NULL)
            *out_duplicate = TRUE;
          return g_steal_pointer (&stored);
        }
      if (!g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  stored = fd_message_copy (msg);
  /* An empty client id means none: it must not collide with other empties. */
  if (stored->client_id != NULL && *stored->client_id == '\0')
    g_clear_pointer (&stored->client_id, g_free);
  if (stored->created_at == 0)
    stored->created_at = g_get_real_time ();
  if (!fd_store_begin (self, error))
    return NULL;
  ok = insert_message (self, stored, error);
  if (!fd_store_end (self, ok, error))
    return NULL;
  return g_steal_pointer (&stored);
}

GPtrArray *
fd_store_list_messages (FdStore  *self,
                        gint64    organization_id,
                        gint64    conversation_id,
                        gint64    after_id,
                        GError  **error)
{
  g_autoptr(GPtrArray) list = fd_message_list_new ();

  g_return_val_if_fail (self != NULL, NULL);

  if (!fd_store_exists (self, "SELECT 1 FROM conversations WHERE organization_id = ?1 AND id = ?2",
                        organization_id, conversation_id, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_NOT_FOUND, FD_STORE_ERROR_NOT_FOUND,
                         "No such conversation in this organization.");
      return NULL;
    }

  {
    g_autoptr(FdStoreStmt) stmt = NULL;
    int rc;

    stmt = fd_store_prepare (self,
                             "SELECT " MESSAGE_COLUMNS " FROM messages WHERE organization_id = ?1 "
                             "AND conversation_id = ?2 AND id > ?3 ORDER BY id", error);
    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 1, organization_id);
    sqlite3_bind_int64 (stmt, 2, conversation_id);
    sqlite3_bind_int64 (stmt, 3, after_id);
    while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
      g_ptr_array_add (list, message_from_row (stmt));
    if (rc < 0)
      return NULL;
  }
  if (!load_attachments (self, conversation_id, list, error))
    return NULL;
  return g_steal_pointer (&list);
}

gboolean
fd_store_count_messages (FdStore  *self,
                         gint64    organization_id,
                         gint64    conversation_id,
                         gint64   *out_count,
                         GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);

  stmt = fd_store_prepare (self,
                           "SELECT count(*) FROM messages "
                           "WHERE organization_id = ?1 AND conversation_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, conversation_id);
  if (fd_store_step (self, stmt, FALSE, error) != SQLITE_ROW)
    return FALSE;
  *out_count = fd_store_col_int64 (stmt, 0);
  return TRUE;
}

/* Offers. */

static GPtrArray *
list_offers (FdStore      *self,
             FdStoreStmt  *stmt,
             GError      **error)
{
  g_autoptr(GPtrArray) list = fd_offer_list_new ();
  int rc;

  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      FdOffer *offer = fd_offer_new ();

      offer->conversation_id = fd_store_col_int64 (stmt, 0);
      offer->agent_id = fd_store_col_int64 (stmt, 1);
      offer->phase = sqlite3_column_int (stmt, 2);
      offer->offered_at = fd_store_col_int64 (stmt, 3);
      offer->bounce_at = fd_store_col_int64 (stmt, 4);
      g_ptr_array_add (list, offer);
    }
  return rc < 0 ? NULL : g_steal_pointer (&list);
}

gboolean
fd_store_put_offer (FdStore        *self,
                    gint64          organization_id,
                    const FdOffer  *offer,
                    GError        **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (offer != NULL, FALSE);

  stmt = fd_store_prepare (self,
                           "INSERT INTO offers (organization_id, conversation_id, agent_id, phase, "
                           "offered_at, bounce_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                           "ON CONFLICT (conversation_id, agent_id) DO UPDATE SET "
                           "phase = excluded.phase, offered_at = excluded.offered_at, "
                           "bounce_at = excluded.bounce_at "
                           "WHERE offers.organization_id = excluded.organization_id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, offer->conversation_id);
  sqlite3_bind_int64 (stmt, 3, offer->agent_id);
  sqlite3_bind_int (stmt, 4, offer->phase);
  sqlite3_bind_int64 (stmt, 5, offer->offered_at);
  sqlite3_bind_int64 (stmt, 6, offer->bounce_at);
  if (!fd_store_run (self, stmt, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_INVALID, FD_STORE_ERROR_NOT_FOUND,
                         "No such conversation or agent in this organization.");
      return FALSE;
    }
  if (fd_store_changes (self) == 0)
    return fd_store_not_found ("conversation", error);
  return TRUE;
}

gboolean
fd_store_delete_offer (FdStore  *self,
                       gint64    organization_id,
                       gint64    conversation_id,
                       gint64    agent_id,
                       GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  /* Deleting an offer that is gone already is not an error: a bounce and a
   * reserve may both clear it. */
  stmt = fd_store_prepare (self,
                           "DELETE FROM offers WHERE organization_id = ?1 AND conversation_id = ?2 "
                           "AND (?3 = 0 OR agent_id = ?3)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, conversation_id);
  sqlite3_bind_int64 (stmt, 3, agent_id);
  return fd_store_run (self, stmt, error);
}

GPtrArray *
fd_store_list_offers_by_agent (FdStore  *self,
                               gint64    organization_id,
                               gint64    agent_id,
                               GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self,
                           "SELECT conversation_id, agent_id, phase, offered_at, bounce_at FROM offers "
                           "WHERE organization_id = ?1 AND agent_id = ?2 "
                           "ORDER BY offered_at, conversation_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, agent_id);
  return list_offers (self, stmt, error);
}

GPtrArray *
fd_store_list_offers (FdStore  *self,
                      gint64    organization_id,
                      GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self,
                           "SELECT conversation_id, agent_id, phase, offered_at, bounce_at FROM offers "
                           "WHERE ?1 = 0 OR organization_id = ?1 "
                           "ORDER BY offered_at, conversation_id, agent_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  return list_offers (self, stmt, error);
}
