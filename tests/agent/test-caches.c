#define G_LOG_DOMAIN "test-caches"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <utime.h>

#include "fd-attachment-cache.h"
#include "fd-codec.h"
#include "fd-drafts.h"
#include "fd-recent-files.h"
#include "fd-reply-cache.h"
#include "fd-test-client.h"
#include "fd-test-server.h"

/* GLib 2.74's g_test_expect_message() does not see structured logging, so
 * the caches' warnings are counted by a writer of our own. */
static guint caught_warnings;

static GLogWriterOutput
catching_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  const char *domain = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
    }
  if ((log_level & G_LOG_LEVEL_WARNING) && domain != NULL &&
      (g_str_equal (domain, "fd-cache-file") || g_str_equal (domain, "fd-reply-cache") ||
       g_str_equal (domain, "fd-recent-files") || g_str_equal (domain, "fd-drafts")))
    {
      caught_warnings++;
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static char *
reply_text (FdReplyCache *cache,
            guint         position)
{
  g_autoptr(FdCachedReply) reply = g_list_model_get_item (G_LIST_MODEL (cache), position);

  g_assert_nonnull (reply);
  return g_strdup (fd_cached_reply_get_text (reply));
}

static guint
count_text (FdReplyCache *cache,
            const char   *text)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cache)); i++)
    {
      g_autofree char *t = reply_text (cache, i);

      n += g_str_equal (t, text);
    }
  return n;
}

static void
assert_mode_0600 (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_reply_cache_keeps_latest (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  FdReplyCache *cache = fd_reply_cache_new (dir, NULL, NULL);
  FdReplyCache *again;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cache)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (cache)) == FD_TYPE_CACHED_REPLY);

  for (guint i = 1; i <= 25; i++)
    {
      g_autofree char *text = g_strdup_printf ("Reply number %u", i);

      g_assert_true (fd_reply_cache_add (cache, text, &error));
      g_assert_no_error (error);
    }
  /* While the app runs the list grows past the 20 that are saved. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cache)), ==, 25);
  {
    g_autofree char *first = reply_text (cache, 0);
    g_autofree char *last = reply_text (cache, 24);

    g_assert_cmpstr (first, ==, "Reply number 25");
    g_assert_cmpstr (last, ==, "Reply number 1");
  }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (cache), 25));

  g_assert_true (fd_reply_cache_save (cache, &error));
  g_assert_no_error (error);
  assert_mode_0600 (fd_reply_cache_get_path (cache));
  g_assert_true (g_str_has_prefix (fd_reply_cache_get_path (cache), dir));
  g_assert_true (g_str_has_suffix (fd_reply_cache_get_path (cache), "/reply-cache.json"));

  again = fd_reply_cache_new (dir, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, FD_CACHE_SAVED_ITEMS);
  for (guint i = 0; i < FD_CACHE_SAVED_ITEMS; i++)
    {
      g_autofree char *expected = g_strdup_printf ("Reply number %u", 25 - i);
      g_autofree char *text = reply_text (again, i);

      g_assert_cmpstr (text, ==, expected);
    }

  g_assert_finalize_object (cache);
  g_assert_finalize_object (again);
  fd_test_rm_rf (dir);
}

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gpointer    user_data)
{
  GString *log = user_data;

  g_string_append_printf (log, "%u-%u+%u;", position, removed, added);
}

static void
test_reply_cache_add_rules (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GString) too_long = g_string_new (NULL);
  FdReplyCache *cache = fd_reply_cache_new (dir, NULL, NULL);
  FdReplyCache *again;
  g_autofree char *text = NULL;

  g_assert_true (fd_reply_cache_add (cache, "Thanks for waiting!", &error));
  g_assert_true (fd_reply_cache_add (cache, "Is there anything else?", &error));
  g_assert_true (fd_reply_cache_add (cache, "Have a nice day.", &error));
  g_assert_no_error (error);

  g_signal_connect (cache, "items-changed", G_CALLBACK (on_items_changed_cb), log);
  /* Re-adding moves the reply to the front; the selection's stray spaces
   * and line break do not make it another reply. */
  g_assert_true (fd_reply_cache_add (cache, "  Thanks for waiting!\n", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cache)), ==, 3);
  g_assert_cmpuint (count_text (cache, "Thanks for waiting!"), ==, 1);
  text = reply_text (cache, 0);
  g_assert_cmpstr (text, ==, "Thanks for waiting!");
  g_clear_pointer (&text, g_free);
  text = reply_text (cache, 1);
  g_assert_cmpstr (text, ==, "Have a nice day.");
  g_clear_pointer (&text, g_free);
  g_assert_cmpstr (log->str, ==, "2-1+0;0-0+1;");

  /* Adding the first one again changes nothing. */
  g_string_truncate (log, 0);
  g_assert_true (fd_reply_cache_add (cache, "Thanks for waiting!", &error));
  g_assert_cmpstr (log->str, ==, "");

  g_assert_false (fd_reply_cache_add (cache, "", &error));
  g_assert_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_false (fd_reply_cache_add (cache, " \t\n\u00a0 ", &error));
  g_assert_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_false (fd_reply_cache_add (cache, "caf\xc3", &error));
  g_assert_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID);
  g_clear_error (&error);

  /* The limit counts characters, like the protocol's message limit. */
  for (guint i = 0; i < FD_LIMIT_TEXT; i++)
    g_string_append (too_long, "é");
  g_assert_true (fd_reply_cache_add (cache, too_long->str, &error));
  g_assert_no_error (error);
  g_string_append_c (too_long, 'x');
  g_assert_false (fd_reply_cache_add (cache, too_long->str, &error));
  g_assert_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_TOO_LONG);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cache)), ==, 4);

  g_assert_true (fd_reply_cache_remove (cache, "Have a nice day."));
  g_assert_false (fd_reply_cache_remove (cache, "Have a nice day."));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cache)), ==, 3);

  /* Disposing saves what changed. */
  g_signal_handlers_disconnect_by_data (cache, log);
  g_assert_finalize_object (cache);
  again = fd_reply_cache_new (dir, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 3);
  g_assert_cmpuint (count_text (again, "Have a nice day."), ==, 0);
  g_assert_cmpuint (count_text (again, "Is there anything else?"), ==, 1);
  g_assert_finalize_object (again);
  fd_test_rm_rf (dir);
}

