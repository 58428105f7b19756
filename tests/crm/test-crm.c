#define G_LOG_DOMAIN "fd-test"

/* The CRM integration end to end (docs/crm.md): a real frontdeskd, its
 * organization connected through the connect page (OAuth code + PKCE)
 * to tests/crm/fd-crm-fake.py, which answers exactly the Salesforce and
 * Zendesk REST calls frontdeskd makes, with the vendors' shapes, and can
 * be taken down, rate-limited, revoked or made hostile by the test. */

#include <string.h>

#include "fd-test-browser.h"
#include "fd-test-client.h"
#include "fd-test-crm-fake.h"
#include "fd-protocol.h"

/* --- the fake ---------------------------------------------------------------- */

static const char seed[] =
  "{\"salesforce\": {"
  "  \"Contact\": [{\"Id\": \"003000000000001AAA\", \"Name\": \"Carol Customer\", \"Email\": \"carol@customer.example\","
  "                \"Phone\": \"+15550100001\", \"Account\": \"Customer Ltd\"}],"
  "  \"Lead\": [{\"Id\": \"00Q000000000002AAA\", \"Name\": \"Natalie Maines\", \"Email\": \"natalie@lead.example\","
  "             \"Phone\": \"+15550100002\", \"Company\": \"Dixie Records\"}]},"
  " \"zendesk\": {"
  "  \"users\": [{\"id\": 4242, \"name\": \"Jenna\", \"email\": \"jenna@zd.example\", \"phone\": \"+15550100003\","
  "              \"organization_id\": 77, \"url\": \"https://x.zendesk.com/api/v2/users/4242.json\"}],"
  "  \"organizations\": [{\"id\": 77, \"name\": \"Jenna Corp\"}]}}";


static gint64
fake_count (FdTestCrmFake *fake, const char *key)
{
  g_autoptr(JsonObject) state = fd_test_crm_fake_state (fake);

  return json_object_get_int_member_with_default (json_object_get_object_member (state, "counts"), key, 0);
}

static guint
fake_created (FdTestCrmFake *fake, const char *what)
{
  g_autoptr(JsonObject) state = fd_test_crm_fake_state (fake);

  return json_array_get_length (json_object_get_array_member (state, what));
}

static char *
crm_status (FdTestServer *server, gint64 org_id)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/crm", org_id);
  g_autoptr(JsonNode) answer = fd_test_admin_expect (server, "GET", path, NULL, 200);

  return g_strdup (json_object_get_string_member (json_node_get_object (answer), "status"));
}

/* --- scenarios -------------------------------------------------------------- */

typedef struct {
  FdTestServer  *server;
  gint64         org_id;
  FdTestCrmFake *fake;
  FdTestAgent   *agent;
} Fixture;

static void
set_up (Fixture *f, gconstpointer data)
{
  f->fake = fd_test_crm_fake_new (seed);
  f->server = fd_test_server_new ();
  fd_test_server_add_args (f->server, "--crm-allow-http", "--crm-backoff-ms", "300", "--crm-max-queued", "3", NULL);
  fd_test_server_start (f->server);
  f->org_id = fd_test_admin_import_demo (f->server);
}

static void
connect_agent (Fixture *f)
{
  f->agent = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                             fd_test_admin_find_id (f->server, f->org_id, "queues", "Sales"), NULL);
  fd_test_agent_join (f->agent, fd_test_admin_find_id (f->server, f->org_id, "queues", "Support"));
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->agent, fd_test_agent_free);
  g_clear_pointer (&f->server, fd_test_server_free);
  g_clear_pointer (&f->fake, fd_test_crm_fake_free);
}

typedef struct {
  gint64      conversation_id;
  const char *label;
} LabelMatch;

static gboolean
is_labelled (const FdFrame *frame, gpointer data)
{
  LabelMatch *m = data;
  const FdConversation *conv = frame->body;

  return frame->type == FD_FRAME_CONVERSATION && conv->id == m->conversation_id && conv->contact != NULL &&
         g_strcmp0 (conv->contact->crm_label, m->label) == 0;
}

