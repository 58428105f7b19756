#define G_LOG_DOMAIN "fd-test"

/* test-email-wiring: the stream's health: a wrong IMAP password needs
 * attention, seen through the admin API and by a supervisor's app. */

#include <string.h>

#include "test-email-wiring.h"

/* A wrong IMAP password: "needs attention" with the reason, visible
 * through the admin API; the right one makes it recover. */
void
test_needs_attention (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                           f->org_id, f->stream_id);
  g_autofree char *reason = NULL;
  g_autofree char *health = NULL;
  g_autoptr(JsonNode) answer = NULL;

  wait_health (f, "ok", 250);
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, "{\"password\":\"wrong-password\"}", 200));
  wait_health (f, "needs-attention", 250);
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
  g_assert_nonnull (strstr (reason, "refused the user name or password"));
  g_assert_null (strstr (reason, "wrong-password"));

  /* Mail that arrives meanwhile is fetched after the fix. */
  deliver (f, "late@customer.test", "Late", NULL, "Are you there?");
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, "{\"password\":\"" MAILBOX_PASSWORD "\"}", 200));
  wait_health (f, "ok", 250);
  wait_count (f, COUNT_MAILS_IN, 1);

  /* TLS "none" is for loopback only; a password in the settings is refused. */
  answer = fd_test_admin_expect (f->server, "PATCH", path,
                                 "{\"settings_json\":\"{\\\"address\\\":\\\"a@b.example\\\",\\\"imap_host\\\":"
                                 "\\\"imap.example.com\\\",\\\"imap_tls\\\":\\\"none\\\"}\"}", 400);
  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "invalid-field");
  g_clear_pointer (&answer, json_node_unref);
  answer = fd_test_admin_expect (f->server, "PATCH", path,
                                 "{\"settings_json\":\"{\\\"password\\\":\\\"x\\\"}\"}", 400);
  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "invalid-field");
}

typedef struct {
  gint64         stream_id;
  FdStreamHealth health;
} HealthMatch;

static gboolean
is_stream_health (const FdFrame *frame,
                  gpointer       data)
{
  HealthMatch *match = data;

  return frame->type == FD_FRAME_STREAM_HEALTH &&
         ((FdStreamHealthInfo *) frame->body)->stream_id == match->stream_id &&
         ((FdStreamHealthInfo *) frame->body)->health == match->health;
}

/* The stream-health event of @health for the fixture's stream. */
static FdStreamHealthInfo *
wait_stream_health (Fixture        *f,
                    FdTestAgent    *agent,
                    FdStreamHealth  health)
{
  HealthMatch match = { f->stream_id, health };
  FdFrame *frame = fd_test_socket_wait_match (agent->socket, is_stream_health, &match, 30000, "stream-health");
  FdStreamHealthInfo *info = g_steal_pointer (&frame->body);

  fd_frame_free (frame);
  return info;
}

/* The item of @stream_id in a list-stream-health ack, NULL when none. */
static const FdStreamHealthInfo *
find_health (const FdFrame *ack,
             gint64         stream_id)
{
  GPtrArray *items = ((FdStreamHealthList *) ack->body)->items;

  for (guint i = 0; i < items->len; i++)
    if (((FdStreamHealthInfo *) g_ptr_array_index (items, i))->stream_id == stream_id)
      return g_ptr_array_index (items, i);
  return NULL;
}

/* The ack of list-stream-health (owned by the returned frame), its email
 * streams only: the demo's twitter stream is listed whatever its health
 * (docs/twitter.md, "Health"). */
static FdFrame *
list_stream_health (FdTestAgent *agent)
{
  FdFrame *ack = fd_test_agent_expect_ack (agent, FD_FRAME_LIST_STREAM_HEALTH, NULL);
  GPtrArray *items = ((FdStreamHealthList *) ack->body)->items;

  for (guint i = items->len; i > 0; i--)
    if (((FdStreamHealthInfo *) g_ptr_array_index (items, i - 1))->kind == FD_STREAM_TWITTER)
      g_ptr_array_remove_index (items, i - 1);
  return ack;
}

/* A supervisor's app sees a stream that needs attention (issue 12): a
 * wrong IMAP password sends "stream-health" with the reason to the
 * connected supervisor and admin, list-stream-health shows the stream, and
 * the fix sends "ok" and empties the list; an agent gets neither (forbidden
 * for the request, no event). */