static void
check_corrupt (const char *contents)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "reply-cache.json", NULL);
  g_autofree char *bad = g_strconcat (path, ".bad", NULL);
  g_autofree char *kept = NULL;
  g_autoptr(GError) error = NULL;
  FdReplyCache *cache;
  guint before = caught_warnings;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);

  cache = fd_reply_cache_new (dir, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cache)), ==, 0);
  g_assert_cmpuint (caught_warnings, ==, before + 1);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (bad, &kept, NULL, &error));
  g_assert_cmpstr (kept, ==, contents);
  g_clear_pointer (&kept, g_free);

  /* A new file is written beside the one set aside, which stays as it was. */
  g_assert_true (fd_reply_cache_add (cache, "Hello again", &error));
  g_assert_true (fd_reply_cache_save (cache, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (bad, &kept, NULL, &error));
  g_assert_cmpstr (kept, ==, contents);
  g_assert_finalize_object (cache);

  cache = fd_reply_cache_new (dir, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cache)), ==, 1);
  g_assert_cmpuint (caught_warnings, ==, before + 1);
  g_assert_finalize_object (cache);
  fd_test_rm_rf (dir);
}

static void
test_reply_cache_corrupt (void)
{
  check_corrupt ("{\"version\": 1, \"replies\": [\"unterminated");
  check_corrupt ("[\"a JSON array, not an object\"]");
  check_corrupt ("{\"version\": 2, \"replies\": [\"from a newer app\"]}");
  check_corrupt ("{\"version\": 1, \"replies\": [\"fine\", 42]}");
  check_corrupt ("{\"version\": 1, \"replies\": [\"   \"]}");
  check_corrupt ("{\"version\": 1}");
  check_corrupt ("\xff\xfe binary");
}

/* When the bad file cannot be moved aside (here a folder is in the way of
 * its .bad name), it is never overwritten. */