static FdConversation *
wait_label (FdTestAgent *agent, gint64 conversation_id, const char *label)
{
  LabelMatch m = { conversation_id, label };
  g_autoptr(FdFrame) frame = fd_test_socket_wait_match (agent->socket, is_labelled, &m, 3 * FD_TEST_TIMEOUT_MS,
                                                        label);

  return g_steal_pointer (&frame->body);
}

static gint64
start_callback (FdTestServer *server, const char *number)
{
  g_autofree char *body = g_strdup_printf ("{\"stream_key\":\"kakapo-website-callback\",\"name\":\"Caller\","
                                           "\"number\":\"%s\"}", number);
  guint status = 0;
  g_autoptr(JsonNode) created = fd_test_http_request (server, NULL, "POST", "/api/visitor/v1/callbacks", body, &status);

  g_assert_cmpuint (status, ==, 201);
  return json_object_get_int_member (json_node_get_object (created), "conversation_id");
}

typedef struct { FdTestServer *server; const char *sql; gint64 want; } DbWait;

static gboolean
db_reached (gpointer data)
{
  DbWait *w = data;
  return fd_test_server_db_count (w->server, w->sql) >= w->want;
}

static void
wait_db (FdTestServer *server, const char *sql, gint64 want)
{
  DbWait w = { server, sql, want };
  fd_test_wait (db_reached, &w, 4 * FD_TEST_TIMEOUT_MS, sql);
}

typedef struct { FdTestCrmFake *fake; const char *what; guint want; } FakeWait;

static gboolean
fake_reached (gpointer data)
{
  FakeWait *w = data;
  return fake_created (w->fake, w->what) >= w->want;
}

/* Salesforce: a chat from a Contact's email, a callback from a Lead's
 * number, an unknown customer; welcome names the CRM. */
static void
test_salesforce_lookup (Fixture *f, gconstpointer data)
{
  g_autoptr(FdTestVisitor) known = NULL;
  g_autoptr(FdTestVisitor) unknown = NULL;
  g_autoptr(FdConversation) chat = NULL;
  g_autoptr(FdConversation) callback = NULL;
  g_autoptr(FdFrame) detail = NULL;
  g_autofree char *status = NULL;
  gint64 callback_id;

  fd_test_crm_connect (f->server, f->org_id, "salesforce", f->fake);
  status = crm_status (f->server, f->org_id);
  g_assert_cmpstr (status, ==, "connected");
  connect_agent (f);
  g_assert_cmpstr (f->agent->welcome->crm_provider, ==, "salesforce");

  unknown = fd_test_visitor_start_with_email (f->server, FD_TEST_CHAT_KEY, "Nobody", "nobody@nowhere.example");
  known = fd_test_visitor_start_with_email (f->server, FD_TEST_CHAT_KEY, "Carol", "carol@customer.example");
  chat = wait_label (f->agent, known->conversation_id, "(Salesforce Contact)");
  g_assert_cmpstr (chat->contact->crm_provider, ==, "salesforce");
  g_assert_cmpstr (chat->contact->crm_kind, ==, "Contact");
  g_assert_cmpstr (chat->contact->crm_company, ==, "Customer Ltd");
  /* http instance (the fake): no record URL, the app opens https only. */
  g_assert_null (chat->contact->crm_record_url);

  callback_id = start_callback (f->server, "+1 (555) 010-0002");
  callback = wait_label (f->agent, callback_id, "(Salesforce Lead)");
  g_assert_cmpstr (callback->contact->crm_company, ==, "Dixie Records");

  /* The unknown customer was looked up (Contact, then Lead) and has none. */
  wait_db (f->server, "SELECT COUNT (*) FROM contacts WHERE email = 'nobody@nowhere.example' AND crm_checked_at > 0", 1);
  detail = fd_test_agent_expect_ack (f->agent, FD_FRAME_GET_CONVERSATION, fd_test_conversation_ref (unknown->conversation_id));
  g_assert_null (((FdConversationDetail *) detail->body)->conversation->contact->crm_label);
}

