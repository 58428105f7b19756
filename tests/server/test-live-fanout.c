/* Fan-out from memory (src/server/fd-center-members.c) against a real
 * frontdeskd: the events of a queue reach its members and nobody else,
 * after every way an administrator changes who the members are — the admin
 * API, frontdeskctl and a site import — and a deleted organization's
 * sockets close at once. */

#include "fd-test-client.h"
#include "fd-test-server.h"

#include <string.h>

/* Ann is a member of Chat; Cid only of Other. */
static const char site[] =
  "{\"format\":\"frontdesk-site\",\"version\":1,"
  "\"organization\":{\"name\":\"Fanout Test\",\"reserve_acd\":\"keep\"},"
  "\"agents\":["
  "{\"email\":\"ann@fanout.example\",\"name\":\"Ann\",\"role\":\"agent\",\"password\":\"ann-password\"},"
  "{\"email\":\"cid@fanout.example\",\"name\":\"Cid\",\"role\":\"agent\",\"password\":\"cid-password\"}],"
  "\"queues\":[{\"name\":\"Chat\",\"members\":[\"ann@fanout.example\"]},"
  "{\"name\":\"Other\",\"members\":[\"cid@fanout.example\"]}],"
  "\"streams\":[{\"kind\":\"webchat\",\"name\":\"Chat\",\"queue\":\"Chat\",\"key\":\"fanout-chat\","
  "\"departments\":[],\"allowed_origins\":[],"
  "\"phases\":[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,\"duration_seconds\":0}]}]}";

typedef enum {
  PATH_ADMIN_API,
  PATH_CTL,
} ChangePath;

typedef struct {
  FdTestServer *server;
  gint64        org_id;
  gint64        queue_id;
  char         *chat_key;
} Fixture;

static char *
find_chat_key (FdTestServer *server,
               gint64        org_id)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", org_id);
  g_autoptr(JsonNode) streams = fd_test_admin_expect (server, "GET", path, NULL, 200);
  JsonArray *array = json_node_get_array (streams);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *stream = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (stream, "kind", ""), "webchat") == 0)
        return g_strdup (json_object_get_string_member (stream, "key"));
    }
  g_assert_not_reached ();
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = fd_test_server_new_started ();
  f->org_id = fd_test_admin_import_site (f->server, site);
  f->queue_id = fd_test_admin_find_id (f->server, f->org_id, "queues", "Chat");
  f->chat_key = find_chat_key (f->server, f->org_id);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->chat_key);
  fd_test_server_free (f->server);
}

/* Signs in and connects, leaving nothing queued but what follows. */
static FdTestAgent *
connect_agent (FdTestServer *server,
               const char   *email,
               const char   *password)
{
  FdTestAgent *agent = fd_test_agent_sign_in (server, email, password);
  g_autoptr(FdFrame) snapshot = NULL;

  fd_test_agent_connect (agent);
  snapshot = fd_test_agent_wait_event (agent, FD_FRAME_SNAPSHOT);
  return agent;
}

/* Whatever the server pushed to @agent before now has arrived: a ping's
 * pong follows it on the same socket. */
static void
barrier (FdTestAgent *agent)
{
  g_autoptr(FdFrame) pong = fd_test_agent_request (agent, FD_FRAME_PING, NULL);

  g_assert_cmpint (pong->type, ==, FD_FRAME_PONG);
}

static gboolean
is_message_with (const FdFrame *frame,
                 gpointer       text)
{
  return frame->type == FD_FRAME_MESSAGE && g_strcmp0 (((FdMessage *) frame->body)->text, text) == 0;
}

/* Fails the test when @agent received any event of @conversation_id. */
static void
assert_unseen (FdTestAgent *agent,
               gint64       conversation_id)
{
  FdFrame *frame;

  barrier (agent);
  while ((frame = fd_test_socket_pop (agent->socket)) != NULL)
    {
      gint64 id = 0;

      if (frame->type == FD_FRAME_MESSAGE)
        id = ((FdMessage *) frame->body)->conversation_id;
      else if (frame->type == FD_FRAME_CONVERSATION)
        id = ((FdConversation *) frame->body)->id;
      else if (frame->type == FD_FRAME_OFFER)
        id = ((FdOfferEvent *) frame->body)->offer->conversation_id;
      if (id == conversation_id)
        g_error ("A non-member received a \"%s\" event of conversation %" G_GINT64_FORMAT,
                 fd_frame_type_to_string (frame->type), conversation_id);
      fd_frame_free (frame);
    }
}