static void
test_reply_cache_corrupt_blocked (void)
{
  const char *contents = "{\"version\": 1, \"replies\": oops}";
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "reply-cache.json", NULL);
  g_autofree char *bad = g_strconcat (path, ".bad", NULL);
  g_autofree char *blocker = g_build_filename (bad, "keep", NULL);
  g_autofree char *kept = NULL;
  g_autoptr(GError) error = NULL;
  FdReplyCache *cache;
  guint before = caught_warnings;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_cmpint (g_mkdir (bad, 0700), ==, 0);
  g_assert_true (g_file_set_contents (blocker, "", -1, &error));
  g_assert_no_error (error);

  cache = fd_reply_cache_new (dir, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cache)), ==, 0);
  g_assert_cmpuint (caught_warnings, ==, before + 1);
  g_assert_true (fd_reply_cache_add (cache, "Still usable while running", &error));
  g_assert_no_error (error);
  g_assert_false (fd_reply_cache_save (cache, &error));
  g_assert_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_WRITE);
  g_assert_finalize_object (cache);
  g_assert_cmpuint (caught_warnings, ==, before + 1);

  g_assert_true (g_file_get_contents (path, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, contents);
  fd_test_rm_rf (dir);
}

static void
test_cache_paths (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *default_dir = g_build_filename (g_get_user_data_dir (), "frontdesk", NULL);
  FdReplyCache *plain = fd_reply_cache_new (NULL, NULL, NULL);
  FdReplyCache *ann = fd_reply_cache_new (dir, "https://cc.example.com/", "Ann@Example.com");
  FdReplyCache *ann2 = fd_reply_cache_new (dir, "https://cc.example.com", "ann@example.com");
  FdReplyCache *bob = fd_reply_cache_new (dir, "https://cc.example.com", "bob@example.com");
  FdRecentFiles *files = fd_recent_files_new (dir, "https://cc.example.com", "ann@example.com");
  FdDrafts *drafts = fd_drafts_new (dir, "https://cc.example.com", "ann@example.com");
  g_autofree char *base = g_path_get_basename (fd_reply_cache_get_path (ann));
  g_autofree char *ann_path = g_strdup (fd_reply_cache_get_path (ann));

  g_assert_true (g_str_has_prefix (fd_reply_cache_get_path (plain), default_dir));
  /* One agent's file: the email is not in the name, the case and a
   * trailing slash do not make another agent. */
  g_assert_cmpstr (fd_reply_cache_get_path (ann), ==, fd_reply_cache_get_path (ann2));
  g_assert_cmpstr (fd_reply_cache_get_path (ann), !=, fd_reply_cache_get_path (bob));
  g_assert_null (strstr (base, "ann"));
  g_assert_true (g_str_has_prefix (base, "reply-cache-"));
  g_assert_cmpuint (strlen (base), ==, strlen ("reply-cache-") + 16 + strlen (".json"));
  g_assert_true (g_str_has_suffix (fd_recent_files_get_path (files),
                                   base + strlen ("reply-cache")));
  g_assert_true (g_str_has_suffix (fd_drafts_get_path (drafts), base + strlen ("reply-cache")));

  g_assert_finalize_object (plain);
  g_assert_finalize_object (ann);
  g_assert_finalize_object (ann2);
  g_assert_finalize_object (bob);
  g_assert_finalize_object (files);
  g_assert_finalize_object (drafts);
  /* Nothing changed, so nothing was written. */
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_assert_false (g_file_test (ann_path, G_FILE_TEST_EXISTS));
}

static FdRecentFile *
recent_at (FdRecentFiles *files,
           guint          position)
{
  FdRecentFile *file = g_list_model_get_item (G_LIST_MODEL (files), position);

  g_assert_nonnull (file);
  /* The model keeps its own reference. */
  g_object_unref (file);
  return file;
}