/* Zendesk: a user found by email, with its organization as company. */
static void
test_zendesk_lookup (Fixture *f, gconstpointer data)
{
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdConversation) chat = NULL;

  fd_test_crm_connect (f->server, f->org_id, "zendesk", f->fake);
  connect_agent (f);
  g_assert_cmpstr (f->agent->welcome->crm_provider, ==, "zendesk");
  visitor = fd_test_visitor_start_with_email (f->server, FD_TEST_CHAT_KEY, "Jenna", "Jenna@ZD.example");
  chat = wait_label (f->agent, visitor->conversation_id, "(Zendesk user)");
  g_assert_cmpstr (chat->contact->crm_kind, ==, "user");
  g_assert_cmpstr (chat->contact->crm_company, ==, "Jenna Corp");
  g_assert_cmpint (fake_count (f->fake, "GET /api/v2/users/search.json"), ==, 1);

  /* The same customer again within the cache's TTL: the contact already
   * carries the label (the offer shows it), the lookup is answered from
   * the cache (the contact's check time moves on) and the CRM is not asked
   * again. */
  {
    gint64 checked = fd_test_server_db_count (f->server, "SELECT crm_checked_at FROM contacts WHERE crm_kind = 'user'");
    g_autofree char *sql = g_strdup_printf ("SELECT COUNT (*) FROM contacts WHERE crm_kind = 'user' AND "
                                            "crm_checked_at > %" G_GINT64_FORMAT, checked);
    g_autoptr(FdTestVisitor) again = fd_test_visitor_start_with_email (f->server, FD_TEST_CHAT_KEY, "Jenna",
                                                                       "jenna@zd.example");
    g_autoptr(FdFrame) detail = NULL;

    wait_db (f->server, sql, 1);
    detail = fd_test_agent_expect_ack (f->agent, FD_FRAME_GET_CONVERSATION, fd_test_conversation_ref (again->conversation_id));
    g_assert_cmpstr (((FdConversationDetail *) detail->body)->conversation->contact->crm_label, ==, "(Zendesk user)");
    g_assert_cmpint (fake_count (f->fake, "GET /api/v2/users/search.json"), ==, 1);
  }
}

/* The CRM down for a whole chat: routing goes on, the automatic entry
 * waits in the outbox across a kill -9, and is delivered once. */
static void
test_down_kill_delivered_once (Fixture *f, gconstpointer data)
{
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) closed = NULL;
  g_autoptr(JsonObject) state = NULL;
  JsonObject *task;

  fd_test_crm_connect (f->server, f->org_id, "salesforce", f->fake);
  connect_agent (f);
  fd_test_crm_fake_control (f->fake, "{\"mode\": \"down\"}");
  visitor = fd_test_agent_reserve_new_chat (f->agent, f->server, FD_TEST_CHAT_KEY, "Carol");
  fd_test_visitor_send (visitor, "c1", "My order 1234 has not arrived");
  g_clear_pointer (&closed, fd_frame_free);
  closed = fd_test_agent_wait_event (f->agent, FD_FRAME_MESSAGE);
  g_clear_pointer (&closed, fd_frame_free);
  closed = fd_test_agent_expect_ack (f->agent, FD_FRAME_CLOSE, fd_test_conversation_ref (visitor->conversation_id));
  wait_db (f->server, "SELECT COUNT (*) FROM crm_outbox WHERE automatic = 1 AND state = 'queued' AND attempts >= 1", 1);

  fd_test_server_kill (f->server);
  g_clear_pointer (&f->agent, fd_test_agent_free);
  fd_test_server_start (f->server);
  g_assert_cmpint (fake_created (f->fake, "tasks"), ==, 0);
  fd_test_crm_fake_control (f->fake, "{\"mode\": \"up\"}");
  {
    FakeWait w = { f->fake, "tasks", 1 };
    fd_test_wait (fake_reached, &w, 6 * FD_TEST_TIMEOUT_MS, "the automatic Task");
  }
  wait_db (f->server, "SELECT COUNT (*) FROM crm_outbox WHERE state = 'sent' AND remote_id LIKE '00T%'", 1);
  /* Once: nothing more is sent for it. */
  fd_test_spin (1500);
  state = fd_test_crm_fake_state (f->fake);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (state, "tasks")), ==, 1);
  task = json_array_get_object_element (json_object_get_array_member (state, "tasks"), 0);
  g_assert_nonnull (strstr (json_object_get_string_member (task, "Description"), "My order 1234 has not arrived"));
  g_assert_cmpstr (json_object_get_string_member (task, "Status"), ==, "Completed");
}