/* The visitor writes @text: @member receives it, @other does not. */
static void
write_seen_by (FdTestVisitor *visitor,
               const char    *text,
               FdTestAgent   *member,
               FdTestAgent   *other)
{
  g_autoptr(FdFrame) seen = NULL;

  fd_test_visitor_send (visitor, text, text);
  seen = fd_test_socket_wait_match (member->socket, is_message_with, (gpointer) text, FD_TEST_TIMEOUT_MS,
                                    "the visitor's message at a member");
  if (other != NULL)
    assert_unseen (other, visitor->conversation_id);
}

static void
run_ctl (FdTestServer *server,
         const char   *command,
         gint64        org_id,
         const char   *queue,
         const char   *agent)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *org = g_strdup_printf ("%" G_GINT64_FORMAT, org_id);
  const char *ctl = g_getenv ("FRONTDESKCTL");

  g_assert_nonnull (ctl);
  g_subprocess_launcher_unsetenv (launcher, "FRONTDESK_ADMIN_TOKEN");
  g_subprocess_launcher_unsetenv (launcher, "FRONTDESK_SERVER");
  g_subprocess_launcher_unsetenv (launcher, "FRONTDESK_ORG");
  proc = g_subprocess_launcher_spawn (launcher, &error, ctl, "--server", fd_test_server_get_url (server),
                                      "--db", fd_test_server_get_db_path (server),
                                      "queue", command, "--org", org, queue, agent, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
}

static void
change_membership (Fixture     *f,
                   ChangePath   how,
                   gboolean     add,
                   FdTestAgent *agent)
{
  if (how == PATH_CTL)
    run_ctl (f->server, add ? "add-member" : "remove-member", f->org_id, "Chat", agent->email);
  else
    {
      g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT
                                               "/members/%" G_GINT64_FORMAT, f->org_id, f->queue_id,
                                               agent->agent->id);
      g_autoptr(JsonNode) answer = NULL;

      answer = fd_test_admin_expect (f->server, add ? "PUT" : "DELETE", path, NULL, 200);
    }
}

/* A queue-state of the queue @queue_id points to, counting two members. */
static gboolean
is_queue_state_of (const FdFrame *frame,
                   gpointer       queue_id)
{
  return frame->type == FD_FRAME_QUEUE_STATE &&
         ((FdQueueState *) frame->body)->queue_id == *(gint64 *) queue_id &&
         ((FdQueueState *) frame->body)->members == 2;
}

/* A non-member never receives a queue's events; added, the agent's apps
 * are told the queue (queue-state) and receive them; removed, they stop. */
