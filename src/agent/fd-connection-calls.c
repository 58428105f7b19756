#define G_LOG_DOMAIN "fd-connection"

/* The typed requests (docs/app.md, "Requests and the offline queue"):
 * each builds its body, goes through fd_connection_request_async() (so it
 * is queued while offline and resent with the same id after a reconnect)
 * and hands back the ack's body as a typed value. The app's code makes
 * requests only through these; fd-connection.c is the transport and
 * nothing here knows about sockets. */

#include <glib/gi18n.h>
#include "fd-connection.h"
#include "fd-session.h"

/* The ack's body, taken out of the ack; NULL with @error on failure. */
static gpointer
steal_body (FdConnection  *self,
            GAsyncResult  *result,
            GError       **error)
{
  g_autoptr(FdFrame) ack = fd_connection_request_finish (self, result, error);

  if (ack == NULL)
    return NULL;
  return g_steal_pointer (&ack->body);
}

/* The items of a list ack, never NULL on success (an ack without items is
 * an empty list). */
static GPtrArray *
steal_items (FdConnection   *self,
             GAsyncResult   *result,
             GPtrArray    *(*new_list) (void),
             gsize           offset,
             GError        **error)
{
  g_autoptr(FdFrame) ack = fd_connection_request_finish (self, result, error);
  GPtrArray **items;
  GPtrArray *list;

  if (ack == NULL)
    return NULL;
  if (ack->body == NULL)
    return new_list ();
  items = G_STRUCT_MEMBER_P (ack->body, offset);
  list = *items != NULL ? g_steal_pointer (items) : new_list ();
  return list;
}

static gboolean
acked (FdConnection  *self,
       GAsyncResult  *result,
       GError       **error)
{
  g_autoptr(FdFrame) ack = fd_connection_request_finish (self, result, error);

  return ack != NULL;
}

static FdConversationRef *
conversation_ref (gint64 conversation_id)
{
  FdConversationRef *ref = fd_conversation_ref_new ();

  ref->conversation_id = conversation_id;
  return ref;
}

void
fd_connection_reserve_async (FdConnection        *self,
                             gint64               conversation_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  fd_connection_request_async (self, FD_FRAME_RESERVE, conversation_ref (conversation_id),
                               cancellable, callback, user_data);
}

FdConversation *
fd_connection_reserve_finish (FdConnection  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return steal_body (self, result, error);
}

void
fd_connection_reject_async (FdConnection        *self,
                            gint64               conversation_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  fd_connection_request_async (self, FD_FRAME_REJECT, conversation_ref (conversation_id),
                               cancellable, callback, user_data);
}

gboolean
fd_connection_reject_finish (FdConnection  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return acked (self, result, error);
}

void
fd_connection_close_conversation_async (FdConnection        *self,
                                        gint64               conversation_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  fd_connection_request_async (self, FD_FRAME_CLOSE, conversation_ref (conversation_id),
                               cancellable, callback, user_data);
}

FdConversation *
fd_connection_close_conversation_finish (FdConnection  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return steal_body (self, result, error);
}

void
fd_connection_set_joined_async (FdConnection        *self,
                                gint64               queue_id,
                                gboolean             join,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  FdQueueRef *ref;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (queue_id > 0);

  ref = fd_queue_ref_new ();
  ref->queue_id = queue_id;
  fd_connection_request_async (self, join ? FD_FRAME_JOIN : FD_FRAME_LEAVE, ref,
                               cancellable, callback, user_data);
}

gboolean
fd_connection_set_joined_finish (FdConnection  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_autoptr(FdFrame) ack = fd_connection_request_finish (self, result, error);

  if (ack == NULL)
    return FALSE;
  /* The ack carries the queue's state; apply it in case no queue-state
   * event preceded it. */
  fd_queue_model_apply_frame (fd_session_get_queue_model (fd_connection_get_session (self)), ack);
  return TRUE;
}

void
fd_connection_set_acd_async (FdConnection        *self,
                             FdAcdState           state,
                             const char          *reason,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  FdSetAcd *body;

  g_return_if_fail (FD_IS_CONNECTION (self));

  body = fd_set_acd_new ();
  body->state = state;
  body->reason = g_strdup (reason);
  fd_connection_request_async (self, FD_FRAME_SET_ACD, body, cancellable, callback, user_data);
}

gboolean
fd_connection_set_acd_finish (FdConnection  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return acked (self, result, error);
}

void
fd_connection_send_message_async (FdConnection        *self,
                                  gint64               conversation_id,
                                  const char          *text,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  FdSendMessage *body;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);
  g_return_if_fail (text != NULL);

  body = fd_send_message_new ();
  body->conversation_id = conversation_id;
  /* Chosen once, here: every resend of this request carries it, and the
   * server stores the message only the first time. */
  body->client_id = g_uuid_string_random ();
  body->text = g_strdup (text);
  fd_connection_request_async (self, FD_FRAME_SEND_MESSAGE, body, cancellable, callback, user_data);
}

FdMessage *
fd_connection_send_message_finish (FdConnection  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return steal_body (self, result, error);
}

