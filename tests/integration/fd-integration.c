#define G_LOG_DOMAIN "fd-integration"

#include "fd-integration.h"

#include <string.h>

const char fd_it_other_site[] =
  "{\"format\":\"frontdesk-site\",\"version\":1,"
  "\"organization\":{\"name\":\"Other Org\",\"reserve_acd\":\"keep\"},"
  "\"agents\":[{\"email\":\"olga@other.example\",\"name\":\"Olga Other\",\"role\":\"agent\","
  "\"password\":\"olga-other-pw\"}],"
  "\"queues\":[{\"name\":\"Other Queue\",\"members\":[\"olga@other.example\"]}],"
  "\"streams\":[{\"kind\":\"webchat\",\"name\":\"Other Chat\",\"queue\":\"Other Queue\","
  "\"key\":\"other-chat\",\"departments\":[],\"allowed_origins\":[],"
  "\"phases\":[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,\"duration_seconds\":0}]}],"
  "\"canned_replies\":[],\"resources\":[]}";

void
fd_it_init (int    *argc,
            char ***argv)
{
  g_test_init (argc, argv, NULL);
}

FdTestServer *
fd_it_start_server (gint64 *out_org_id)
{
  FdTestServer *server = fd_test_server_new_started ();
  gint64 org_id = fd_test_admin_import_demo (server);

  if (out_org_id != NULL)
    *out_org_id = org_id;
  return server;
}

static void
demo_set_up (FdItDemo      *demo,
             gconstpointer  with_sales)
{
  demo->server = fd_it_start_server (&demo->org_id);
  if (with_sales != NULL)
    demo->sales = fd_test_admin_find_id (demo->server, demo->org_id, "queues", "Sales");
}

static void
demo_tear_down (FdItDemo      *demo,
                gconstpointer  with_sales)
{
  g_clear_pointer (&demo->server, fd_test_server_free);
}

void
fd_it_add (const char   *path,
           FdItDemoFunc  func,
           FdItSetUp     set_up)
{
  g_test_add_vtable (path, sizeof (FdItDemo), set_up == FD_IT_WITH_SALES ? GINT_TO_POINTER (1) : NULL,
                     (GTestFixtureFunc) demo_set_up, (GTestFixtureFunc) func,
                     (GTestFixtureFunc) demo_tear_down);
}

FdTestAgent *
fd_it_connect_agent (FdTestServer *server,
                     const char   *email,
                     const char   *password)
{
  FdTestAgent *agent = fd_test_agent_sign_in (server, email, password);
  FdWelcome *welcome = fd_test_agent_connect (agent);
  g_autoptr(FdFrame) snapshot = NULL;

  g_assert_cmpint (welcome->protocol, ==, FD_PROTOCOL_VERSION);
  g_assert_false (welcome->resumed);
  g_assert_nonnull (welcome->agent);
  g_assert_cmpstr (welcome->agent->email, ==, email);
  snapshot = fd_test_agent_wait_event (agent, FD_FRAME_SNAPSHOT);
  g_assert_nonnull (snapshot->body);
  return agent;
}

FdTestVisitor *
fd_it_start_visitor (FdTestServer *server,
                     const char   *stream_key,
                     const char   *name)
{
  FdTestVisitor *visitor = fd_test_visitor_start (server, stream_key, name);

  fd_test_visitor_connect (visitor);
  return visitor;
}

void
fd_it_wait_offer (FdTestAgent *agent,
                  gint64       conversation_id)
{
  g_autofree char *what = g_strdup_printf ("the offer of conversation %" G_GINT64_FORMAT " to %s",
                                           conversation_id, agent->email);
  g_autoptr(FdFrame) frame = fd_test_socket_wait_match (agent->socket, fd_test_frame_is_offer_of, &conversation_id,
                                                        FD_TEST_TIMEOUT_MS, what);
  FdOfferEvent *event = frame->body;

  g_assert_cmpint (event->offer->agent_id, ==, agent->agent->id);
  g_assert_nonnull (event->conversation);
  g_assert_cmpint (event->conversation->id, ==, conversation_id);
  g_assert_cmpint (event->conversation->state, ==, FD_CONVERSATION_UNRESERVED);
  g_assert_cmpint (event->conversation->organization_id, ==, agent->agent->organization_id);
}

