#define G_LOG_DOMAIN "fd-test"

#include <stdlib.h>
#include <string.h>
#include <libsoup/soup.h>

#include "fd-test-stand-in.h"

struct _FdTestStandIn {
  GSubprocess *process;
  char        *name;      /* the script's file name, for failures */
  char        *url;
  SoupSession *session;
};

FdTestStandIn *
fd_test_stand_in_new (const char *script,
                      ...)
{
  FdTestStandIn *self = g_new0 (FdTestStandIn, 1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *arg;
  va_list args;

  g_assert_nonnull (script);
  g_ptr_array_add (argv, (gpointer) "/usr/bin/python3");
  g_ptr_array_add (argv, (gpointer) script);
  va_start (args, script);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* Its stdin is a pipe: a stand-in that reads it exits when the test
   * dies, and leaves no process holding the harness's output open. */
  self->name = g_path_get_basename (script);
  self->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                     G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_cmpint (atoi (line), >, 0);
  self->url = g_strdup_printf ("http://127.0.0.1:%s", line);
  self->session = soup_session_new_with_options ("timeout", 30, NULL);
  return self;
}

void
fd_test_stand_in_free (FdTestStandIn *self)
{
  if (self == NULL)
    return;
  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
  g_object_unref (self->process);
  g_object_unref (self->session);
  g_free (self->name);
  g_free (self->url);
  g_free (self);
}

const char *
fd_test_stand_in_get_url (FdTestStandIn *self)
{
  return self->url;
}

JsonObject *
fd_test_stand_in_call (FdTestStandIn *self,
                       const char    *method,
                       const char    *path,
                       const char    *body)
{
  g_autofree char *url = g_strconcat (self->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (self->session, msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    g_error ("%s: %s %s: HTTP %u: %.*s", self->name, method, path, soup_message_get_status (msg),
             (int) g_bytes_get_size (answer), (const char *) g_bytes_get_data (answer, NULL));
  json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (root != NULL && JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}
