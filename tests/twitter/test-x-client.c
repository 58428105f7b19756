#define G_LOG_DOMAIN "fd-test"

/* FdXClient (src/server/twitter/fd-x-client.c) against the fake X
 * (tests/twitter/fd-x-fake.py): every call, its paging, and every failure
 * typed: rate limits with their reset, refused tokens, X's 403 detail,
 * hostile answers (not JSON, too large, too deep, wrong types, too many
 * items) and a network that is down. */

#include <string.h>
#include <libsoup/soup.h>

#include "fd-test-x-fake.h"
#include "fd-x-client.h"
#include "fd-codec.h"
#include "fd-x-text.h"
#include "fd-oauth.h"

#define ACCOUNT "1500000000000000001"
#define HANDLE  "@KakapoSystems"

typedef struct {
  FdTestXFake *fake;
  SoupSession *session;
  FdXClient   *client;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *grant = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  f->fake = fd_test_x_fake_new (ACCOUNT, HANDLE);
  f->session = soup_session_new_with_options ("timeout", 20, NULL);
  f->client = fd_x_client_new (f->session, fd_test_x_fake_get_url (f->fake));
  grant = fd_test_x_fake_grant (f->fake, 3600);
  g_assert_true (json_parser_load_from_data (parser, grant, -1, NULL));
  fd_x_client_set_access_token (f->client, json_object_get_string_member (json_node_get_object (
                                  json_parser_get_root (parser)), "access_token"));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->client);
  g_clear_object (&f->session);
  g_clear_pointer (&f->fake, fd_test_x_fake_free);
}

/* --- running one async call -------------------------------------------- */

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static FdXPage *
mentions (Fixture      *f,
          const char   *since_id,
          const char   *token,
          FdXRateLimit *rate,
          GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fd_x_client_mentions_async (f->client, ACCOUNT, since_id, token, NULL, on_done, &result);
  return fd_x_client_mentions_finish (f->client, wait_result (&result), rate, error);
}

static FdXPage *
dm_events (Fixture      *f,
           const char   *token,
           FdXRateLimit *rate,
           GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fd_x_client_dm_events_async (f->client, token, NULL, on_done, &result);
  return fd_x_client_dm_events_finish (f->client, wait_result (&result), rate, error);
}

static FdXUser *
get_me (Fixture      *f,
        FdXRateLimit *rate,
        GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fd_x_client_get_me_async (f->client, NULL, on_done, &result);
  return fd_x_client_get_me_finish (f->client, wait_result (&result), rate, error);
}

static FdXCreated *
create_post (Fixture            *f,
             const char         *text,
             const char         *in_reply_to,
             const char * const *media,
             GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fd_x_client_create_post_async (f->client, text, in_reply_to, media, NULL, on_done, &result);
  return fd_x_client_create_post_finish (f->client, wait_result (&result), NULL, error);
}

static FdXCreated *
send_dm (Fixture            *f,
         const char         *to,
         const char         *text,
         const char * const *media,
         GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fd_x_client_send_dm_async (f->client, to, text, media, NULL, on_done, &result);
  return fd_x_client_send_dm_finish (f->client, wait_result (&result), NULL, error);
}

static FdXMedia *
upload (Fixture    *f,
        gsize       size,
        gboolean    direct,
        GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree guint8 *data = g_malloc (size);
  g_autoptr(GBytes) bytes = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 7);
  if (size >= 8)
    memcpy (data, "\x89PNG\r\n\x1a\n", 8);
  bytes = g_bytes_new (data, size);
  fd_x_client_upload_media_async (f->client, bytes, "image/png", direct, NULL, on_done, &result);
  return fd_x_client_upload_media_finish (f->client, wait_result (&result), NULL, error);
}

/* --- tests --------------------------------------------------------------- */

static void
test_ids (void)
{
  g_autofree char *url = fd_x_post_url ("KakapoSystems", "1860000000000000001");

  g_assert_true (fd_x_id_is_valid ("0"));
  g_assert_true (fd_x_id_is_valid ("1860000000000000001"));
  g_assert_false (fd_x_id_is_valid ("18600000000000000011"));   /* 20 digits */
  g_assert_false (fd_x_id_is_valid ("012"));
  g_assert_false (fd_x_id_is_valid (""));
  g_assert_false (fd_x_id_is_valid ("12a"));
  g_assert_false (fd_x_id_is_valid (NULL));
  /* As numbers, not as text: "99" < "100" although "9" > "1". */
  g_assert_cmpint (fd_x_id_compare ("99", "100"), <, 0);
  g_assert_cmpint (fd_x_id_compare ("100", "99"), >, 0);
  g_assert_cmpint (fd_x_id_compare ("1860000000000000002", "1860000000000000001"), >, 0);
  g_assert_cmpint (fd_x_id_compare ("1860000000000000001", "1860000000000000001"), ==, 0);
  g_assert_cmpint (fd_x_id_compare (NULL, "1"), <, 0);
  g_assert_cmpint (fd_x_id_compare ("1", "x"), >, 0);
  g_assert_cmpint (fd_x_id_compare (NULL, NULL), ==, 0);
  g_assert_cmpstr (url, ==, "https://x.com/KakapoSystems/status/1860000000000000001");
}