static void
on_missing_notify_cb (GObject    *object,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_recent_files (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *data = g_build_filename (dir, "attachments", NULL);
  g_autofree char *moved = g_build_filename (data, "moved away.pdf", NULL);
  g_autofree char *first_path = NULL;
  g_autoptr(GError) error = NULL;
  FdRecentFiles *files = fd_recent_files_new (dir, NULL, NULL);
  FdRecentFiles *again;
  FdRecentFile *file;
  guint notified = 0;

  g_assert_cmpint (g_mkdir (data, 0700), ==, 0);
  for (guint i = 1; i <= 25; i++)
    {
      g_autofree char *name = g_strdup_printf ("quote %u.pdf", i);
      g_autofree char *path = g_build_filename (data, name, NULL);

      g_assert_true (g_file_set_contents (path, "%PDF", -1, &error));
      g_assert_true (fd_recent_files_add (files, path, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (files)), ==, 25);
  file = recent_at (files, 0);
  g_assert_cmpstr (fd_recent_file_get_name (file), ==, "quote 25.pdf");
  g_assert_false (fd_recent_file_get_missing (file));
  first_path = g_strdup (fd_recent_file_get_path (file));

  /* The same file by another spelling is the same entry. */
  {
    g_autofree char *odd = g_strconcat (data, "/.//quote 3.pdf", NULL);

    g_assert_true (fd_recent_files_add (files, odd, &error));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (files)), ==, 25);
    g_assert_cmpstr (fd_recent_file_get_name (recent_at (files, 0)), ==, "quote 3.pdf");
    g_assert_cmpstr (fd_recent_file_get_name (recent_at (files, 1)), ==, "quote 25.pdf");
  }
  g_assert_false (fd_recent_files_add (files, "relative/quote.pdf", &error));
  g_assert_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fd_recent_files_add (files, "", &error));
  g_assert_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (fd_recent_files_save (files, &error));
  g_assert_no_error (error);
  assert_mode_0600 (fd_recent_files_get_path (files));
  g_assert_true (g_str_has_suffix (fd_recent_files_get_path (files), "/recent-attachments.json"));

  again = fd_recent_files_new (dir, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, FD_CACHE_SAVED_ITEMS);
  g_assert_cmpstr (fd_recent_file_get_name (recent_at (again, 0)), ==, "quote 3.pdf");
  g_assert_cmpstr (fd_recent_file_get_path (recent_at (again, 1)), ==, first_path);
  for (guint i = 1; i < FD_CACHE_SAVED_ITEMS; i++)
    {
      g_autofree char *expected = g_strdup_printf ("quote %u.pdf", 26 - i);

      g_assert_cmpstr (fd_recent_file_get_name (recent_at (again, i)), ==, expected);
      g_assert_false (fd_recent_file_get_missing (recent_at (again, i)));
    }

  /* A moved file stays listed, shown as missing. */
  file = recent_at (again, 1);
  g_signal_connect (file, "notify::missing", G_CALLBACK (on_missing_notify_cb), &notified);
  g_assert_cmpint (g_rename (first_path, moved), ==, 0);
  g_assert_false (fd_recent_file_get_missing (file));
  fd_recent_files_refresh (again);
  g_assert_true (fd_recent_file_get_missing (file));
  g_assert_cmpuint (notified, ==, 1);
  fd_recent_files_refresh (again);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, FD_CACHE_SAVED_ITEMS);
  g_assert_cmpstr (fd_recent_file_get_path (recent_at (again, 1)), ==, first_path);
  g_assert_false (fd_recent_file_get_missing (recent_at (again, 0)));
  g_signal_handlers_disconnect_by_data (file, &notified);

  /* A directory cannot be attached either. */
  g_assert_true (fd_recent_files_add (again, data, &error));
  g_assert_true (fd_recent_file_get_missing (recent_at (again, 0)));
  g_assert_true (fd_recent_files_remove (again, data));
  g_assert_false (fd_recent_files_remove (again, data));

  g_assert_finalize_object (files);
  g_assert_finalize_object (again);

  /* Missing after a restart too, and still listed. */
  again = fd_recent_files_new (dir, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, FD_CACHE_SAVED_ITEMS);
  g_assert_cmpstr (fd_recent_file_get_path (recent_at (again, 1)), ==, first_path);
  g_assert_true (fd_recent_file_get_missing (recent_at (again, 1)));
  g_assert_finalize_object (again);
  fd_test_rm_rf (dir);
}