static void
test_membership_change (Fixture       *f,
                        gconstpointer  data)
{
  ChangePath how = GPOINTER_TO_INT (data);
  g_autoptr(FdTestAgent) ann = fd_test_agent_sign_in_and_join (f->server, "ann@fanout.example", "ann-password",
                                                                f->queue_id, NULL);
  g_autoptr(FdTestAgent) cid = connect_agent (f->server, "cid@fanout.example", "cid-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) state = NULL;
  g_autoptr(FdFrame) ann_state = NULL;
  FdQueueState *body;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rita");
  fd_test_visitor_connect (visitor);
  offer = fd_test_agent_wait_event (ann, FD_FRAME_OFFER);
  write_seen_by (visitor, "before", ann, cid);

  change_membership (f, how, TRUE, cid);
  state = fd_test_socket_wait_match (cid->socket, is_queue_state_of, &f->queue_id, FD_TEST_TIMEOUT_MS,
                                     "the new member's queue-state");
  body = state->body;
  g_assert_false (body->joined);
  g_assert_cmpint (body->members, ==, 2);
  g_assert_cmpint (body->members_joined, ==, 1);
  /* The other members see the new count too. */
  ann_state = fd_test_socket_wait_match (ann->socket, is_queue_state_of, &f->queue_id, FD_TEST_TIMEOUT_MS,
                                         "the members' new queue-state");
  g_assert_true (((FdQueueState *) ann_state->body)->joined);
  write_seen_by (visitor, "while a member", cid, NULL);
  /* What came while Cid was a member is not what this test looks for. */
  barrier (cid);
  while (fd_test_socket_queued (cid->socket) > 0)
    fd_frame_free (fd_test_socket_pop (cid->socket));

  change_membership (f, how, FALSE, cid);
  write_seen_by (visitor, "after", ann, cid);
}

/* A site imported into an empty organization that the server already
 * knows: its members see their queue's events, the others do not. */
static void
test_site_import (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) org = fd_test_admin_expect (f->server, "POST", "/organizations",
                                                  "{\"name\":\"Empty\"}", 201);
  gint64 org_id = json_object_get_int_member (json_node_get_object (org), "id");
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/site", org_id);
  g_autofree char *second = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(FdTestAgent) ann = NULL;
  g_autoptr(FdTestAgent) cid = NULL;
  g_autoptr(FdTestAgent) other_org = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autofree char *key = NULL;
  GString *text = g_string_new (site);
  gint64 queue_id;

  /* The same site under other addresses and another stream key. */
  g_string_replace (text, "fanout.example", "import.example", 0);
  g_string_replace (text, "fanout-chat", "import-chat", 0);
  second = g_string_free (text, FALSE);
  answer = fd_test_admin_expect (f->server, "PUT", path, second, 200);
  queue_id = fd_test_admin_find_id (f->server, org_id, "queues", "Chat");
  key = find_chat_key (f->server, org_id);

  ann = fd_test_agent_sign_in_and_join (f->server, "ann@import.example", "ann-password", queue_id, NULL);
  cid = connect_agent (f->server, "cid@import.example", "cid-password");
  /* Ann of the first organization is a member of a queue of the same name. */
  other_org = fd_test_agent_sign_in_and_join (f->server, "ann@fanout.example", "ann-password", f->queue_id, NULL);

  visitor = fd_test_visitor_start (f->server, key, "Rita");
  fd_test_visitor_connect (visitor);
  offer = fd_test_agent_wait_event (ann, FD_FRAME_OFFER);
  write_seen_by (visitor, "imported", ann, cid);
  assert_unseen (other_org, visitor->conversation_id);
}

/* Takes what @agent received until now; fails on a `conversation` event
 * of @conversation_id that says @unread. */
static void
assert_no_conversation_event (FdTestAgent *agent,
                              gint64       conversation_id,
                              gint         unread)
{
  FdFrame *frame;

  barrier (agent);
  while ((frame = fd_test_socket_pop (agent->socket)) != NULL)
    {
      const FdConversation *conv = frame->body;

      if (frame->type == FD_FRAME_CONVERSATION && conv->id == conversation_id && conv->unread == unread)
        g_error ("A folded conversation event (unread %d) reached an app that reads it from the message", unread);
      fd_frame_free (frame);
    }
}

static gboolean
is_conversation_with_unread (const FdFrame *frame,
                             gpointer       unread)
{
  return frame->type == FD_FRAME_CONVERSATION && ((FdConversation *) frame->body)->unread == GPOINTER_TO_INT (unread);
}

/* A visitor's message is one frame for an app whose hello set
 * `message_conversation`: the message event carries the conversation's new
 * unread count and unreplied time, and no conversation event repeats it.
 * An older app (the flag unset) still gets that conversation event. */