static void
test_me (Fixture       *f,
         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FdXRateLimit rate;
  g_autoptr(FdXUser) me = get_me (f, &rate, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (me->id, ==, ACCOUNT);
  g_assert_cmpstr (me->username, ==, "KakapoSystems");
  g_assert_cmpstr (me->name, ==, "KakapoSystems Support");
  /* X's published per-user limit of users/me: 75 a 15-minute window. */
  g_assert_cmpint (rate.limit, ==, 75);
  g_assert_cmpint (rate.remaining, ==, 74);
  g_assert_cmpint (rate.reset, >, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (me->rate.remaining, ==, 74);
  g_assert_cmpuint (fd_x_client_get_calls (f->client), ==, 1);
}

static void
test_mentions_paged (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *token = NULL;
  g_autofree char *newest = NULL;
  g_autofree char *root = NULL;
  g_autofree char *reply = NULL;
  guint pages = 0;

  for (guint i = 0; i < 230; i++)
    {
      g_autofree char *text = g_strdup_printf (HANDLE " question %u", i);
      g_autofree char *user = g_strdup_printf ("%u", 4200 + i % 3);
      g_autofree char *name = g_strdup_printf ("customer%u", i % 3);
      g_ptr_array_add (ids, fd_test_x_fake_mention (f->fake, user, name, "A Customer", text, NULL));
    }

  /* Newest first, 100 a page, until no next_token. */
  do
    {
      FdXRateLimit rate;
      g_autoptr(FdXPage) page = mentions (f, NULL, token, &rate, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (page->posts->len, ==, pages < 2 ? 100 : 30);
      for (guint i = 0; i < page->posts->len; i++)
        {
          FdXPost *post = g_ptr_array_index (page->posts, i);
          guint n = 229 - (pages * 100 + i);
          g_autofree char *text = g_strdup_printf (HANDLE " question %u", n);

          g_assert_false (post->direct);
          g_assert_cmpstr (post->id, ==, g_ptr_array_index (ids, n));
          g_assert_cmpstr (post->text, ==, text);
          g_assert_cmpstr (post->conversation_id, ==, post->id);
          g_assert_cmpstr (post->in_reply_to_user_id, ==, ACCOUNT);
          g_assert_null (post->in_reply_to);
          g_assert_cmpint (post->created_at, >, 0);
          g_assert_cmpint (ABS (post->created_at - g_get_real_time ()), <, 600 * G_USEC_PER_SEC);
          g_assert_cmpstr (post->author_name, ==, "A Customer");
          g_assert_true (g_str_has_prefix (post->author_username, "customer"));
          g_assert_cmpstr (post->author_id, ==, n % 3 == 0 ? "4200" : n % 3 == 1 ? "4201" : "4202");
          g_assert_true (g_hash_table_add (seen, g_strdup (post->id)));
        }
      if (pages == 0)
        {
          newest = g_strdup (page->newest_id);
          g_assert_cmpstr (newest, ==, g_ptr_array_index (ids, 229));
          /* X's published per-user limit of the mentions timeline. */
          g_assert_cmpint (rate.limit, ==, 300);
          g_assert_cmpint (rate.remaining, ==, 299);
        }
      g_clear_pointer (&token, g_free);
      token = g_strdup (page->next_token);
      pages++;
    }
  while (token != NULL);
  g_assert_cmpuint (pages, ==, 3);

  /* since_id: nothing newer, then exactly the new one. */
  {
    g_autoptr(FdXPage) page = mentions (f, newest, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->posts->len, ==, 0);
    g_assert_null (page->newest_id);
    g_assert_null (page->next_token);
  }

  /* The account replies; the customer answers the reply: one conversation. */
  root = g_strdup (g_ptr_array_index (ids, 229));
  {
    g_autoptr(FdXCreated) created = create_post (f, "@customer1 We are on it.", root, NULL, &error);
    g_autoptr(FdXPage) page = NULL;
    FdXPost *post;

    g_assert_no_error (error);
    reply = fd_test_x_fake_mention (f->fake, "4201", "customer1", "A Customer", HANDLE " thanks!", created->id);
    page = mentions (f, newest, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->posts->len, ==, 1);
    post = g_ptr_array_index (page->posts, 0);
    g_assert_cmpstr (post->id, ==, reply);
    g_assert_cmpstr (post->in_reply_to, ==, created->id);
    g_assert_cmpstr (post->conversation_id, ==, root);
    g_assert_cmpstr (post->in_reply_to_user_id, ==, ACCOUNT);
    g_assert_cmpstr (page->newest_id, ==, reply);
    g_assert_cmpint (fd_x_id_compare (reply, newest), >, 0);
  }
}

static void
test_mention_media (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fd_test_x_fake_add (f->fake, "mention",
                                   "{\"user_id\":\"77\",\"username\":\"pat\",\"name\":\"Pat\\u0007 <b>Smith</b>\","
                                   "\"text\":\"" HANDLE " broken, see\","
                                   "\"media\":[{\"type\":\"photo\",\"url\":\"https://pbs.twimg.com/media/a.jpg\"},"
                                   "{\"type\":\"photo\",\"url\":\"javascript:alert(1)\"},"
                                   "{\"type\":\"video\",\"url\":\"https://pbs.twimg.com/ext_tw_video_thumb/b.jpg\"}]}");
  g_autoptr(FdXPage) page = mentions (f, NULL, NULL, NULL, &error);
  FdXPost *post;

  g_assert_no_error (error);
  g_assert_cmpuint (page->posts->len, ==, 1);
  post = g_ptr_array_index (page->posts, 0);
  g_assert_cmpstr (post->id, ==, id);
  /* A control character in a name becomes a space; markup stays text. */
  g_assert_cmpstr (post->author_name, ==, "Pat  <b>Smith</b>");
  g_assert_nonnull (post->media_urls);
  /* The photo's url, the video's preview; not a non-https URL. */
  g_assert_cmpuint (g_strv_length (post->media_urls), ==, 2);
  g_assert_cmpstr (post->media_urls[0], ==, "https://pbs.twimg.com/media/a.jpg");
  g_assert_cmpstr (post->media_urls[1], ==, "https://pbs.twimg.com/ext_tw_video_thumb/b.jpg");
}

static void
test_dm_events_paged (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *known = NULL;
  g_autofree char *token = NULL;
  guint total = 0, pages = 0;

  for (guint i = 0; i < 130; i++)
    {
      g_autofree char *text = g_strdup_printf ("private %u", i);
      g_ptr_array_add (ids, fd_test_x_fake_dm (f->fake, i % 2 ? "43" : "9000000000000000044", i % 2 ? "dave" : "erin",
                                               i % 2 ? "Dave" : "Erin", text));
    }
  do
    {
      g_autoptr(FdXPage) page = dm_events (f, token, NULL, &error);

      g_assert_no_error (error);
      g_assert_null (page->newest_id);
      for (guint i = 0; i < page->posts->len; i++)
        {
          FdXPost *post = g_ptr_array_index (page->posts, i);
          guint n = 129 - total;

          g_assert_true (post->direct);
          g_assert_cmpstr (post->id, ==, g_ptr_array_index (ids, n));
          g_assert_cmpstr (post->author_id, ==, n % 2 ? "43" : "9000000000000000044");
          g_assert_cmpstr (post->author_username, ==, n % 2 ? "dave" : "erin");
          /* "<lower id>-<higher id>", compared as numbers. */
          g_assert_cmpstr (post->conversation_id, ==, n % 2 ? "43-" ACCOUNT : ACCOUNT "-9000000000000000044");
          total++;
        }
      g_clear_pointer (&token, g_free);
      token = g_strdup (page->next_token);
      pages++;
    }
  while (token != NULL);
  g_assert_cmpuint (total, ==, 130);
  g_assert_cmpuint (pages, ==, 2);

  /* The caller's own stop: page until an id it knows. The account's DM
   * is listed too (sender = the account). */
  known = g_strdup (g_ptr_array_index (ids, 129));
  {
    g_autoptr(FdXCreated) sent = send_dm (f, "43", "We will call you.", NULL, &error);
    g_autofree char *fresh = NULL;
    g_autoptr(FdXPage) page = NULL;
    guint newer = 0;

    g_assert_no_error (error);
    fresh = fd_test_x_fake_dm (f->fake, "43", "dave", "Dave", "thanks");
    page = dm_events (f, NULL, NULL, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < page->posts->len; i++)
      {
        FdXPost *post = g_ptr_array_index (page->posts, i);
        if (fd_x_id_compare (post->id, known) <= 0)
          break;
        newer++;
      }
    g_assert_cmpuint (newer, ==, 2);
    g_assert_cmpstr (((FdXPost *) g_ptr_array_index (page->posts, 0))->id, ==, fresh);
    g_assert_cmpstr (((FdXPost *) g_ptr_array_index (page->posts, 1))->id, ==, sent->id);
    g_assert_cmpstr (((FdXPost *) g_ptr_array_index (page->posts, 1))->author_id, ==, ACCOUNT);
    g_assert_cmpstr (sent->dm_conversation_id, ==, "43-" ACCOUNT);
  }
}

/* Text is cut to the store's limit in characters, not bytes: 10,000 CJK
 * characters (30,000 bytes) arrive whole, 17,000 are cut to FD_LIMIT_TEXT. */
static void
test_text_bounds (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) cjk = g_string_new (NULL);
  g_autofree char *long_text = g_strnfill (17000, 'z');
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(FdXPage) page = NULL;

  for (guint i = 0; i < FD_X_MAX_DM_CHARS; i++)
    g_string_append (cjk, "\xe4\xb8\xad");
  first = fd_test_x_fake_dm (f->fake, "43", "dave", "Dave", cjk->str);
  second = fd_test_x_fake_dm (f->fake, "43", "dave", "Dave", long_text);
  page = dm_events (f, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->posts->len, ==, 2);
  g_assert_cmpstr (((FdXPost *) g_ptr_array_index (page->posts, 1))->text, ==, cjk->str);
  g_assert_cmpint (g_utf8_strlen (((FdXPost *) g_ptr_array_index (page->posts, 0))->text, -1), ==, FD_LIMIT_TEXT);
  g_assert_true (g_str_has_prefix (long_text, ((FdXPost *) g_ptr_array_index (page->posts, 0))->text));
}

static void
test_post_with_media (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mention = fd_test_x_fake_mention (f->fake, "42", "carol", "Carol", HANDLE " my order?", NULL);
  g_autoptr(FdXMedia) media = upload (f, 70000, FALSE, &error);
  g_autoptr(FdXCreated) post = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(JsonObject) state = NULL;
  JsonObject *created;
  JsonArray *stored_media;
  const char *media_ids[] = { NULL, NULL };

  g_assert_no_error (error);
  g_assert_true (fd_x_id_is_valid (media->id));
  g_assert_true (g_str_has_prefix (media->media_key, "3_"));
  g_assert_cmpstr (media->media_key + 2, ==, media->id);
  state = fd_test_x_fake_state (f->fake);
  {
    JsonObject *m = json_array_get_object_element (json_object_get_array_member (state, "media"), 0);
    g_assert_cmpstr (json_object_get_string_member (m, "category"), ==, "tweet_image");
    g_assert_cmpint (json_object_get_int_member (m, "size"), ==, 70000);
    g_assert_cmpstr (json_object_get_string_member (m, "type"), ==, "image/png");
  }

  media_ids[0] = media->id;
  post = create_post (f, "@carol It ships today. \xf0\x9f\x93\xa6", mention, media_ids, &error);
  g_assert_no_error (error);
  g_assert_true (fd_x_id_is_valid (post->id));
  g_assert_cmpint (post->rate.limit, >, 0);
  posts = fd_test_x_fake_posts (f->fake);
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
  created = json_array_get_object_element (posts, 0);
  g_assert_cmpstr (json_object_get_string_member (created, "id"), ==, post->id);
  g_assert_cmpstr (json_object_get_string_member (created, "text"), ==, "@carol It ships today. \xf0\x9f\x93\xa6");
  g_assert_cmpstr (json_object_get_string_member (created, "in_reply_to_tweet_id"), ==, mention);
  stored_media = json_object_get_array_member (created, "media_ids");
  g_assert_cmpuint (json_array_get_length (stored_media), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (stored_media, 0), ==, media->id);

  /* A post without a reply or media. */
  {
    g_autoptr(FdXCreated) plain = create_post (f, "Service notice: all fine.", NULL, NULL, &error);
    g_autoptr(JsonArray) all = fd_test_x_fake_posts (f->fake);
    g_assert_no_error (error);
    g_assert_cmpint (fd_x_id_compare (plain->id, post->id), >, 0);
    g_assert_true (json_object_get_null_member (json_array_get_object_element (all, 1), "in_reply_to_tweet_id"));
  }
}

static void
test_forbidden_detail (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mention = fd_test_x_fake_mention (f->fake, "42", "carol", "Carol", HANDLE " hi", NULL);
  g_autoptr(FdXCreated) first = create_post (f, "@carol Hello!", mention, NULL, &error);
  g_autoptr(FdXCreated) again = NULL;
  g_autoptr(FdXCreated) long_post = NULL;
  g_autoptr(FdXCreated) lost = NULL;
  g_autoptr(FdXCreated) closed = NULL;
  g_autofree char *too_long = g_strnfill (281, 'a');

  g_assert_no_error (error);
  again = create_post (f, "@carol Hello!", mention, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, FD_X_ERROR, FD_X_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "You are not allowed to create a Tweet with duplicate content."));
  g_clear_error (&error);

  long_post = create_post (f, too_long, NULL, NULL, &error);
  g_assert_error (error, FD_X_ERROR, FD_X_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "too long"));
  g_clear_error (&error);

  lost = create_post (f, "@nobody hi", "1234", NULL, &error);
  g_assert_error (error, FD_X_ERROR, FD_X_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "deleted or not visible"));
  g_clear_error (&error);

  fd_test_x_fake_control (f->fake, "{\"dms_closed\":[\"42\"]}");
  closed = send_dm (f, "42", "psst", NULL, &error);
  g_assert_error (error, FD_X_ERROR, FD_X_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "You cannot send messages to this user."));
  g_assert_null (closed);
  {
    g_autoptr(JsonArray) posts = fd_test_x_fake_posts (f->fake);
    g_autoptr(JsonArray) dms = fd_test_x_fake_sent_dms (f->fake);
    g_assert_cmpuint (json_array_get_length (posts), ==, 1);
    g_assert_cmpuint (json_array_get_length (dms), ==, 0);
  }
}

