#define G_LOG_DOMAIN "fd-fuzz"

/* Runs every file of the seed corpus through the fuzz target with the normal
 * compiler, so that the corpus is checked on every build, sanitizers
 * included. TAP: one test per file. */

#include <glib.h>
#include <glib/gstdio.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void
test_corpus_file (gconstpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const guint8 *) contents, len), ==, 0);
}

int
main (int argc, char **argv)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *corpus, *name;

  g_test_init (&argc, &argv, NULL);

  corpus = g_getenv ("FD_FUZZ_CORPUS");
  if (corpus == NULL)
    corpus = argc > 1 ? argv[1] : "corpus";
  dir = g_dir_open (corpus, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (paths, g_build_filename (corpus, name, NULL));
  g_ptr_array_sort (paths, compare_paths);
  /* An empty corpus would make this test pass without checking anything. */
  g_assert_cmpuint (paths->len, >=, 4);

  for (guint i = 0; i < paths->len; i++)
    {
      g_autofree char *base = g_path_get_basename (paths->pdata[i]);
      g_autofree char *test_path = g_strdup_printf ("/fuzz/corpus/%s", base);

      g_test_add_data_func (test_path, paths->pdata[i], test_corpus_file);
    }
  return g_test_run ();
}