/* Zendesk: a ticket accepted whose answer was lost (as when frontdeskd
 * dies before recording its id) is sent again with the same
 * Idempotency-Key, and Zendesk answers with the same ticket: one ticket. */
static void
test_zendesk_idempotent (Fixture *f, gconstpointer data)
{
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) closed = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *sql = NULL;
  JsonObject *ticket;

  fd_test_crm_connect (f->server, f->org_id, "zendesk", f->fake);
  connect_agent (f);
  fd_test_crm_fake_control (f->fake, "{\"lose_answer\": true}");
  visitor = fd_test_agent_reserve_new_chat (f->agent, f->server, FD_TEST_CHAT_KEY, "Jenna");
  closed = fd_test_agent_expect_ack (f->agent, FD_FRAME_CLOSE, fd_test_conversation_ref (visitor->conversation_id));
  wait_db (f->server, "SELECT COUNT (*) FROM crm_outbox WHERE state = 'sent'", 1);
  state = fd_test_crm_fake_state (f->fake);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (state, "tickets")), ==, 1);
  g_assert_cmpint (fake_count (f->fake, "POST /api/v2/tickets.json"), ==, 2);
  ticket = json_array_get_object_element (json_object_get_array_member (state, "tickets"), 0);
  sql = g_strdup_printf ("SELECT COUNT (*) FROM crm_outbox WHERE remote_id = '%" G_GINT64_FORMAT "'",
                         json_object_get_int_member (ticket, "id"));
  g_assert_cmpint (fd_test_server_db_count (f->server, sql), ==, 1);
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (ticket, "comment"), "public"));
}

/* A manual entry: queued durably, attributed to the agent's own CRM user,
 * refused without a CRM. */
static void
test_manual_entry (Fixture *f, gconstpointer data)
{
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) ack = NULL;
  g_autoptr(JsonObject) state = NULL;
  FdCrmLog *log;
  JsonObject *task;

  connect_agent (f);
  visitor = fd_test_agent_reserve_new_chat (f->agent, f->server, FD_TEST_CHAT_KEY, "Carol");
  log = fd_crm_log_new ();
  log->conversation_id = visitor->conversation_id;
  log->text = g_strdup ("Promised a refund");
  fd_test_agent_expect_error (f->agent, FD_FRAME_CRM_LOG, log, FD_WIRE_ERROR_INVALID_STATE);

  fd_test_crm_connect (f->server, f->org_id, "salesforce", f->fake);
  log = fd_crm_log_new ();
  log->conversation_id = visitor->conversation_id;
  log->subject = g_strdup ("Refund");
  log->text = g_strdup ("Promised a refund");
  log->crm_user = g_strdup ("005000000000009AAA");
  ack = fd_test_agent_expect_ack (f->agent, FD_FRAME_CRM_LOG, log);
  {
    FakeWait w = { f->fake, "tasks", 1 };
    fd_test_wait (fake_reached, &w, 4 * FD_TEST_TIMEOUT_MS, "the manual Task");
  }
  state = fd_test_crm_fake_state (f->fake);
  task = json_array_get_object_element (json_object_get_array_member (state, "tasks"), 0);
  g_assert_cmpstr (json_object_get_string_member (task, "Subject"), ==, "Refund");
  g_assert_cmpstr (json_object_get_string_member (task, "OwnerId"), ==, "005000000000009AAA");
}

/* The outbox is bounded: with the CRM down, manual entries beyond
 * --crm-max-queued (3 here) are refused with a clear error; none is lost. */
