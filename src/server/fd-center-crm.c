#define G_LOG_DOMAIN "fd-center"

/* The CRM integration's writes that go through the center (docs/crm.md):
 * a lookup's result on the contact with its `conversation` event, the
 * automatic log entry queued in the transaction that closes a
 * conversation, and a manual entry (`crm-log`). FdCrm
 * (src/server/crm/fd-crm.c) calls these; the center knows no CRM. */

#include "fd-center-private.h"
#include "fd-center-crm.h"
#include "fd-store-crm.h"

#include "fd-protocol.h"

#include <sodium.h>

gboolean
fd_center_set_contact_crm (FdCenter         *self,
                           gint64            organization_id,
                           gint64            conversation_id,
                           const FdContact  *fields,
                           const char       *record_id,
                           GError          **error)
{
  g_autoptr(FdConversation) conv = NULL;
  gboolean changed = FALSE;
  gboolean ok;

  if (!fd_center_begin (self, error))
    return FALSE;
  conv = fd_store_get_conversation (self->store, organization_id, conversation_id, TRUE, error);
  ok = conv != NULL && conv->contact != NULL &&
       fd_store_set_contact_crm (self->store, organization_id, conv->contact->id, fields, record_id,
                                 &changed, error);
  if (ok && changed)
    {
      /* The conversation looked up, and the customer's other open ones
       * (the contact is shared), are sent again with the new fields. */
      g_autoptr(GPtrArray) history = fd_store_list_contact_history (self->store, organization_id, conv->contact->id,
                                                                    0, error);

      ok = history != NULL;
      for (guint i = 0; ok && history != NULL && i < history->len; i++)
        {
          const FdConversation *other = g_ptr_array_index (history, i);

          if (other->id == conversation_id || other->state == FD_CONVERSATION_UNRESERVED ||
              other->state == FD_CONVERSATION_RESERVED)
            ok = fd_center_emit_conversation (self, other, error);
        }
    }
  return fd_center_finish (self, ok, error);
}

/* The conversation as plain text for the CRM: a header line, then one
 * line per message "[YYYY-MM-DD HH:MM UTC] Author: text", at most
 * FD_CRM_TRANSCRIPT_MAX characters (then a line saying it was cut). */
char *
fd_center_crm_transcript (FdCenter              *self,
                          const FdConversation  *conv,
                          GError               **error)
{
  g_autoptr(GPtrArray) messages = fd_store_list_messages (self->store, conv->organization_id, conv->id, 0, error);
  GString *text;
  const char *customer;

  if (messages == NULL)
    return NULL;
  customer = conv->contact != NULL && conv->contact->name != NULL ? conv->contact->name
             : conv->visitor_name != NULL ? conv->visitor_name : "Customer";
  text = g_string_new (NULL);
  g_string_append_printf (text, "Frontdesk %s conversation %" G_GINT64_FORMAT " with %s\n\n",
                          fd_enum_to_string (&fd_stream_kind_enum, conv->kind), conv->id, customer);
  for (guint i = 0; i < messages->len; i++)
    {
      const FdMessage *m = g_ptr_array_index (messages, i);
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (m->created_at / G_USEC_PER_SEC);
      g_autofree char *stamp = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup ("?");
      const char *author = m->direction == FD_DIRECTION_IN ? customer
                           : m->direction == FD_DIRECTION_SYSTEM ? "Frontdesk"
                           : m->author_name != NULL ? m->author_name : "Agent";

      if (text->len >= FD_CRM_TRANSCRIPT_MAX)
        {
          g_string_append (text, "\n[The transcript was cut here.]\n");
          break;
        }
      g_string_append_printf (text, "[%s UTC] %s: %s\n", stamp, author, m->text != NULL ? m->text : "");
    }
  return g_string_free (text, FALSE);
}

static char *
new_key (void)
{
  guint8 raw[16];
  char hex[33];

  randombytes_buf (raw, sizeof raw);
  sodium_bin2hex (hex, sizeof hex, raw, sizeof raw);
  return g_strconcat ("frontdesk-", hex, NULL);
}