void
test_stream_health (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                           f->org_id, f->stream_id);
  FdTestAgent *natalie;
  FdTestAgent *ed;
  FdTestAgent *jenna;
  g_autoptr(FdFrame) before = NULL;
  g_autoptr(FdFrame) during = NULL;
  g_autoptr(FdFrame) after = NULL;
  g_autoptr(FdStreamHealthInfo) bad = NULL;
  g_autoptr(FdStreamHealthInfo) bad_ed = NULL;
  g_autoptr(FdStreamHealthInfo) fixed = NULL;
  g_autoptr(FdStreamHealthInfo) fixed_ed = NULL;
  const FdStreamHealthInfo *item;
  gint64 demo_stream_id;

  wait_health (f, "ok", 250);
  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  jenna = fd_test_agent_sign_in_and_join (f->server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD,
                                          f->queue_id, NULL);
  ed = fd_test_agent_sign_in (f->server, "ed@kakapo.example", "ed-demo-admin");
  fd_test_agent_connect (ed);

  /* The demo's "Support Email" has no mailbox password: it is listed. */
  before = list_stream_health (natalie);
  g_assert_null (find_health (before, f->stream_id));
  g_assert_cmpuint (((FdStreamHealthList *) before->body)->items->len, ==, 1);
  item = g_ptr_array_index (((FdStreamHealthList *) before->body)->items, 0);
  g_assert_cmpstr (item->name, ==, "Support Email");
  demo_stream_id = item->stream_id;
  g_assert_cmpint (item->health, !=, FD_STREAM_HEALTH_OK);
  g_assert_nonnull (item->reason);
  fd_test_agent_expect_error (jenna, FD_FRAME_LIST_STREAM_HEALTH, NULL, FD_WIRE_ERROR_FORBIDDEN);

  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, "{\"password\":\"wrong-password\"}", 200));
  bad = wait_stream_health (f, natalie, FD_STREAM_HEALTH_NEEDS_ATTENTION);
  g_assert_cmpstr (bad->name, ==, "Test Mail");
  g_assert_cmpint (bad->kind, ==, FD_STREAM_EMAIL);
  g_assert_nonnull (bad->reason);
  g_assert_nonnull (strstr (bad->reason, "refused the user name or password"));
  g_assert_null (strstr (bad->reason, "wrong-password"));
  bad_ed = wait_stream_health (f, ed, FD_STREAM_HEALTH_NEEDS_ATTENTION);
  g_assert_cmpstr (bad_ed->reason, ==, bad->reason);

  during = list_stream_health (natalie);
  g_assert_cmpuint (((FdStreamHealthList *) during->body)->items->len, ==, 2);
  item = find_health (during, f->stream_id);
  g_assert_nonnull (item);
  g_assert_cmpint (item->stream_id, ==, f->stream_id);
  g_assert_cmpstr (item->name, ==, "Test Mail");
  g_assert_cmpint (item->kind, ==, FD_STREAM_EMAIL);
  g_assert_cmpint (item->health, ==, FD_STREAM_HEALTH_NEEDS_ATTENTION);
  g_assert_cmpstr (item->reason, ==, bad->reason);
  fd_test_agent_expect_error (jenna, FD_FRAME_LIST_STREAM_HEALTH, NULL, FD_WIRE_ERROR_FORBIDDEN);

  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, "{\"password\":\"" MAILBOX_PASSWORD "\"}", 200));
  fixed = wait_stream_health (f, natalie, FD_STREAM_HEALTH_OK);
  g_assert_null (fixed->reason);
  g_assert_cmpstr (fixed->name, ==, "Test Mail");
  fixed_ed = wait_stream_health (f, ed, FD_STREAM_HEALTH_OK);
  after = list_stream_health (natalie);
  g_assert_null (find_health (after, f->stream_id));
  g_assert_cmpuint (((FdStreamHealthList *) after->body)->items->len, ==, 1);

  /* A deleted stream needs nobody: ok, and off the list. */
  {
    g_autofree char *demo_path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                                  f->org_id, demo_stream_id);
    g_autoptr(FdFrame) empty = NULL;
    HealthMatch match = { demo_stream_id, FD_STREAM_HEALTH_OK };

    g_assert_null (fd_test_admin_expect (f->server, "DELETE", demo_path, NULL, 204));
    fd_frame_free (fd_test_socket_wait_match (natalie->socket, is_stream_health, &match, 30000, "deleted stream ok"));
    empty = list_stream_health (natalie);
    g_assert_cmpuint (((FdStreamHealthList *) empty->body)->items->len, ==, 0);
  }

  /* The agent was connected the whole time: not one stream-health event. */
  fd_test_socket_settle (jenna->socket, 200);
  g_assert_cmpuint (fd_test_socket_drop (jenna->socket, FD_FRAME_STREAM_HEALTH), ==, 0);

  fd_test_agent_free (ed);
  fd_test_agent_free (jenna);
  fd_test_agent_free (natalie);
}