void
fd_connection_mark_read_async (FdConnection        *self,
                               gint64               conversation_id,
                               gint64               message_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  FdMarkRead *body;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  body = fd_mark_read_new ();
  body->conversation_id = conversation_id;
  body->message_id = message_id;
  fd_connection_request_async (self, FD_FRAME_MARK_READ, body, cancellable, callback, user_data);
}

gboolean
fd_connection_mark_read_finish (FdConnection  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return acked (self, result, error);
}

void
fd_connection_callback_attempt_async (FdConnection        *self,
                                      gint64               conversation_id,
                                      FdCallOutcome        outcome,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  FdCallbackAttempt *attempt;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  attempt = fd_callback_attempt_new ();
  attempt->conversation_id = conversation_id;
  attempt->outcome = outcome;
  fd_connection_request_async (self, FD_FRAME_CALLBACK_ATTEMPT, attempt, cancellable, callback, user_data);
}

gboolean
fd_connection_callback_attempt_finish (FdConnection  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return acked (self, result, error);
}

void
fd_connection_crm_log_async (FdConnection        *self,
                             gint64               conversation_id,
                             const char          *subject,
                             const char          *text,
                             const char          *crm_user,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  FdCrmLog *body;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);
  g_return_if_fail (text != NULL);

  body = fd_crm_log_new ();
  body->conversation_id = conversation_id;
  body->subject = subject != NULL && *subject != '\0' ? g_strdup (subject) : NULL;
  body->text = g_strdup (text);
  body->crm_user = crm_user != NULL && *crm_user != '\0' ? g_strdup (crm_user) : NULL;
  fd_connection_request_async (self, FD_FRAME_CRM_LOG, body, cancellable, callback, user_data);
}

gboolean
fd_connection_crm_log_finish (FdConnection  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return acked (self, result, error);
}

static FdSearch *
search_body (gint64      conversation_id,
             const char *search)
{
  FdSearch *body = fd_search_new ();

  body->conversation_id = conversation_id;
  body->search = search != NULL && *search != '\0' ? g_strdup (search) : NULL;
  return body;
}

void
fd_connection_get_conversation_async (FdConnection        *self,
                                      gint64               conversation_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  fd_connection_request_async (self, FD_FRAME_GET_CONVERSATION, conversation_ref (conversation_id),
                               cancellable, callback, user_data);
}

FdConversationDetail *
fd_connection_get_conversation_finish (FdConnection  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  FdConversationDetail *detail = steal_body (self, result, error);

  /* An ack must carry the conversation; anything else is unreadable. */
  if (detail == NULL && error != NULL && *error == NULL)
    g_set_error_literal (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_PROTOCOL,
                         _("The server answered without the conversation; try again."));
  return detail;
}

void
fd_connection_send_message_full_async (FdConnection        *self,
                                       gint64               conversation_id,
                                       const char          *client_id,
                                       const char          *text,
                                       GPtrArray           *attachments,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  FdSendMessage *body;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);
  g_return_if_fail (client_id != NULL && *client_id != '\0');
  g_return_if_fail (text != NULL);

  body = fd_send_message_new ();
  body->conversation_id = conversation_id;
  body->client_id = g_strdup (client_id);
  body->text = g_strdup (text);
  if (attachments != NULL && attachments->len > 0)
    {
      body->attachments = fd_attachment_list_new ();
      for (guint i = 0; i < attachments->len; i++)
        g_ptr_array_add (body->attachments, fd_attachment_copy (g_ptr_array_index (attachments, i)));
    }
  fd_connection_request_async (self, FD_FRAME_SEND_MESSAGE, body, cancellable, callback, user_data);
}

void
fd_connection_send_message_body_async (FdConnection        *self,
                                       FdSendMessage       *body,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (body != NULL && body->conversation_id > 0);
  g_return_if_fail (body->client_id != NULL && *body->client_id != '\0');

  fd_connection_request_async (self, FD_FRAME_SEND_MESSAGE, body, cancellable, callback, user_data);
}

void
fd_connection_retry_delivery_async (FdConnection        *self,
                                    gint64               conversation_id,
                                    gint64               message_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  FdDelivery *body;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0 && message_id > 0);

  body = fd_delivery_new ();
  body->conversation_id = conversation_id;
  body->message_id = message_id;
  fd_connection_request_async (self, FD_FRAME_RETRY_DELIVERY, body, cancellable, callback, user_data);
}

FdDelivery *
fd_connection_retry_delivery_finish (FdConnection  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return steal_body (self, result, error);
}

void
fd_connection_dm_request_async (FdConnection        *self,
                                gint64               conversation_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  fd_connection_request_async (self, FD_FRAME_DM_REQUEST, conversation_ref (conversation_id),
                               cancellable, callback, user_data);
}

FdMessage *
fd_connection_dm_request_finish (FdConnection  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return steal_body (self, result, error);
}

void
fd_connection_list_stream_health_async (FdConnection        *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));

  fd_connection_request_async (self, FD_FRAME_LIST_STREAM_HEALTH, NULL, cancellable, callback, user_data);
}

FdStreamHealthList *
fd_connection_list_stream_health_finish (FdConnection  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return steal_body (self, result, error);
}