/* The fake counts as the server does (fd_x_weighted_length, twitter-text
 * v3): a post of exactly 280 goes, one more is X's 403, whatever it is made
 * of (flags, keycaps, joined emoji, CJK, URLs). */
static void
test_weighted_length (Fixture       *f,
                      gconstpointer  data)
{
  const char *units[] = { "a", "\xf0\x9f\x87\xb3\xf0\x9f\x87\xbf", "1\xef\xb8\x8f\xe2\x83\xa3",
                          "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", "\xe4\xb8\xad", "\xc3\xa9" };

  for (guint u = 0; u < G_N_ELEMENTS (units); u++)
    for (guint extra = 0; extra < 2; extra++)
      {
        g_autoptr(GString) text = g_string_new (NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(FdXCreated) post = NULL;

        /* A URL (23) and a unique tag, then units up to 280 (+1). */
        g_string_printf (text, "https://example.com/%u/%u ", u, extra);
        while (fd_x_weighted_length (text->str) + fd_x_weighted_length (units[u]) <= FD_X_MAX_WEIGHTED_LENGTH)
          g_string_append (text, units[u]);
        while (fd_x_weighted_length (text->str) < FD_X_MAX_WEIGHTED_LENGTH)
          g_string_append_c (text, 'b');
        if (extra)
          g_string_append_c (text, 'c');
        g_assert_cmpint (fd_x_weighted_length (text->str), ==, FD_X_MAX_WEIGHTED_LENGTH + (gint) extra);
        post = create_post (f, text->str, NULL, NULL, &error);
        if (extra)
          g_assert_error (error, FD_X_ERROR, FD_X_ERROR_FORBIDDEN);
        else
          g_assert_no_error (error);
      }
}

static void
test_dm_with_media (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *event = fd_test_x_fake_dm (f->fake, "43", "dave", "Dave", "can you help?");
  g_autoptr(FdXMedia) media = upload (f, 1000, TRUE, &error);
  g_autoptr(FdXCreated) dm = NULL;
  g_autoptr(JsonArray) dms = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *long_text = g_strnfill (FD_X_MAX_DM_CHARS, 'b');
  const char *media_ids[] = { NULL, NULL };
  JsonObject *sent;

  g_assert_no_error (error);
  state = fd_test_x_fake_state (f->fake);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (state, "media"), 0), "category"), ==, "dm_image");
  media_ids[0] = media->id;
  dm = send_dm (f, "43", "Here is the form.", media_ids, &error);
  g_assert_no_error (error);
  dms = fd_test_x_fake_sent_dms (f->fake);
  g_assert_cmpuint (json_array_get_length (dms), ==, 1);
  sent = json_array_get_object_element (dms, 0);
  g_assert_cmpstr (json_object_get_string_member (sent, "dm_event_id"), ==, dm->id);
  g_assert_cmpstr (json_object_get_string_member (sent, "participant_id"), ==, "43");
  g_assert_cmpstr (json_object_get_string_member (sent, "text"), ==, "Here is the form.");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (sent, "media_ids"), 0), ==, media->id);

  /* 10,000 characters go; one more is refused before any request. */
  {
    g_autoptr(FdXCreated) full = send_dm (f, "43", long_text, NULL, &error);
    g_autofree char *longer = g_strconcat (long_text, "b", NULL);
    g_autoptr(FdXCreated) over = NULL;
    gint64 calls = fd_test_x_fake_calls (f->fake, "dm_send");

    g_assert_no_error (error);
    g_assert_nonnull (full);
    over = send_dm (f, "43", longer, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST);
    g_assert_cmpint (fd_test_x_fake_calls (f->fake, "dm_send"), ==, calls);
  }
}