static char *
default_subject (const FdConversation *conv)
{
  const char *customer = conv->contact != NULL && conv->contact->name != NULL ? conv->contact->name
                         : conv->visitor_name != NULL ? conv->visitor_name : "a customer";
  const char *kind = conv->kind == FD_STREAM_WEBCHAT ? "Web Chat"
                     : conv->kind == FD_STREAM_CALLBACK ? "Callback"
                     : conv->kind == FD_STREAM_EMAIL ? "Email" : "Conversation";
  g_autofree char *subject = g_strdup_printf ("Frontdesk: %s with %s", kind, customer);

  return g_utf8_substring (subject, 0, MIN (g_utf8_strlen (subject, -1), FD_LIMIT_NAME));
}

gboolean
fd_center_crm_queue_automatic (FdCenter              *self,
                               const FdConversation  *conv,
                               GError               **error)
{
  g_autoptr(FdStoreCrmConnection) connection = NULL;
  g_autofree char *body = NULL;
  g_autofree char *key = NULL;
  g_autofree char *subject = NULL;
  FdStoreCrmEntry entry = { 0 };
  gint64 id;

  connection = fd_store_get_crm_connection (self->store, conv->organization_id, NULL);
  if (connection == NULL)
    return TRUE;   /* no CRM: nothing to log */
  body = fd_center_crm_transcript (self, conv, error);
  if (body == NULL)
    return FALSE;
  key = new_key ();
  subject = default_subject (conv);
  entry.organization_id = conv->organization_id;
  entry.conversation_id = conv->id;
  entry.automatic = TRUE;
  entry.agent_id = conv->agent_id;
  entry.subject = subject;
  entry.body = body;
  entry.idempotency_key = key;
  return fd_store_add_crm_entry (self->store, &entry, &id, error);
}

gboolean
fd_center_crm_log (FdCenter        *self,
                   const FdAgent   *agent,
                   const FdCrmLog  *log,
                   GError         **error)
{
  g_autoptr(FdConversation) conv = fd_center_get_visible (self, agent, log->conversation_id, error);
  g_autoptr(FdStoreCrmConnection) connection = NULL;
  g_autofree char *key = NULL;
  g_autofree char *subject = NULL;
  FdStoreCrmEntry entry = { 0 };
  gint64 queued = 0, sent = 0, id;
  gboolean ok;

  if (conv == NULL)
    return FALSE;
  connection = fd_store_get_crm_connection (self->store, agent->organization_id, NULL);
  if (connection == NULL || self->crm_hooks == NULL)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE, "No CRM is connected to this organization yet.");
      return FALSE;
    }
  if (!fd_store_count_crm_entries (self->store, agent->organization_id, &queued, &sent, error))
    return FALSE;
  if (queued >= (gint64) self->crm_hooks->max_queued (self->crm_hooks_data))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_RATE_LIMITED, "The CRM log queue is full; try again later.");
      return FALSE;
    }
  key = new_key ();
  subject = log->subject != NULL && *log->subject != '\0' ? g_strdup (log->subject) : default_subject (conv);
  entry.organization_id = agent->organization_id;
  entry.conversation_id = conv->id;
  entry.agent_id = agent->id;
  entry.crm_user = log->crm_user;
  entry.subject = subject;
  entry.body = log->text;
  entry.idempotency_key = key;
  if (!fd_center_begin (self, error))
    return FALSE;
  ok = fd_store_add_crm_entry (self->store, &entry, &id, error);
  if (!fd_center_finish (self, ok, error))
    return FALSE;
  if (self->crm_hooks != NULL && self->crm_hooks->queued != NULL)
    self->crm_hooks->queued (self->crm_hooks_data);
  return TRUE;
}

gboolean
fd_center_crm_write (FdCenter            *self,
                     FdCenterStoreWrite   write,
                     gpointer             data,
                     GError             **error)
{
  if (!fd_center_begin (self, error))
    return FALSE;
  return fd_center_finish (self, write (self->store, data, error), error);
}