void
fd_connection_list_conversation_log_async (FdConnection        *self,
                                           const FdLogQuery    *query,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (query != NULL);

  fd_connection_request_async (self, FD_FRAME_LIST_CONVERSATION_LOG, fd_log_query_copy (query),
                               cancellable, callback, user_data);
}

FdLogPage *
fd_connection_list_conversation_log_finish (FdConnection  *self,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  FdLogPage *page = steal_body (self, result, error);

  if (page == NULL && error != NULL && *error == NULL)
    g_set_error_literal (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_PROTOCOL,
                         _("The server answered without the page of the log; try again."));
  return page;
}

void
fd_connection_send_typing_async (FdConnection        *self,
                                 gint64               conversation_id,
                                 gboolean             typing,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  FdTyping *body;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  body = fd_typing_new ();
  body->conversation_id = conversation_id;
  body->typing = !!typing;
  fd_connection_request_async (self, FD_FRAME_TYPING, body, cancellable, callback, user_data);
}

gboolean
fd_connection_send_typing_finish (FdConnection  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return acked (self, result, error);
}

void
fd_connection_list_canned_replies_async (FdConnection        *self,
                                         gint64               conversation_id,
                                         const char          *search,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));

  fd_connection_request_async (self, FD_FRAME_LIST_CANNED_REPLIES, search_body (conversation_id, search),
                               cancellable, callback, user_data);
}

GPtrArray *
fd_connection_list_canned_replies_finish (FdConnection  *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  return steal_items (self, result, fd_canned_reply_list_new, G_STRUCT_OFFSET (FdCannedReplies, items), error);
}

void
fd_connection_list_resources_async (FdConnection        *self,
                                    gint64               conversation_id,
                                    const char          *search,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));

  fd_connection_request_async (self, FD_FRAME_LIST_RESOURCES, search_body (conversation_id, search),
                               cancellable, callback, user_data);
}

GPtrArray *
fd_connection_list_resources_finish (FdConnection  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return steal_items (self, result, fd_resource_list_new, G_STRUCT_OFFSET (FdResources, items), error);
}

void
fd_connection_contact_history_async (FdConnection        *self,
                                     gint64               contact_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  FdContactRef *ref;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (contact_id > 0);

  ref = fd_contact_ref_new ();
  ref->contact_id = contact_id;
  fd_connection_request_async (self, FD_FRAME_CONTACT_HISTORY, ref, cancellable, callback, user_data);
}

GPtrArray *
fd_connection_contact_history_finish (FdConnection  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return steal_items (self, result, fd_conversation_list_new, G_STRUCT_OFFSET (FdConversations, conversations), error);
}

void
fd_connection_list_colleagues_async (FdConnection        *self,
                                     gint64               conversation_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  fd_connection_request_async (self, FD_FRAME_LIST_COLLEAGUES, conversation_ref (conversation_id),
                               cancellable, callback, user_data);
}

GPtrArray *
fd_connection_list_colleagues_finish (FdConnection  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return steal_items (self, result, fd_colleague_list_new, G_STRUCT_OFFSET (FdColleagues, items), error);
}

void
fd_connection_transfer_async (FdConnection        *self,
                              gint64               conversation_id,
                              gint64               agent_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  FdTransfer *body;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);
  g_return_if_fail (agent_id > 0);

  body = fd_transfer_new ();
  body->conversation_id = conversation_id;
  body->agent_id = agent_id;
  fd_connection_request_async (self, FD_FRAME_TRANSFER, body, cancellable, callback, user_data);
}

gboolean
fd_connection_transfer_finish (FdConnection  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return acked (self, result, error);
}

void
fd_connection_stats_async (FdConnection        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));

  fd_connection_request_async (self, FD_FRAME_STATS, NULL, cancellable, callback, user_data);
}

FdStatsReport *
fd_connection_stats_finish (FdConnection  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autoptr(FdFrame) ack = fd_connection_request_finish (self, result, error);
  FdStatsReport *report;

  if (ack == NULL)
    return NULL;
  /* An ack without a body is an empty report; rows is never NULL. */
  report = ack->body != NULL ? g_steal_pointer (&ack->body) : fd_stats_report_new ();
  if (report->rows == NULL)
    report->rows = fd_stats_list_new ();
  return report;
}

void
fd_connection_stats_history_async (FdConnection        *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));

  fd_connection_request_async (self, FD_FRAME_STATS_HISTORY, NULL, cancellable, callback, user_data);
}

GPtrArray *
fd_connection_stats_history_finish (FdConnection  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return steal_items (self, result, fd_stats_list_new, G_STRUCT_OFFSET (FdStatsHistory, samples), error);
}

void
fd_connection_list_agent_states_async (FdConnection        *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));

  fd_connection_request_async (self, FD_FRAME_LIST_AGENT_STATES, NULL, cancellable, callback, user_data);
}

GPtrArray *
fd_connection_list_agent_states_finish (FdConnection  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return steal_items (self, result, fd_agent_state_list_new, G_STRUCT_OFFSET (FdAgentStates, agents), error);
}
