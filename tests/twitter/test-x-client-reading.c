#define G_LOG_DOMAIN "fd-test"

/* test-x-client: the client reading X: mentions and direct messages,
 * paged, with their media, and text cut to the store's limit. */

#include "fd-codec.h"
#include "test-x-client.h"

void
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

void
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

void
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
void
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
