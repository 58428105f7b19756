#define G_LOG_DOMAIN "fd-test"

/* test-x-client: the client writing to X: posts and direct messages
 * with media, X's 403 detail, the weighted length, upload bounds. */

#include <string.h>

#include "fd-x-text.h"
#include "test-x-client.h"

void
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

void
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
void
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

void
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

void
test_upload_bounds (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdXMedia) big = upload (f, FD_X_MAX_UPLOAD + 1, FALSE, &error);

  g_assert_null (big);
  g_assert_error (error, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "media_upload"), ==, 0);
}
