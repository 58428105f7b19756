#pragma once

/* The fake X for C tests (docs/twitter.md, "The fake X and its contract"):
 * starts tests/twitter/fd-x-fake.py for one business account and drives it
 * through its /_fake/ surface. Every call asserts on failure (a test
 * helper: a broken fake fails the test). */

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _FdTestXFake FdTestXFake;

/* Starts the fake for one business account (@account_id, @handle with "@"). */
FdTestXFake *fd_test_x_fake_new          (const char  *account_id,
                                          const char  *handle);
void         fd_test_x_fake_free         (FdTestXFake *fake);
/* "http://127.0.0.1:PORT": the API and OAuth origin. */
const char  *fd_test_x_fake_get_url      (FdTestXFake *fake);
/* A fresh grant (tokens valid @lifetime seconds), as JSON text for the
 * admin API's write-only stream member oauth_tokens:
 * {"access_token","refresh_token","expires_at"}. */
char        *fd_test_x_fake_grant        (FdTestXFake *fake,
                                          gint         lifetime);
/* A customer's post mentioning the account (@text as given: put the
 * @handle in it, as a customer would); @in_reply_to: NULL or the id of the
 * post it answers (its conversation_id is kept). Returns the post's id. */
char        *fd_test_x_fake_mention      (FdTestXFake *fake,
                                          const char  *user_id,
                                          const char  *username,
                                          const char  *name,
                                          const char  *text,
                                          const char  *in_reply_to);
/* A customer's direct message to the account; returns the event id. */
char        *fd_test_x_fake_dm           (FdTestXFake *fake,
                                          const char  *user_id,
                                          const char  *username,
                                          const char  *name,
                                          const char  *text);
/* The same as a JSON object for POST /_fake/@what ("mention" or "dm"),
 * for the members the functions above leave out, e.g.
 * {"user_id":"42","username":"carol","name":"Carol","text":"@Acme look",
 *  "media":[{"type":"photo","url":"https://pbs.twimg.com/media/a.jpg"}]}.
 * Returns the id. */
char        *fd_test_x_fake_add          (FdTestXFake *fake,
                                          const char  *what,
                                          const char  *json);
/* What the account created through the API: posts {id,text,
 * in_reply_to_tweet_id,media_ids}, DMs {dm_event_id,participant_id,text,
 * media_ids}. Free with json_array_unref(). */
JsonArray   *fd_test_x_fake_posts        (FdTestXFake *fake);
JsonArray   *fd_test_x_fake_sent_dms     (FdTestXFake *fake);
/* POST /_fake/control with @json, e.g.
 * {"rate_limit":{"endpoint":"mentions","count":1,"reset_in":3}},
 * {"revoke":true}, {"expire_access":true}, {"down":true}, {"down":false}. */
void         fd_test_x_fake_control      (FdTestXFake *fake,
                                          const char  *json);
/* GET /_fake/state: {"calls":{"mentions":N,"dm_events":N,"tweets":N,...},
 * "refreshes":N,...}. Free with json_object_unref(). */
JsonObject  *fd_test_x_fake_state        (FdTestXFake *fake);
/* The number of calls of @endpoint (users_me, mentions, dm_events, tweets,
 * dm_send, media_upload, token, authorize) so far. */
gint64       fd_test_x_fake_calls        (FdTestXFake *fake,
                                          const char  *endpoint);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTestXFake, fd_test_x_fake_free)

G_END_DECLS