static void
test_recent_files_corrupt (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "recent-attachments.json", NULL);
  g_autofree char *bad = g_strconcat (path, ".bad", NULL);
  g_autoptr(GError) error = NULL;
  FdRecentFiles *files;
  guint before = caught_warnings;

  g_assert_true (g_file_set_contents (path, "{\"version\": 1, \"files\": [\"https://example.com/x\"]}",
                                      -1, &error));
  files = fd_recent_files_new (dir, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (files)), ==, 0);
  g_assert_cmpuint (caught_warnings, ==, before + 1);
  g_assert_true (g_file_test (bad, G_FILE_TEST_IS_REGULAR));
  g_assert_finalize_object (files);
  fd_test_rm_rf (dir);
}

typedef struct {
  const char *path;
  const char *needle;
  gboolean    present;
} FileCheck;

static gboolean
file_matches (gpointer user_data)
{
  FileCheck *check = user_data;
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (check->path, &contents, NULL, NULL))
    return FALSE;
  return (strstr (contents, check->needle) != NULL) == check->present;
}

static void
test_drafts (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  FdDrafts *drafts = fd_drafts_new (dir, NULL, NULL);
  FdDrafts *again;
  const gint64 open_ids[] = { 12, 99 };
  FileCheck check = { fd_drafts_get_path (drafts), "Dear Ann", TRUE };
  gint64 start;

  g_assert_null (fd_drafts_get (drafts, 12));
  g_assert_true (fd_drafts_set (drafts, 12, "Dear Ann, your order shipped", &error));
  g_assert_true (fd_drafts_set (drafts, 13, "Grüße aus Köln\n", &error));
  g_assert_true (fd_drafts_set (drafts, 14, "To be dropped", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fd_drafts_get_n_drafts (drafts), ==, 3);
  g_assert_cmpstr (fd_drafts_get (drafts, 12), ==, "Dear Ann, your order shipped");

  /* Written after the delay, from the main loop, not at once. */
  start = g_get_monotonic_time ();
  g_assert_false (g_file_test (check.path, G_FILE_TEST_EXISTS));
  g_assert_true (fd_test_wait_until (file_matches, &check, 5000));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, (FD_DRAFTS_SAVE_DELAY_MS - 50) * 1000);
  assert_mode_0600 (check.path);

  again = fd_drafts_new (dir, NULL, NULL);
  g_assert_cmpuint (fd_drafts_get_n_drafts (again), ==, 3);
  g_assert_cmpstr (fd_drafts_get (again, 12), ==, "Dear Ann, your order shipped");
  g_assert_cmpstr (fd_drafts_get (again, 13), ==, "Grüße aus Köln\n");
  g_assert_finalize_object (again);

  /* Clearing is saved the same way. */
  fd_drafts_clear (drafts, 13);
  g_assert_null (fd_drafts_get (drafts, 13));
  check.needle = "Köln";
  check.present = FALSE;
  g_assert_true (fd_test_wait_until (file_matches, &check, 5000));

  /* Setting "" clears too. */
  g_assert_true (fd_drafts_set (drafts, 14, "", &error));
  g_assert_null (fd_drafts_get (drafts, 14));
  g_assert_true (fd_drafts_set (drafts, 14, "To be dropped", &error));
  g_assert_true (fd_drafts_set (drafts, 15, "Also dropped", &error));

  /* Only the open conversations keep their drafts. */
  fd_drafts_retain (drafts, open_ids, G_N_ELEMENTS (open_ids));
  g_assert_cmpuint (fd_drafts_get_n_drafts (drafts), ==, 1);
  g_assert_nonnull (fd_drafts_get (drafts, 12));
  g_assert_null (fd_drafts_get (drafts, 14));
  g_assert_null (fd_drafts_get (drafts, 15));

  g_assert_false (fd_drafts_set (drafts, 0, "No conversation", &error));
  g_assert_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fd_drafts_set (drafts, 16, "bad \xfe", &error));
  g_assert_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (fd_drafts_get (drafts, 16));

  /* Disposing writes the pending change without waiting for the delay. */
  g_assert_true (fd_drafts_set (drafts, 12, "Dear Ann, your parcel shipped", &error));
  g_assert_finalize_object (drafts);
  again = fd_drafts_new (dir, NULL, NULL);
  g_assert_cmpuint (fd_drafts_get_n_drafts (again), ==, 1);
  g_assert_cmpstr (fd_drafts_get (again, 12), ==, "Dear Ann, your parcel shipped");

  /* Retaining nothing drops everything; an explicit save writes at once. */
  fd_drafts_retain (again, NULL, 0);
  g_assert_cmpuint (fd_drafts_get_n_drafts (again), ==, 0);
  g_assert_true (fd_drafts_save (again, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (again);
  again = fd_drafts_new (dir, NULL, NULL);
  g_assert_cmpuint (fd_drafts_get_n_drafts (again), ==, 0);
  g_assert_finalize_object (again);
  fd_test_rm_rf (dir);
}

static void
test_drafts_corrupt (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "drafts.json", NULL);
  g_autofree char *bad = g_strconcat (path, ".bad", NULL);
  g_autoptr(GError) error = NULL;
  FdDrafts *drafts;
  guint before = caught_warnings;

  g_assert_true (g_file_set_contents (path,
                                      "{\"version\": 1, \"drafts\": [{\"conversation\": \"12\", \"text\": \"x\"}]}",
                                      -1, &error));
  drafts = fd_drafts_new (dir, NULL, NULL);
  g_assert_cmpuint (fd_drafts_get_n_drafts (drafts), ==, 0);
  g_assert_cmpuint (caught_warnings, ==, before + 1);
  g_assert_true (g_file_test (bad, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_finalize_object (drafts);
  fd_test_rm_rf (dir);
}

/* Opened attachments: older than the age go, newer ones stay, folders
 * stay, 0 removes every file, a missing folder is empty. */
static void
write_aged (const char *dir,
            const char *name,
            gint64      age_seconds)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  struct utimbuf times;

  g_assert_true (g_file_set_contents (path, "customer's file", -1, &error));
  g_assert_no_error (error);
  times.actime = times.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - age_seconds);
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

static gboolean
exists_in (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_attachment_cache_clean (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *sub = g_build_filename (dir, "folder", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "frontdesk", "attachments", NULL);
  g_autofree char *default_dir = fd_attachment_cache_dir ();

  g_assert_cmpstr (default_dir, ==, expected);
  write_aged (dir, "old.pdf", 2 * 24 * 3600);
  write_aged (dir, "yesterday.txt", 24 * 3600 + 120);
  write_aged (dir, "new.txt", 60);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);

  g_assert_cmpuint (fd_attachment_cache_clean (dir, FD_ATTACHMENT_CACHE_MAX_AGE), ==, 2);
  g_assert_false (exists_in (dir, "old.pdf"));
  g_assert_false (exists_in (dir, "yesterday.txt"));
  g_assert_true (exists_in (dir, "new.txt"));
  g_assert_true (exists_in (dir, "folder"));

  g_assert_cmpuint (fd_attachment_cache_clean (dir, 0), ==, 1);
  g_assert_false (exists_in (dir, "new.txt"));
  g_assert_true (exists_in (dir, "folder"));
  g_assert_cmpuint (fd_attachment_cache_clean (missing, 0), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (catching_writer, NULL, NULL);

  g_test_add_func ("/caches/reply-cache/keeps-latest", test_reply_cache_keeps_latest);
  g_test_add_func ("/caches/reply-cache/add-rules", test_reply_cache_add_rules);
  g_test_add_func ("/caches/reply-cache/corrupt", test_reply_cache_corrupt);
  g_test_add_func ("/caches/reply-cache/corrupt-blocked", test_reply_cache_corrupt_blocked);
  g_test_add_func ("/caches/paths", test_cache_paths);
  g_test_add_func ("/caches/recent-files/keeps-latest", test_recent_files);
  g_test_add_func ("/caches/recent-files/corrupt", test_recent_files_corrupt);
  g_test_add_func ("/caches/drafts/persist", test_drafts);
  g_test_add_func ("/caches/drafts/corrupt", test_drafts_corrupt);
  g_test_add_func ("/caches/attachments/clean", test_attachment_cache_clean);
  return g_test_run ();
}