static void
test_upload_bounds (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdXMedia) big = upload (f, FD_X_MAX_UPLOAD + 1, FALSE, &error);

  g_assert_null (big);
  g_assert_error (error, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "media_upload"), ==, 0);
}

static void
test_rate_limited (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  FdXRateLimit rate;

  /* Forced: the reset X gives. */
  fd_test_x_fake_control (f->fake, "{\"rate_limit\":{\"endpoint\":\"mentions\",\"count\":1,\"reset_in\":120}}");
  {
    g_autoptr(FdXPage) page = mentions (f, NULL, NULL, &rate, &error);
    g_assert_null (page);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_RATE_LIMITED);
    g_assert_nonnull (strstr (error->message, "mentions"));
    g_assert_cmpint (rate.reset, >=, now + 119);
    g_assert_cmpint (rate.reset, <=, now + 150);
    g_assert_cmpint (rate.remaining, ==, 0);
    g_clear_error (&error);
  }
  {
    g_autoptr(FdXPage) page = mentions (f, NULL, NULL, &rate, &error);
    g_assert_no_error (error);
    g_assert_nonnull (page);
  }

  /* The window's budget spent (as X's DM lookup limit would be). */
  fd_test_x_fake_control (f->fake, "{\"budget\":{\"dm_events\":2}}");
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(FdXPage) page = dm_events (f, NULL, &rate, &error);
      g_assert_no_error (error);
      g_assert_cmpint (rate.remaining, ==, 1 - (gint) i);
      g_assert_cmpint (rate.limit, ==, 2);
    }
  {
    g_autoptr(FdXPage) page = dm_events (f, NULL, &rate, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_RATE_LIMITED);
    g_assert_cmpint (rate.reset, >=, now + 890);
    g_assert_cmpint (rate.reset, <=, now + 930);
    g_clear_error (&error);
  }

  /* No x-rate-limit-reset: X's 15-minute window from now. */
  fd_test_x_fake_control (f->fake, "{\"omit_rate_headers\":true,"
                                   "\"rate_limit\":{\"endpoint\":\"users_me\",\"count\":1,\"reset_in\":5}}");
  {
    g_autoptr(FdXUser) me = get_me (f, &rate, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_RATE_LIMITED);
    g_assert_cmpint (rate.limit, ==, -1);
    g_assert_cmpint (rate.reset, >=, now + FD_X_DEFAULT_RESET_SECONDS);
    g_assert_cmpint (rate.reset, <=, now + FD_X_DEFAULT_RESET_SECONDS + 30);
  }
}