static void
test_message_carries_conversation (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(FdTestAgent) app = fd_test_agent_sign_in (f->server, "ann@fanout.example", "ann-password");
  g_autoptr(FdTestAgent) old = connect_agent (f->server, "ann@fanout.example", "ann-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) snapshot = NULL;

  app->message_conversation = TRUE;
  fd_test_agent_connect (app);
  snapshot = fd_test_agent_wait_event (app, FD_FRAME_SNAPSHOT);
  /* Joined, so that the chat is offered rather than missed. */
  fd_test_agent_join (app, f->queue_id);
  visitor = fd_test_visitor_start (f->server, f->chat_key, "Visitor");
  fd_test_visitor_connect (visitor);
  barrier (app);
  barrier (old);
  g_clear_pointer (&snapshot, fd_frame_free);

  for (gint n = 1; n <= 2; n++)
    {
      g_autofree char *text = g_strdup_printf ("message %d", n);
      g_autoptr(FdFrame) carried = NULL;
      g_autoptr(FdFrame) plain = NULL;
      g_autoptr(FdFrame) update = NULL;
      const FdMessage *msg;

      fd_test_visitor_send (visitor, text, text);
      carried = fd_test_socket_wait_match (app->socket, is_message_with, text, FD_TEST_TIMEOUT_MS,
                                           "the message at the app");
      msg = carried->body;
      g_assert_nonnull (msg->conversation);
      g_assert_cmpint (msg->conversation->id, ==, visitor->conversation_id);
      g_assert_cmpint (msg->conversation->unread, ==, n);
      g_assert_cmpint (msg->conversation->last_customer_message_at, ==, msg->created_at);
      assert_no_conversation_event (app, visitor->conversation_id, n);

      plain = fd_test_socket_wait_match (old->socket, is_message_with, text, FD_TEST_TIMEOUT_MS,
                                         "the message at the older app");
      update = fd_test_socket_wait_match (old->socket, is_conversation_with_unread, GINT_TO_POINTER (n),
                                          FD_TEST_TIMEOUT_MS, "the conversation event at the older app");
      g_assert_cmpint (((FdConversation *) update->body)->id, ==, visitor->conversation_id);
      g_assert_cmpint (update->seq, >, plain->seq);
    }
}

/* A visitor cannot go on writing into a chat of a deleted stream
 * (stream-inactive); the server answers "is the stream live" from the
 * streams its routing loaded, and asks the store about the others. */
static void
test_deleted_stream (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = fd_test_agent_sign_in_and_join (f->server, "ann@fanout.example", "ann-password",
                                                                f->queue_id, NULL);
  g_autoptr(FdTestVisitor) visitor = fd_test_visitor_start (f->server, f->chat_key, "Visitor");
  gint64 stream_id = fd_test_admin_find_id (f->server, f->org_id, "streams", "Chat");
  g_autofree char *path = g_strdup_printf ("/api/admin/v1/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                           f->org_id, stream_id);
  g_autofree char *token = fd_test_admin_read_token (f->server);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(FdFrame) refused = NULL;
  guint status = 0;

  fd_test_visitor_connect (visitor);
  write_seen_by (visitor, "while the stream lives", ann, NULL);

  answer = fd_test_http_request (f->server, token, "DELETE", path, NULL, &status);
  g_assert_cmpuint (status / 100, ==, 2);
  fd_test_visitor_send (visitor, "after", "after");
  refused = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_ERROR);
  fd_test_assert_error_frame (refused, FD_WIRE_ERROR_STREAM_INACTIVE);
}

/* Deleting an organization closes its agents' sockets at once. */
static void
test_organization_deleted (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_agent (f->server, "ann@fanout.example", "ann-password");
  g_autofree char *path = g_strdup_printf ("/api/admin/v1/organizations/%" G_GINT64_FORMAT, f->org_id);
  g_autofree char *token = fd_test_admin_read_token (f->server);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = fd_test_http_request (f->server, token, "DELETE", path, NULL, &status);
  g_assert_cmpuint (status / 100, ==, 2);
  fd_test_socket_wait_closed (ann->socket, FD_TEST_TIMEOUT_MS);
  fd_test_socket_assert_close_code (ann->socket, 4401);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/fanout/membership/admin-api", Fixture, GINT_TO_POINTER (PATH_ADMIN_API), fixture_set_up,
              test_membership_change, fixture_tear_down);
  g_test_add ("/fanout/membership/frontdeskctl", Fixture, GINT_TO_POINTER (PATH_CTL), fixture_set_up,
              test_membership_change, fixture_tear_down);
  g_test_add ("/fanout/membership/site-import", Fixture, NULL, fixture_set_up, test_site_import,
              fixture_tear_down);
  g_test_add ("/fanout/message-carries-conversation", Fixture, NULL, fixture_set_up,
              test_message_carries_conversation, fixture_tear_down);
  g_test_add ("/fanout/deleted-stream", Fixture, NULL, fixture_set_up, test_deleted_stream, fixture_tear_down);
  g_test_add ("/fanout/organization-deleted", Fixture, NULL, fixture_set_up, test_organization_deleted,
              fixture_tear_down);
  return g_test_run ();
}
