#define G_LOG_DOMAIN "fd-test"

/* test-email-wiring: an Office 365 stream signed in with OAuth: tokens
 * refreshed and rotated, sealed at rest, and a revoked grant. */

#include <string.h>

#include "fd-test-oauth-provider.h"
#include "test-email-wiring.h"

/* --- OAuth (Office 365) ----------------------------------------------------- */

#define OAUTH_CLIENT_ID     "frontdesk-test-app"
#define OAUTH_CLIENT_SECRET "app-secret-1"
#define OAUTH_ACCESS_TOKEN  "access-granted-1"
#define MICROSOFT_SCOPE     "https://outlook.office.com/IMAP.AccessAsUser.All " \
                            "https://outlook.office.com/SMTP.Send offline_access"

/* An Office 365 stream against a local Microsoft token endpoint, a
 * Dovecot and an aiosmtpd that accept only the access token the provider
 * issues: the stored access token has expired, so the server refreshes
 * before it signs in; the provider rotates the refresh token at every
 * refresh (and voids the old one) and answers tokens that expire within
 * the server's margin, so each sign-in refreshes again: the reply after
 * the first mail is only sent if the rotated refresh token was saved.
 * Then the grant is revoked: the stream "needs authorization". */

void
test_oauth (void)
{
  g_autoptr(FdTestOAuthProvider) provider = NULL;
  g_autoptr(FdOfferEvent) offer = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(JsonNode) stream = NULL;
  g_autofree char *user_token = NULL;
  g_autofree char *refresh_token = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *health = NULL;
  g_autofree char *reason = NULL;
  FdTestSmtpdOptions smtpd_options = { 0 };
  FdFrame *ack, *delivered;
  FdTestAgent *natalie;
  Fixture fixture = { 0 }, *f = &fixture;
  gint64 conversation_id, message_id;
  guint grants;

  provider = fd_test_oauth_provider_new (FD_TEST_OAUTH_MICROSOFT, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET);
  fd_test_oauth_provider_set_access_token (provider, OAUTH_ACCESS_TOKEN);
  fd_test_oauth_provider_set_expires_in (provider, 60);
  refresh_token = fd_test_oauth_provider_grant (provider, MICROSOFT_SCOPE);

  f->dovecot = fd_test_dovecot_new_started_oauth (MAILBOX_PASSWORD, OAUTH_ACCESS_TOKEN);
  user_token = g_strdup_printf ("%s:" OAUTH_ACCESS_TOKEN, fd_test_dovecot_get_user (f->dovecot));
  smtpd_options.xoauth2 = user_token;
  f->smtpd = fd_test_smtpd_new (&smtpd_options);
  f->server = fd_test_server_new ();
  fd_test_server_add_args (f->server, "--email-backoff-ms", "200", "--email-max-backoff-ms", "1000",
                           "--email-idle-seconds", "5", "--email-oauth-base-url",
                           fd_test_oauth_provider_get_base_url (provider), NULL);
  fd_test_server_start (f->server);
  f->org_id = fd_test_admin_import_demo (f->server);
  f->queue_id = fd_test_admin_find_id (f->server, f->org_id, "queues", "Sales");

  settings = g_strdup_printf ("{\\\"address\\\":\\\"" STREAM_ADDRESS "\\\",\\\"platform\\\":\\\"office365\\\","
                              "\\\"oauth_client_id\\\":\\\"" OAUTH_CLIENT_ID "\\\","
                              "\\\"imap_host\\\":\\\"127.0.0.1\\\",\\\"imap_port\\\":%u,\\\"imap_tls\\\":\\\"none\\\","
                              "\\\"smtp_host\\\":\\\"127.0.0.1\\\",\\\"smtp_port\\\":%u,\\\"smtp_tls\\\":\\\"none\\\","
                              "\\\"user_name\\\":\\\"%s\\\",\\\"poll_seconds\\\":1}",
                              fd_test_dovecot_get_port (f->dovecot), fd_test_smtpd_get_port (f->smtpd),
                              fd_test_dovecot_get_user (f->dovecot));
  body = g_strdup_printf ("{\"kind\":\"email\",\"name\":\"Office Mail\",\"queue_id\":%" G_GINT64_FORMAT ","
                          "\"settings_json\":\"%s\",\"oauth_client_secret\":\"" OAUTH_CLIENT_SECRET "\","
                          "\"oauth_tokens\":{\"access_token\":\"expired-access\",\"refresh_token\":\"%s\","
                          "\"expires_at\":1}}",
                          f->queue_id, settings, refresh_token);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", f->org_id);
  stream = fd_test_admin_expect (f->server, "POST", path, body, 201);
  f->stream_id = json_object_get_int_member (json_node_get_object (stream), "id");
  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/phases",
                          f->org_id, f->stream_id);
  json_node_unref (fd_test_admin_expect (f->server, "PUT", path,
                                         "[{\"strategy\":\"ring-all\",\"agent_ids\":[],\"bounce_seconds\":0,"
                                         "\"duration_seconds\":0}]", 200));
  /* A token set without a refresh token, or secrets in the settings, are
   * refused. */
  {
    g_autofree char *item = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                             f->org_id, f->stream_id);
    g_autoptr(JsonNode) answer = fd_test_admin_expect (f->server, "PATCH", item,
                                                       "{\"oauth_tokens\":{\"access_token\":\"a\"}}", 400);
    g_autoptr(JsonNode) answer2 = fd_test_admin_expect (f->server, "PATCH", item,
                                                        "{\"settings_json\":\"{\\\"oauth_tokens\\\":{}}\"}", 400);

    g_autoptr(JsonNode) answer3 = fd_test_admin_expect (f->server, "PATCH", item,
                                                        "{\"name\":\"Renamed\",\"oauth_tokens\":[]}", 400);
    g_autoptr(JsonNode) got = NULL;

    g_assert_cmpstr (fd_test_http_error_code (answer), ==, "invalid-field");
    g_assert_cmpstr (fd_test_http_error_code (answer2), ==, "invalid-field");
    /* A refused secret leaves the stream as it was. */
    g_assert_cmpstr (fd_test_http_error_code (answer3), ==, "invalid-field");
    got = fd_test_admin_expect (f->server, "GET", item, NULL, 200);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (got), "name"), ==, "Office Mail");
  }
  /* Sealed at rest. */
  g_assert_false (fd_test_server_db_contains (f->server, refresh_token));
  g_assert_false (fd_test_server_db_contains (f->server, OAUTH_CLIENT_SECRET));

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  deliver (f, "oauth-1@customer.test", "Invoice", NULL, "Where is my invoice?");
  offer = wait_offer (natalie);
  conversation_id = offer->offer->conversation_id;
  grants = fd_test_oauth_provider_get_grants (provider);
  g_assert_cmpuint (grants, >=, 1);

  /* The reply: the sender refreshes again, with the rotated token. */
  fd_frame_free (fd_test_agent_expect_ack (natalie, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id)));
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                  fd_test_send_message (conversation_id, "r-1", "Attached again."));
  message_id = ((FdMessage *) ack->body)->id;
  fd_frame_free (ack);
  delivered = fd_test_agent_wait_delivery (natalie, message_id, FD_DELIVERY_SENT, 30000);
  fd_frame_free (delivered);
  sent = fd_test_smtpd_wait_messages (f->smtpd, 1);
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_cmpuint (fd_test_oauth_provider_get_grants (provider), >, grants);
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, NULL);
  g_assert_cmpstr (health, ==, "ok");
  {
    g_autofree char *item = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                             f->org_id, f->stream_id);
    g_autoptr(JsonNode) got = fd_test_admin_expect (f->server, "GET", item, NULL, 200);

    /* The tokens and the client secret are write-only. */
    g_assert_false (json_object_has_member (json_node_get_object (got), "oauth_tokens"));
    g_assert_false (json_object_has_member (json_node_get_object (got), "oauth_client_secret"));
  }
  g_assert_false (fd_test_server_db_contains (f->server, OAUTH_ACCESS_TOKEN));

  /* The person withdraws consent: the next refresh is invalid_grant. */
  fd_test_oauth_provider_revoke (provider);
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                  fd_test_send_message (conversation_id, "r-2", "And once more."));
  fd_frame_free (ack);
  wait_health (f, "needs-authorization", 50);
  g_clear_pointer (&health, g_free);
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
  g_assert_nonnull (strstr (reason, "authorize the mailbox again"));

  fd_test_agent_free (natalie);
  fixture_tear_down (f, NULL);
}