typedef struct {
  gint64              id;
  FdConversationState state;
} StateMatch;

static gboolean
is_conversation_in_state (const FdFrame *frame,
                          gpointer       user_data)
{
  const StateMatch *m = user_data;
  const FdConversation *conv = frame->body;

  return frame->type == FD_FRAME_CONVERSATION && conv->id == m->id && conv->state == m->state;
}

FdConversation *
fd_it_wait_conversation_state (FdTestAgent         *agent,
                               gint64               conversation_id,
                               FdConversationState  state)
{
  StateMatch m = { conversation_id, state };
  g_autofree char *what = g_strdup_printf ("a “conversation” event of %" G_GINT64_FORMAT " in state %s for %s",
                                           conversation_id, fd_conversation_state_to_string (state),
                                           agent->email);
  g_autoptr(FdFrame) frame = fd_test_socket_wait_match (agent->socket, is_conversation_in_state, &m,
                                                        FD_TEST_TIMEOUT_MS, what);

  return g_steal_pointer (&frame->body);
}

void
fd_it_assert_refused (const FdFrame *reply,
                      FdWireError    code,
                      FdWireError    or_code)
{
  const FdErrorBody *err;

  g_assert_nonnull (reply);
  if (reply->type != FD_FRAME_ERROR && reply->type != FD_FRAME_VISITOR_ERROR)
    g_error ("Expected the error “%s” or “%s”, got a “%s” frame", fd_wire_error_to_string (code),
             fd_wire_error_to_string (or_code), fd_frame_type_to_string (reply->type));
  err = reply->body;
  if (err->code != code && err->code != or_code)
    g_error ("Expected the error “%s” or “%s”, got “%s” (%s)", fd_wire_error_to_string (code),
             fd_wire_error_to_string (or_code), fd_wire_error_to_string (err->code), err->message);
  g_assert_nonnull (err->message);
  g_assert_cmpstr (err->message, !=, "");
}

guint
fd_it_count_client_id (const FdConversationDetail *detail,
                       const char                 *client_id)
{
  guint n = 0;

  if (detail->messages == NULL)
    return 0;
  for (guint i = 0; i < detail->messages->len; i++)
    {
      const FdMessage *msg = detail->messages->pdata[i];

      if (g_strcmp0 (msg->client_id, client_id) == 0)
        n++;
    }
  return n;
}

static gboolean
is_message_with_client_id (const FdFrame *frame,
                           gpointer       user_data)
{
  const FdMessage *msg = frame->body;

  return (frame->type == FD_FRAME_MESSAGE || frame->type == FD_FRAME_VISITOR_MESSAGE) &&
         g_strcmp0 (msg->client_id, user_data) == 0;
}

FdMessage *
fd_it_visitor_wait_message (FdTestVisitor *visitor,
                            const char    *client_id)
{
  g_autofree char *what = g_strdup_printf ("the visitor's “message” with client id %s", client_id);
  g_autoptr(FdFrame) frame = fd_test_socket_wait_match (visitor->socket, is_message_with_client_id,
                                                        (gpointer) client_id, FD_TEST_TIMEOUT_MS, what);

  return g_steal_pointer (&frame->body);
}

FdMessage *
fd_it_agent_wait_message (FdTestAgent *agent,
                          const char  *client_id)
{
  g_autofree char *what = g_strdup_printf ("a “message” event with client id %s for %s", client_id,
                                           agent->email);
  g_autoptr(FdFrame) frame = fd_test_socket_wait_match (agent->socket, is_message_with_client_id,
                                                        (gpointer) client_id, FD_TEST_TIMEOUT_MS, what);

  return g_steal_pointer (&frame->body);
}