static void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fresh = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  fd_test_x_fake_control (f->fake, "{\"expire_access\":true}");
  {
    g_autoptr(FdXPage) page = mentions (f, NULL, NULL, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_UNAUTHORIZED);
    g_clear_error (&error);
  }
  {
    g_autoptr(FdXCreated) post = create_post (f, "hello", NULL, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_UNAUTHORIZED);
    g_clear_error (&error);
  }
  {
    g_autoptr(JsonArray) posts = fd_test_x_fake_posts (f->fake);
    g_assert_cmpuint (json_array_get_length (posts), ==, 0);
  }

  /* No token at all. */
  fd_x_client_set_access_token (f->client, NULL);
  {
    g_autoptr(FdXUser) me = get_me (f, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_UNAUTHORIZED);
    g_clear_error (&error);
  }

  /* A fresh grant works again. */
  fresh = fd_test_x_fake_grant (f->fake, 600);
  g_assert_true (json_parser_load_from_data (parser, fresh, -1, NULL));
  fd_x_client_set_access_token (f->client, json_object_get_string_member (json_node_get_object (
                                  json_parser_get_root (parser)), "access_token"));
  {
    g_autoptr(FdXUser) me = get_me (f, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (me->id, ==, ACCOUNT);
  }
}

static void
test_invalid_request (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 calls = fd_x_client_get_calls (f->client);

  /* A token X never gave: X's 400. */
  {
    g_autoptr(FdXPage) page = mentions (f, NULL, "notatokenxgave", NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST);
    g_assert_nonnull (strstr (error->message, "pagination_token"));
    g_clear_error (&error);
  }
  g_assert_cmpuint (fd_x_client_get_calls (f->client), ==, calls + 1);

  /* Refused before any request: not ids, not tokens. */
  {
    g_autoptr(FdXPage) page = mentions (f, "12x", NULL, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST);
    g_clear_error (&error);
  }
  {
    g_autoptr(FdXPage) page = dm_events (f, "a&b=c", NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST);
    g_clear_error (&error);
  }
  {
    g_autoptr(FdXCreated) dm = send_dm (f, "../../2/tweets", "x", NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST);
    g_clear_error (&error);
  }
  g_assert_cmpuint (fd_x_client_get_calls (f->client), ==, calls + 1);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "dm_send"), ==, 0);
}