static void
test_queue_full (Fixture *f, gconstpointer data)
{
  g_autoptr(FdTestVisitor) visitor = NULL;
  FdCrmLog *log;

  fd_test_crm_connect (f->server, f->org_id, "salesforce", f->fake);
  connect_agent (f);
  fd_test_crm_fake_control (f->fake, "{\"mode\": \"down\"}");
  visitor = fd_test_agent_reserve_new_chat (f->agent, f->server, FD_TEST_CHAT_KEY, "Carol");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(FdFrame) ack = NULL;

      log = fd_crm_log_new ();
      log->conversation_id = visitor->conversation_id;
      log->text = g_strdup_printf ("note %u", i);
      ack = fd_test_agent_expect_ack (f->agent, FD_FRAME_CRM_LOG, log);
    }
  log = fd_crm_log_new ();
  log->conversation_id = visitor->conversation_id;
  log->text = g_strdup ("one too many");
  fd_test_agent_expect_error (f->agent, FD_FRAME_CRM_LOG, log, FD_WIRE_ERROR_RATE_LIMITED);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT COUNT (*) FROM crm_outbox"), ==, 3);
  fd_test_crm_fake_control (f->fake, "{\"mode\": \"up\"}");
  {
    FakeWait w = { f->fake, "tasks", 3 };
    fd_test_wait (fake_reached, &w, 6 * FD_TEST_TIMEOUT_MS, "the three Tasks");
  }
}

/* An expired access token is refreshed; the rotated refresh token is
 * saved, so the next refresh (after a restart) works with it. */
static void
test_refresh_rotation (Fixture *f, gconstpointer data)
{
  g_autoptr(FdTestVisitor) first = NULL;
  g_autoptr(FdTestVisitor) second = NULL;
  g_autoptr(FdConversation) a = NULL;
  g_autoptr(FdConversation) b = NULL;
  g_autoptr(JsonObject) state = NULL;

  fd_test_crm_connect (f->server, f->org_id, "salesforce", f->fake);
  connect_agent (f);
  fd_test_crm_fake_control (f->fake, "{\"expire_access\": true}");
  first = fd_test_visitor_start_with_email (f->server, FD_TEST_CHAT_KEY, "Carol", "carol@customer.example");
  a = wait_label (f->agent, first->conversation_id, "(Salesforce Contact)");

  fd_test_server_stop (f->server);
  g_clear_pointer (&f->agent, fd_test_agent_free);
  fd_test_server_start (f->server);
  connect_agent (f);
  fd_test_crm_fake_control (f->fake, "{\"expire_access\": true}");
  second = fd_test_visitor_start_with_email (f->server, FD_TEST_CHAT_KEY, "Natalie", "natalie@lead.example");
  b = wait_label (f->agent, second->conversation_id, "(Salesforce Lead)");
  state = fd_test_crm_fake_state (f->fake);
  g_assert_cmpint (json_object_get_int_member (state, "refreshes"), ==, 2);
}

/* frontdeskctl against the test's server; its standard output. */
static char *
run_ctl (FdTestServer *server, const char *stdin_text, const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token_file = g_strconcat (fd_test_server_get_db_path (server), ".admin-token", NULL);
  char *out = NULL;

  g_ptr_array_add (argv, g_strdup (g_getenv ("FRONTDESKCTL")));
  g_ptr_array_add (argv, g_strdup_printf ("--server=%s", fd_test_server_get_url (server)));
  g_ptr_array_add (argv, g_strdup_printf ("--token-file=%s", token_file));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  return out;
}

/* frontdeskctl crm connect / status / disconnect: the link printed, the
 * secret read from stdin and never shown. */
static void
test_ctl (Fixture *f, gconstpointer data)
{
  g_autofree char *org = g_strdup_printf ("%" G_GINT64_FORMAT, f->org_id);
  const char *connect[] = { "crm", "connect", org, "--provider", "zendesk", "--instance-url", f->fake->url,
                            "--client-id", "frontdesk", "--client-secret-stdin", NULL };
  const char *status[] = { "crm", "status", org, NULL };
  const char *disconnect[] = { "crm", "disconnect", org, NULL };
  g_autofree char *connected = run_ctl (f->server, "zz-secret-value\n", connect);
  g_autofree char *shown = run_ctl (f->server, NULL, status);
  g_autofree char *gone = run_ctl (f->server, NULL, disconnect);
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/crm", f->org_id);

  g_autoptr(JsonNode) missing = NULL;

  g_assert_nonnull (strstr (gone, "disconnected"));
  missing = fd_test_admin_expect (f->server, "GET", path, NULL, 404);
  g_assert_cmpstr (fd_test_http_error_code (missing), ==, "not-found");

  g_assert_nonnull (strstr (connected, "/crm/connect/"));
  g_assert_nonnull (strstr (shown, "pending"));
  g_assert_null (strstr (connected, "zz-secret-value"));
  g_assert_null (strstr (shown, "zz-secret-value"));
  g_assert_false (fd_test_server_db_contains (f->server, "zz-secret-value"));
}