static void
test_hostile_answers (Fixture       *f,
                      gconstpointer  data)
{
  const char *kinds[] = { "html", "malformed", "huge", "deep", "wrongtypes", "many" };

  g_free (fd_test_x_fake_mention (f->fake, "42", "carol", "Carol", HANDLE " hi", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *control = g_strdup_printf ("{\"garbage\":{\"endpoint\":\"mentions\",\"kind\":\"%s\",\"count\":1}}",
                                                  kinds[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(FdXPage) page = NULL;
      g_autoptr(FdXPage) good = NULL;

      g_test_message ("garbage: %s", kinds[i]);
      fd_test_x_fake_control (f->fake, control);
      page = mentions (f, NULL, NULL, NULL, &error);
      g_assert_null (page);
      g_assert_error (error, FD_X_ERROR, FD_X_ERROR_MALFORMED);
      g_clear_error (&error);
      /* The next answer is X's again and read in full. */
      good = mentions (f, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (good->posts->len, ==, 1);
    }

  /* X's partial errors in a 200 answer do not fail the call. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FdXPage) page = NULL;
    g_autofree char *dm = fd_test_x_fake_dm (f->fake, "43", "dave", "Dave", "hello");

    fd_test_x_fake_control (f->fake, "{\"garbage\":{\"endpoint\":\"dm_events\",\"kind\":\"errors\",\"count\":1}}");
    page = dm_events (f, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->partial_errors, ==, 1);
    g_assert_cmpuint (page->posts->len, ==, 1);
    g_assert_cmpstr (((FdXPost *) g_ptr_array_index (page->posts, 0))->id, ==, dm);
  }

  /* Writes: a created post without X's id, an upload answered in HTML. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FdXCreated) post = NULL;
    g_autoptr(FdXMedia) media = NULL;

    fd_test_x_fake_control (f->fake, "{\"garbage\":{\"endpoint\":\"tweets\",\"kind\":\"wrongtypes\",\"count\":1}}");
    post = create_post (f, "hello", NULL, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_MALFORMED);
    g_clear_error (&error);
    fd_test_x_fake_control (f->fake, "{\"garbage\":{\"endpoint\":\"media_upload\",\"kind\":\"html\",\"count\":1}}");
    media = upload (f, 100, FALSE, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_MALFORMED);
  }

  /* A users/me answer without a valid id. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FdXUser) me = NULL;

    fd_test_x_fake_control (f->fake, "{\"garbage\":{\"endpoint\":\"users_me\",\"kind\":\"wrongtypes\",\"count\":1}}");
    me = get_me (f, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_MALFORMED);
  }
}

static void
test_network_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdXClient) nowhere = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *url = NULL;

  /* The connection reset without an answer. */
  fd_test_x_fake_control (f->fake, "{\"down\":true}");
  {
    g_autoptr(FdXPage) page = mentions (f, NULL, NULL, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_NETWORK);
    g_clear_error (&error);
  }
  /* X's 503. */
  fd_test_x_fake_control (f->fake, "{\"down\":\"503\"}");
  {
    g_autoptr(FdXCreated) post = create_post (f, "hello", NULL, NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_SERVER);
    g_assert_nonnull (strstr (error->message, "503"));
    g_clear_error (&error);
  }
  fd_test_x_fake_control (f->fake, "{\"down\":false}");
  {
    g_autoptr(FdXPage) page = mentions (f, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }

  /* Connection refused: a port bound but never listened on. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_clear_object (&address);
  address = g_socket_get_local_address (socket, &error);
  url = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
  nowhere = fd_x_client_new (f->session, url);
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(FdXUser) me = NULL;

    fd_x_client_get_me_async (nowhere, NULL, on_done, &result);
    me = fd_x_client_get_me_finish (nowhere, wait_result (&result), NULL, &error);
    g_assert_error (error, FD_X_ERROR, FD_X_ERROR_NETWORK);
    g_clear_error (&error);
  }
}

/* FdOAuth's X platform against the fake's token endpoint: a refresh
 * rotates the refresh token and the new access token works; the old
 * refresh token is void at once (X's invalid_request: REVOKED); a
 * confidential client's secret goes as HTTP Basic. */
static FdOAuthTokens *
refresh (Fixture             *f,
         FdOAuthProvider     *provider,
         const char          *secret,
         const FdOAuthTokens *tokens,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fd_oauth_refresh_async (provider, f->session, "client-1", secret, tokens, NULL, on_done, &result);
  return fd_oauth_refresh_finish (wait_result (&result), error);
}

static void
test_oauth_refresh (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(FdOAuthProvider) provider = fd_oauth_provider_new_for_base (FD_OAUTH_PLATFORM_X, NULL,
                                                                         fd_test_x_fake_get_url (f->fake));
  g_autofree char *grant = fd_test_x_fake_grant (f->fake, 60);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOAuthTokens) first = g_new0 (FdOAuthTokens, 1);
  g_autoptr(FdOAuthTokens) second = NULL;
  g_autoptr(FdOAuthTokens) reused = NULL;
  g_autoptr(FdOAuthTokens) third = NULL;
  g_autoptr(FdOAuthTokens) revoked = NULL;
  g_autoptr(JsonObject) state = NULL;
  JsonObject *object;

  g_assert_true (json_parser_load_from_data (parser, grant, -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  first->access_token = g_strdup (json_object_get_string_member (object, "access_token"));
  first->refresh_token = g_strdup (json_object_get_string_member (object, "refresh_token"));
  first->expires_at = json_object_get_int_member (object, "expires_at");

  second = refresh (f, provider, NULL, first, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->refresh_token, !=, first->refresh_token);
  g_assert_cmpint (second->expires_at, >, g_get_real_time () / G_USEC_PER_SEC + 7000);
  fd_x_client_set_access_token (f->client, second->access_token);
  {
    g_autoptr(FdXUser) me = get_me (f, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (me->id, ==, ACCOUNT);
  }

  reused = refresh (f, provider, NULL, first, &error);
  g_assert_error (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED);
  g_clear_error (&error);

  third = refresh (f, provider, "s3cret", second, &error);
  g_assert_no_error (error);
  state = fd_test_x_fake_state (f->fake);
  g_assert_cmpint (json_object_get_int_member (state, "basic_auth"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (state, "refreshes"), ==, 3);

  fd_test_x_fake_control (f->fake, "{\"revoke\":true}");
  revoked = refresh (f, provider, NULL, third, &error);
  g_assert_error (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FdXPage) page = NULL;

  fd_x_client_mentions_async (f->client, ACCOUNT, NULL, NULL, cancellable, on_done, &result);
  g_cancellable_cancel (cancellable);
  page = fd_x_client_mentions_finish (f->client, wait_result (&result), NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/x-client/ids", test_ids);
#define ADD(path, fn) g_test_add ("/x-client/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("me", test_me);
  ADD ("mentions-paged", test_mentions_paged);
  ADD ("mention-media", test_mention_media);
  ADD ("dm-events-paged", test_dm_events_paged);
  ADD ("text-bounds", test_text_bounds);
  ADD ("post-with-media", test_post_with_media);
  ADD ("forbidden-detail", test_forbidden_detail);
  ADD ("weighted-length", test_weighted_length);
  ADD ("dm-with-media", test_dm_with_media);
  ADD ("upload-bounds", test_upload_bounds);
  ADD ("rate-limited", test_rate_limited);
  ADD ("unauthorized", test_unauthorized);
  ADD ("invalid-request", test_invalid_request);
  ADD ("hostile-answers", test_hostile_answers);
  ADD ("network-down", test_network_down);
  ADD ("oauth-refresh", test_oauth_refresh);
  ADD ("cancelled", test_cancelled);
#undef ADD
  return g_test_run ();
}