/* A revoked grant: the refresh is refused, the status says so. */
static void
test_revocation (Fixture *f, gconstpointer data)
{
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autofree char *status = NULL;

  fd_test_crm_connect (f->server, f->org_id, "salesforce", f->fake);
  fd_test_crm_fake_control (f->fake, "{\"revoke\": true}");
  visitor = fd_test_visitor_start_with_email (f->server, FD_TEST_CHAT_KEY, "Carol", "carol@customer.example");
  wait_db (f->server, "SELECT COUNT (*) FROM crm_connections WHERE status = 'needs-authorization'", 1);
  status = crm_status (f->server, f->org_id);
  g_assert_cmpstr (status, ==, "needs-authorization");
  {
    g_autofree char *org = g_strdup_printf ("%" G_GINT64_FORMAT, f->org_id);
    const char *args[] = { "crm", "status", org, NULL };
    g_autofree char *out = run_ctl (f->server, NULL, args);

    g_assert_nonnull (strstr (out, "needs-authorization"));
  }
}

/* Zendesk's 429 with Retry-After: the lookup waits and succeeds on the
 * next try; the CRM is not hammered meanwhile. */
static void
test_rate_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdConversation) chat = NULL;
  g_autoptr(JsonObject) state = NULL;

  fd_test_crm_connect (f->server, f->org_id, "zendesk", f->fake);
  connect_agent (f);
  fd_test_crm_fake_control (f->fake, "{\"rate_limit\": 1, \"retry_after\": 2}");
  visitor = fd_test_visitor_start_with_email (f->server, FD_TEST_CHAT_KEY, "Jenna", "jenna@zd.example");
  chat = wait_label (f->agent, visitor->conversation_id, "(Zendesk user)");
  state = fd_test_crm_fake_state (f->fake);
  g_assert_cmpint (json_object_get_int_member (state, "rate_limited"), ==, 1);
  g_assert_cmpint (fake_count (f->fake, "GET /api/v2/users/search.json"), ==, 2);
}

typedef struct { FdTestCrmFake *fake; gint64 before; } QueryWait;

static gboolean
queried (gpointer data)
{
  QueryWait *w = data;
  return fake_count (w->fake, "GET /services/data/v59.0/query") > w->before;
}

/* Hostile answers (HTML, huge, malformed, wrong types) are typed errors:
 * no label, the server stays up, and the entry is delivered afterwards. */
static void
test_hostile (Fixture *f, gconstpointer data)
{
  static const char * const modes[] = { "html", "huge", "malformed", "wrongtypes" };

  fd_test_crm_connect (f->server, f->org_id, "salesforce", f->fake);
  connect_agent (f);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *control = g_strdup_printf ("{\"mode\": \"%s\"}", modes[i]);
      g_autofree char *email = g_strdup_printf ("carol+%u@customer.example", i);
      g_autofree char *sql = NULL;
      g_autoptr(FdTestVisitor) visitor = NULL;
      gint64 before = fake_count (f->fake, "GET /services/data/v59.0/query");

      fd_test_crm_fake_control (f->fake, control);
      visitor = fd_test_visitor_start_with_email (f->server, FD_TEST_CHAT_KEY, "Carol", email);
      {
        QueryWait w = { f->fake, before };
        fd_test_wait (queried, &w, 4 * FD_TEST_TIMEOUT_MS, modes[i]);
      }
      sql = g_strdup_printf ("SELECT COUNT (*) FROM contacts WHERE email = '%s' AND crm_label IS NOT NULL", email);
      g_assert_cmpint (fd_test_server_db_count (f->server, sql), ==, 0);
      fd_test_crm_fake_control (f->fake, "{\"mode\": \"up\"}");
      fd_test_spin (700);   /* the back-off after the error passes */
    }
  /* Nothing lost: an entry queued while the CRM answers HTML is sent once
   * it answers properly again. */
  {
    g_autoptr(FdTestVisitor) visitor = NULL;
    g_autoptr(FdFrame) closed = NULL;
    FakeWait w = { f->fake, "tasks", 1 };

    fd_test_crm_fake_control (f->fake, "{\"mode\": \"html\"}");
    visitor = fd_test_agent_reserve_new_chat (f->agent, f->server, FD_TEST_CHAT_KEY, "Carol");
    closed = fd_test_agent_expect_ack (f->agent, FD_FRAME_CLOSE, fd_test_conversation_ref (visitor->conversation_id));
    wait_db (f->server, "SELECT COUNT (*) FROM crm_outbox WHERE state = 'queued' AND attempts >= 1", 1);
    g_assert_cmpuint (fake_created (f->fake, "tasks"), ==, 0);
    fd_test_crm_fake_control (f->fake, "{\"mode\": \"up\"}");
    fd_test_wait (fake_reached, &w, 4 * FD_TEST_TIMEOUT_MS, "the Task after the hostile answers");
  }
  /* The server answers, and lookups work again. */
  {
    g_autoptr(FdTestVisitor) visitor = fd_test_visitor_start_with_email (f->server, FD_TEST_CHAT_KEY, "Carol",
                                                                         "carol@customer.example");
    g_autoptr(FdConversation) chat = wait_label (f->agent, visitor->conversation_id, "(Salesforce Contact)");

    g_assert_cmpstr (chat->contact->crm_kind, ==, "Contact");
  }
}

/* The connect page's checks: a post without the CSRF cookie, a callback
 * with a state not started in this browser, a mistyped link. */
static void
test_page_checks (Fixture *f, gconstpointer data)
{
  g_autofree char *link = fd_test_crm_link (f->server, f->org_id, "salesforce", f->fake);
  g_autoptr(SoupSession) browser = soup_session_new ();
  g_autofree char *bad_link = g_strconcat (link, "x", NULL);
  g_autofree char *callback_url = g_strdup_printf ("%s/crm/callback?code=abc&state=forged", fd_test_server_get_url (f->server));
  g_autofree char *status = NULL;
  FdTestPage page = { 0 };

  fd_test_browse (browser, "GET", link, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_nonnull (page.body);
  fd_test_browse (browser, "POST", link, NULL, "csrf=0000", &page);
  g_assert_cmpuint (page.status, ==, 403);
  fd_test_browse (browser, "GET", callback_url, "fd_crm_state=forged", NULL, &page);
  g_assert_cmpuint (page.status, ==, 403);
  fd_test_browse (browser, "GET", bad_link, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 404);
  fd_test_page_clear (&page);
  status = crm_status (f->server, f->org_id);
  g_assert_cmpstr (status, ==, "pending");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, set_up, func, tear_down)
  ADD ("/crm/lookup/salesforce", test_salesforce_lookup);
  ADD ("/crm/lookup/zendesk", test_zendesk_lookup);
  ADD ("/crm/outbox/down-kill-delivered-once", test_down_kill_delivered_once);
  ADD ("/crm/outbox/manual", test_manual_entry);
  ADD ("/crm/outbox/zendesk-idempotent", test_zendesk_idempotent);
  ADD ("/crm/outbox/queue-full", test_queue_full);
  ADD ("/crm/tokens/refresh-rotation", test_refresh_rotation);
  ADD ("/crm/tokens/revocation", test_revocation);
  ADD ("/crm/backoff/rate-limit", test_rate_limit);
  ADD ("/crm/hostile", test_hostile);
  ADD ("/crm/page/checks", test_page_checks);
  ADD ("/crm/ctl", test_ctl);
  return g_test_run ();
}
