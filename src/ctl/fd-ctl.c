#define G_LOG_DOMAIN "fd-ctl"

#include "fd-config.h"
#include "fd-ctl.h"
#include "fd-admin-client.h"
#include "fd-types.h"

#include <gio/gunixinputstream.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define DEFAULT_SERVER_URL "http://127.0.0.1:8080"
#define TOKEN_FILE_SUFFIX ".admin-token"

/* One parsed command line. Options are "--name value" or "--name=value";
 * every option but the flags below takes a value and may repeat. */
typedef struct {
  FdAdminClient *client;
  gboolean       json;
  GHashTable    *options;     /* name → GPtrArray of char* values */
  GPtrArray     *args;        /* positional arguments after noun and verb */
  gint64         org_id;
} Ctl;

typedef int (*CtlHandler) (Ctl *ctl);

typedef struct {
  const char *noun;
  const char *verb;
  CtlHandler  handler;
  const char *options;        /* space-separated option names this verb takes */
  guint       min_args;
  guint       max_args;
  const char *usage;
} CtlCommand;

static const char * const flag_options[] = { "json", "help", "version", NULL };
static const char * const global_options[] = { "server", "token-file", "db", "json", "help", "version", NULL };

static void
ctl_clear (Ctl *ctl)
{
  g_clear_object (&ctl->client);
  g_clear_pointer (&ctl->options, g_hash_table_unref);
  g_clear_pointer (&ctl->args, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ctl, ctl_clear)

/* g_set_str() is GLib 2.76; this is its 2.74 equivalent. */
static void
set_str (char       **target,
         const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*target);
  *target = copy;
}

static int
usage_error (const char *format,
             ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_printerr ("frontdeskctl: %s\n", message);
  g_printerr ("Run “frontdeskctl --help” to see the commands.\n");
  return FD_CTL_EXIT_USAGE;
}

static int
failed (const GError *error)
{
  g_printerr ("frontdeskctl: %s\n", error->message);
  return FD_CTL_EXIT_FAILED;
}

static const char *
opt (Ctl        *ctl,
     const char *name)
{
  GPtrArray *values = g_hash_table_lookup (ctl->options, name);

  return values != NULL && values->len > 0 ? g_ptr_array_index (values, values->len - 1) : NULL;
}

static GPtrArray *
opt_all (Ctl        *ctl,
         const char *name)
{
  return g_hash_table_lookup (ctl->options, name);
}

static gboolean
parse_id (const char *text,
          gint64     *out)
{
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *out = (gint64) value;
  return TRUE;
}

static gboolean
parse_seconds (const char *text,
               gint       *out)
{
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT32, &value, NULL))
    return FALSE;
  *out = (gint) value;
  return TRUE;
}

/* Sends one request; the path is printf-style below /api/admin/v1. */
static JsonNode *
request (Ctl         *ctl,
         const char  *method,
         JsonNode    *body,
         GError     **error,
         const char  *path_format,
         ...) G_GNUC_PRINTF (5, 6);

static JsonNode *
request (Ctl         *ctl,
         const char  *method,
         JsonNode    *body,
         GError     **error,
         const char  *path_format,
         ...)
{
  g_autofree char *path = NULL;
  va_list ap;

  va_start (ap, path_format);
  path = g_strdup_vprintf (path_format, ap);
  va_end (ap);
  return fd_admin_client_request (ctl->client, method, path, body, error);
}

static void
print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

/* Table output -------------------------------------------------------- */

typedef struct {
  const char *header;
  const char *member;
} Column;

static char *
cell_text (JsonObject *obj,
           const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("-");

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) s = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (i > 0)
            g_string_append (s, ",");
          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_string_append (s, json_node_get_string (item));
          else if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_INT64)
            g_string_append_printf (s, "%" G_GINT64_FORMAT, json_node_get_int (item));
          else
            g_string_append (s, "…");
        }
      return s->len > 0 ? g_string_free (g_steal_pointer (&s), FALSE) : g_strdup ("-");
    }

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? "yes" : "no");
      if (type == G_TYPE_DOUBLE)
        return g_strdup_printf ("%g", json_node_get_double (node));
    }

  return g_strdup ("…");
}

/* Prints @node (an array of objects, or one object) as an aligned table, or
 * as JSON with --json. */
static void
print_table (Ctl          *ctl,
             JsonNode     *node,
             const Column *columns,
             guint         n_columns)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree gsize *widths = g_new0 (gsize, n_columns);
  g_autoptr(JsonArray) one = NULL;
  JsonArray *array;

  if (ctl->json)
    {
      print_json (node);
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      one = json_array_new ();
      json_array_add_element (one, json_node_copy (node));
      array = one;
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    array = json_node_get_array (node);
  else
    return;

  for (guint c = 0; c < n_columns; c++)
    widths[c] = g_utf8_strlen (columns[c].header, -1);

  for (guint r = 0; r < json_array_get_length (array); r++)
    {
      JsonNode *item = json_array_get_element (array, r);
      char **cells = g_new0 (char *, n_columns + 1);

      for (guint c = 0; c < n_columns; c++)
        {
          cells[c] = JSON_NODE_HOLDS_OBJECT (item)
            ? cell_text (json_node_get_object (item), columns[c].member)
            : g_strdup ("-");
          widths[c] = MAX (widths[c], (gsize) g_utf8_strlen (cells[c], -1));
        }
      g_ptr_array_add (rows, cells);
    }

  for (gint r = -1; r < (gint) rows->len; r++)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint c = 0; c < n_columns; c++)
        {
          const char *text = r < 0 ? columns[c].header : ((char **) rows->pdata[r])[c];

          g_string_append (line, text);
          if (c + 1 < n_columns)
            for (gsize pad = g_utf8_strlen (text, -1); pad < widths[c] + 2; pad++)
              g_string_append_c (line, ' ');
        }
      g_print ("%s\n", line->str);
    }
}

/* Looking things up by id, name or email -------------------------------- */

static gboolean
member_equals (JsonObject *obj,
                   const char *member,
                   const char *value)
{
  const char *s = json_object_get_string_member_with_default (obj, member, NULL);

  return s != NULL && g_utf8_collate (s, value) == 0;
}

/* Finds the id of the entity in @list_path whose @member is @ref, or takes
 * @ref as the id when it is a number. */
static gboolean
resolve_ref (Ctl         *ctl,
             const char  *what,
             const char  *list_path,
             const char  *member,
             const char  *ref,
             gint64      *out,
             GError     **error)
{
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *folded = NULL;
  JsonArray *array;
  gint64 found = 0;

  if (parse_id (ref, out))
    return TRUE;

  list = fd_admin_client_request (ctl->client, "GET", list_path, NULL, error);
  if (list == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, FD_ADMIN_CLIENT_ERROR, FD_ADMIN_CLIENT_ERROR_BAD_RESPONSE,
                   "The server's list of %ss is not a JSON array.", what);
      return FALSE;
    }

  folded = g_utf8_casefold (ref, -1);
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *obj;
      const char *value;
      g_autofree char *value_folded = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      obj = json_node_get_object (item);
      value = json_object_get_string_member_with_default (obj, member, NULL);
      if (value == NULL)
        continue;
      value_folded = g_utf8_casefold (value, -1);
      if (g_utf8_collate (value_folded, folded) == 0 || member_equals (obj, member, ref))
        {
          if (found != 0)
            {
              g_set_error (error, FD_ADMIN_CLIENT_ERROR, FD_ADMIN_CLIENT_ERROR_INVALID,
                           "More than one %s is called “%s”; name it by its id.", what, ref);
              return FALSE;
            }
          found = json_object_get_int_member_with_default (obj, "id", 0);
        }
    }

  if (found == 0)
    {
      g_set_error (error, FD_ADMIN_CLIENT_ERROR, FD_ADMIN_CLIENT_ERROR_NOT_FOUND,
                   "No %s “%s” in organization %" G_GINT64_FORMAT ".", what, ref, ctl->org_id);
      return FALSE;
    }
  *out = found;
  return TRUE;
}

static gboolean
resolve_agent (Ctl *ctl, const char *ref, gint64 *out, GError **error)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/agents", ctl->org_id);

  return resolve_ref (ctl, "agent", path, "email", ref, out, error);
}

static gboolean
resolve_queue (Ctl *ctl, const char *ref, gint64 *out, GError **error)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues", ctl->org_id);

  return resolve_ref (ctl, "queue", path, "name", ref, out, error);
}

static gboolean
resolve_stream (Ctl *ctl, const char *ref, gint64 *out, GError **error)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", ctl->org_id);

  return resolve_ref (ctl, "media stream", path, "name", ref, out, error);
}

/* --org takes an id or an organization's exact name. */
static int
require_org (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  const char *ref = opt (ctl, "org");

  if (ref == NULL)
    ref = g_getenv ("FRONTDESK_ORG");
  if (ref == NULL)
    return usage_error ("this command needs --org ID (or FRONTDESK_ORG) to name the organization");

  if (parse_id (ref, &ctl->org_id))
    return FD_CTL_EXIT_OK;
  if (!resolve_ref (ctl, "organization", "/organizations", "name", ref, &ctl->org_id, &error))
    return failed (error);
  return FD_CTL_EXIT_OK;
}

/* Reads a password: --password VALUE, or from stdin ("--password -", or no
 * option where one is required), prompting without echo on a terminal. */
static char *
read_password (const char  *prompt_name,
               GError     **error)
{
  char buffer[1024];
  struct termios saved, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  gsize len;

  if (tty)
    {
      g_printerr ("Password for %s: ", prompt_name);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
        }
      else
        tty = FALSE;
    }

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    buffer[0] = '\0';

  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }

  len = strlen (buffer);
  while (len > 0 && (buffer[len - 1] == '\n' || buffer[len - 1] == '\r'))
    buffer[--len] = '\0';

  if (len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "no password given: use --password or write it to standard input");
      return NULL;
    }

  {
    char *password = g_strdup (buffer);

    memset (buffer, 0, sizeof buffer);
    return password;
  }
}

static void
add_password (JsonNode   *body,
              const char *password)
{
  json_object_set_string_member (json_node_get_object (body), "password", password);
}

static gboolean
object_from_answer (JsonNode  *answer,
                    GError   **error)
{
  if (answer != NULL && JSON_NODE_HOLDS_OBJECT (answer))
    return TRUE;
  g_set_error_literal (error, FD_ADMIN_CLIENT_ERROR, FD_ADMIN_CLIENT_ERROR_BAD_RESPONSE,
                       "The server did not answer with a JSON object.");
  return FALSE;
}

/* Organizations ----------------------------------------------------------- */

static const Column org_columns[] = {
  { "ID", "id" }, { "NAME", "name" }, { "RESERVE-ACD", "reserve_acd" },
};

static gboolean
apply_reserve_acd (Ctl             *ctl,
                   FdOrganization  *org,
                   int             *status)
{
  const char *value = opt (ctl, "reserve-acd");

  if (value != NULL && !fd_reserve_acd_from_string (value, &org->reserve_acd))
    {
      *status = usage_error ("--reserve-acd must be keep, unavailable or wrap-up, not “%s”", value);
      return FALSE;
    }
  return TRUE;
}

/* --blocked-extensions "exe,bat" sets the organization's own list,
 * "default,zip" the server's default plus zip, "default" alone the
 * server's default (docs/admin.md, "Attachment policy"). */
static gboolean
apply_blocked_extensions (Ctl             *ctl,
                          FdOrganization  *org,
                          int             *status)
{
  const char *value = opt (ctl, "blocked-extensions");
  g_auto(GStrv) items = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (value == NULL)
    return TRUE;
  items = g_strsplit (value, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    if (*g_strstrip (items[i]) != '\0')
      g_strv_builder_add (builder, items[i]);
  g_clear_pointer (&org->blocked_extensions, g_strfreev);
  org->blocked_extensions = g_strv_builder_end (builder);
  if (org->blocked_extensions[0] == NULL)
    {
      *status = usage_error ("--blocked-extensions needs a list such as “default,zip”, or “default”");
      return FALSE;
    }
  if (org->blocked_extensions[1] == NULL && g_str_equal (org->blocked_extensions[0], "default"))
    g_clear_pointer (&org->blocked_extensions, g_strfreev);
  return TRUE;
}

static int
cmd_org_list (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = request (ctl, "GET", NULL, &error, "/organizations");

  if (answer == NULL)
    return failed (error);
  print_table (ctl, answer, org_columns, G_N_ELEMENTS (org_columns));
  return FD_CTL_EXIT_OK;
}

static int
cmd_org_create (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOrganization) org = fd_organization_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  int status;

  org->name = g_strdup (ctl->args->pdata[0]);
  if (!apply_reserve_acd (ctl, org, &status) || !apply_blocked_extensions (ctl, org, &status))
    return status;
  body = fd_organization_to_json (org);
  answer = request (ctl, "POST", body, &error, "/organizations");
  if (answer == NULL)
    return failed (error);
  print_table (ctl, answer, org_columns, G_N_ELEMENTS (org_columns));
  return FD_CTL_EXIT_OK;
}

static int
cmd_org_update (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOrganization) org = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  gint64 id;
  int status;

  if (!parse_id (ctl->args->pdata[0], &id))
    return usage_error ("“%s” is not an organization id", (char *) ctl->args->pdata[0]);

  current = request (ctl, "GET", NULL, &error, "/organizations/%" G_GINT64_FORMAT, id);
  if (current == NULL || !object_from_answer (current, &error) ||
      (org = fd_organization_from_json (current, &error)) == NULL)
    return failed (error);

  if (opt (ctl, "name") != NULL)
    set_str (&org->name, opt (ctl, "name"));
  if (!apply_reserve_acd (ctl, org, &status) || !apply_blocked_extensions (ctl, org, &status))
    return status;

  body = fd_organization_to_json (org);
  /* Absent members keep their value on the server: null resets. */
  if (org->blocked_extensions == NULL)
    json_object_set_null_member (json_node_get_object (body), "blocked_extensions");
  answer = request (ctl, "PUT", body, &error, "/organizations/%" G_GINT64_FORMAT, id);
  if (answer == NULL)
    return failed (error);
  print_table (ctl, answer, org_columns, G_N_ELEMENTS (org_columns));
  return FD_CTL_EXIT_OK;
}

static int
delete_path (Ctl        *ctl,
             const char *what,
             const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = fd_admin_client_request (ctl->client, "DELETE", path, NULL, &error);

  if (answer == NULL)
    return failed (error);
  if (!ctl->json)
    g_print ("Deleted %s.\n", what);
  else
    g_print ("{}\n");
  return FD_CTL_EXIT_OK;
}

static int
cmd_org_delete (Ctl *ctl)
{
  g_autofree char *path = NULL;
  g_autofree char *what = NULL;
  gint64 id;

  if (!parse_id (ctl->args->pdata[0], &id))
    return usage_error ("“%s” is not an organization id", (char *) ctl->args->pdata[0]);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT, id);
  what = g_strdup_printf ("organization %" G_GINT64_FORMAT, id);
  return delete_path (ctl, what, path);
}

/* Per-organization entities share list / get / put / delete -------------- */

static int
list_org_entities (Ctl          *ctl,
                   const char   *collection,
                   const Column *columns,
                   guint         n_columns)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  answer = request (ctl, "GET", NULL, &error, "/organizations/%" G_GINT64_FORMAT "/%s",
                    ctl->org_id, collection);
  if (answer == NULL)
    return failed (error);
  print_table (ctl, answer, columns, n_columns);
  return FD_CTL_EXIT_OK;
}

static int
send_org_entity (Ctl          *ctl,
                 const char   *method,
                 const char   *collection,
                 gint64        id,
                 JsonNode     *body,
                 const Column *columns,
                 guint         n_columns)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;

  if (id != 0)
    answer = request (ctl, method, body, &error, "/organizations/%" G_GINT64_FORMAT "/%s/%" G_GINT64_FORMAT,
                      ctl->org_id, collection, id);
  else
    answer = request (ctl, method, body, &error, "/organizations/%" G_GINT64_FORMAT "/%s",
                      ctl->org_id, collection);
  if (answer == NULL)
    return failed (error);
  print_table (ctl, answer, columns, n_columns);
  return FD_CTL_EXIT_OK;
}

static JsonNode *
get_org_entity (Ctl         *ctl,
                const char  *collection,
                gint64       id,
                GError     **error)
{
  g_autoptr(JsonNode) answer = request (ctl, "GET", NULL, error,
                                        "/organizations/%" G_GINT64_FORMAT "/%s/%" G_GINT64_FORMAT,
                                        ctl->org_id, collection, id);

  if (answer == NULL || !object_from_answer (answer, error))
    return NULL;
  return g_steal_pointer (&answer);
}

static int
delete_org_entity (Ctl        *ctl,
                   const char *what,
                   const char *collection,
                   gint64      id)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/%s/%" G_GINT64_FORMAT,
                                           ctl->org_id, collection, id);
  g_autofree char *label = g_strdup_printf ("%s %" G_GINT64_FORMAT, what, id);

  return delete_path (ctl, label, path);
}

/* Agents ------------------------------------------------------------------ */

static const Column agent_columns[] = {
  { "ID", "id" }, { "EMAIL", "email" }, { "NAME", "name" }, { "ROLE", "role" },
  { "STATE", "acd_state" },
};

static gboolean
apply_agent_options (Ctl      *ctl,
                     FdAgent  *agent,
                     int      *status)
{
  const char *role = opt (ctl, "role");

  if (opt (ctl, "email") != NULL)
    set_str (&agent->email, opt (ctl, "email"));
  if (opt (ctl, "name") != NULL)
    set_str (&agent->name, opt (ctl, "name"));
  if (role != NULL && !fd_role_from_string (role, &agent->role))
    {
      *status = usage_error ("--role must be agent, supervisor or admin, not “%s”", role);
      return FALSE;
    }
  return TRUE;
}

static int
cmd_agent_list (Ctl *ctl)
{
  return list_org_entities (ctl, "agents", agent_columns, G_N_ELEMENTS (agent_columns));
}

static int
cmd_agent_create (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdAgent) agent = fd_agent_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *password = NULL;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (opt (ctl, "email") == NULL || opt (ctl, "name") == NULL)
    return usage_error ("agent create needs --email and --name");
  if (!apply_agent_options (ctl, agent, &status))
    return status;

  if (opt (ctl, "password") != NULL && g_strcmp0 (opt (ctl, "password"), "-") != 0)
    password = g_strdup (opt (ctl, "password"));
  else if ((password = read_password (agent->email, &error)) == NULL)
    return usage_error ("%s", error->message);

  body = fd_agent_to_json (agent);
  add_password (body, password);
  return send_org_entity (ctl, "POST", "agents", 0, body, agent_columns, G_N_ELEMENTS (agent_columns));
}

static int
cmd_agent_update (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdAgent) agent = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(JsonNode) body = NULL;
  gint64 id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!resolve_agent (ctl, ctl->args->pdata[0], &id, &error) ||
      (current = get_org_entity (ctl, "agents", id, &error)) == NULL ||
      (agent = fd_agent_from_json (current, &error)) == NULL)
    return failed (error);
  if (!apply_agent_options (ctl, agent, &status))
    return status;

  body = fd_agent_to_json (agent);
  if (opt (ctl, "password") != NULL)
    {
      g_autofree char *password = NULL;

      if (g_strcmp0 (opt (ctl, "password"), "-") != 0)
        password = g_strdup (opt (ctl, "password"));
      else if ((password = read_password (agent->email, &error)) == NULL)
        return usage_error ("%s", error->message);
      add_password (body, password);
    }
  return send_org_entity (ctl, "PUT", "agents", id, body, agent_columns, G_N_ELEMENTS (agent_columns));
}

static int
cmd_agent_delete (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  gint64 id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!resolve_agent (ctl, ctl->args->pdata[0], &id, &error))
    return failed (error);
  return delete_org_entity (ctl, "agent", "agents", id);
}

/* Ends every session of an agent: its tokens are revoked and its open apps
 * are disconnected at once (a stolen laptop, a leaver). */
static int
cmd_agent_sign_out (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  gint64 id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!resolve_agent (ctl, ctl->args->pdata[0], &id, &error))
    return failed (error);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/agents/%" G_GINT64_FORMAT "/sessions",
                          ctl->org_id, id);
  answer = fd_admin_client_request (ctl->client, "DELETE", path, NULL, &error);
  if (answer == NULL)
    return failed (error);
  if (!ctl->json)
    g_print ("Signed agent %" G_GINT64_FORMAT " out everywhere.\n", id);
  else
    g_print ("{}\n");
  return FD_CTL_EXIT_OK;
}

/* Queues ------------------------------------------------------------------ */

static const Column queue_columns[] = {
  { "ID", "id" }, { "NAME", "name" }, { "MEMBERS", "member_ids" },
};

static int
cmd_queue_list (Ctl *ctl)
{
  return list_org_entities (ctl, "queues", queue_columns, G_N_ELEMENTS (queue_columns));
}

static int
cmd_queue_create (Ctl *ctl)
{
  g_autoptr(FdQueue) queue = fd_queue_new ();
  g_autoptr(JsonNode) body = NULL;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  queue->name = g_strdup (ctl->args->pdata[0]);
  body = fd_queue_to_json (queue);
  return send_org_entity (ctl, "POST", "queues", 0, body, queue_columns, G_N_ELEMENTS (queue_columns));
}

static int
cmd_queue_update (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdQueue) queue = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(JsonNode) body = NULL;
  gint64 id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!resolve_queue (ctl, ctl->args->pdata[0], &id, &error) ||
      (current = get_org_entity (ctl, "queues", id, &error)) == NULL ||
      (queue = fd_queue_from_json (current, &error)) == NULL)
    return failed (error);
  if (opt (ctl, "name") != NULL)
    set_str (&queue->name, opt (ctl, "name"));
  body = fd_queue_to_json (queue);
  return send_org_entity (ctl, "PUT", "queues", id, body, queue_columns, G_N_ELEMENTS (queue_columns));
}

static int
cmd_queue_delete (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  gint64 id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!resolve_queue (ctl, ctl->args->pdata[0], &id, &error))
    return failed (error);
  return delete_org_entity (ctl, "queue", "queues", id);
}

static int
queue_membership (Ctl        *ctl,
                  const char *method)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  gint64 queue_id, agent_id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!resolve_queue (ctl, ctl->args->pdata[0], &queue_id, &error) ||
      !resolve_agent (ctl, ctl->args->pdata[1], &agent_id, &error))
    return failed (error);

  answer = request (ctl, method, NULL, &error,
                    "/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                    ctl->org_id, queue_id, agent_id);
  if (answer == NULL)
    return failed (error);
  print_table (ctl, answer, queue_columns, G_N_ELEMENTS (queue_columns));
  return FD_CTL_EXIT_OK;
}

static int
cmd_queue_add_member (Ctl *ctl)
{
  return queue_membership (ctl, "PUT");
}

static int
cmd_queue_remove_member (Ctl *ctl)
{
  return queue_membership (ctl, "DELETE");
}

/* Media streams ----------------------------------------------------------- */

static const Column stream_columns[] = {
  { "ID", "id" }, { "KIND", "kind" }, { "NAME", "name" }, { "QUEUE", "queue_id" },
  { "KEY", "key" }, { "DEPARTMENTS", "departments" }, { "ORIGINS", "allowed_origins" },
};

static char **
strv_from_option (GPtrArray *values)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; values != NULL && i < values->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (values->pdata[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          g_strstrip (parts[j]);
          if (parts[j][0] != '\0')
            g_strv_builder_add (builder, parts[j]);
        }
    }
  return g_strv_builder_end (builder);
}

static gboolean
apply_stream_options (Ctl       *ctl,
                      FdStream  *stream,
                      int       *status)
{
  g_autoptr(GError) error = NULL;
  const char *kind = opt (ctl, "kind");
  const char *settings = opt (ctl, "settings");

  if (kind != NULL && !fd_stream_kind_from_string (kind, &stream->kind))
    {
      *status = usage_error ("--kind must be webchat, callback, email or twitter, not “%s”", kind);
      return FALSE;
    }
  if (opt (ctl, "name") != NULL)
    set_str (&stream->name, opt (ctl, "name"));
  if (opt (ctl, "queue") != NULL &&
      !resolve_queue (ctl, opt (ctl, "queue"), &stream->queue_id, &error))
    {
      *status = failed (error);
      return FALSE;
    }
  if (opt_all (ctl, "department") != NULL)
    {
      g_strfreev (stream->departments);
      stream->departments = strv_from_option (opt_all (ctl, "department"));
    }
  if (opt_all (ctl, "origin") != NULL)
    {
      g_strfreev (stream->allowed_origins);
      stream->allowed_origins = strv_from_option (opt_all (ctl, "origin"));
    }
  if (settings != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (!json_parser_load_from_data (parser, settings, -1, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          *status = usage_error ("--settings must be a JSON object, e.g. '{\"address\":\"help@example.com\"}'");
          return FALSE;
        }
      set_str (&stream->settings_json, settings);
    }
  return TRUE;
}

static int
cmd_stream_list (Ctl *ctl)
{
  return list_org_entities (ctl, "streams", stream_columns, G_N_ELEMENTS (stream_columns));
}

static int
cmd_stream_create (Ctl *ctl)
{
  g_autoptr(FdStream) stream = fd_stream_new ();
  g_autoptr(JsonNode) body = NULL;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (opt (ctl, "kind") == NULL || opt (ctl, "name") == NULL || opt (ctl, "queue") == NULL)
    return usage_error ("stream create needs --kind, --name and --queue");
  if (!apply_stream_options (ctl, stream, &status))
    return status;
  body = fd_stream_to_json (stream);
  return send_org_entity (ctl, "POST", "streams", 0, body, stream_columns, G_N_ELEMENTS (stream_columns));
}

static int
cmd_stream_update (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(JsonNode) body = NULL;
  gint64 id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!resolve_stream (ctl, ctl->args->pdata[0], &id, &error) ||
      (current = get_org_entity (ctl, "streams", id, &error)) == NULL ||
      (stream = fd_stream_from_json (current, &error)) == NULL)
    return failed (error);
  if (!apply_stream_options (ctl, stream, &status))
    return status;
  body = fd_stream_to_json (stream);
  return send_org_entity (ctl, "PUT", "streams", id, body, stream_columns, G_N_ELEMENTS (stream_columns));
}

static int
cmd_stream_delete (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  gint64 id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!resolve_stream (ctl, ctl->args->pdata[0], &id, &error))
    return failed (error);
  return delete_org_entity (ctl, "media stream", "streams", id);
}

/* Embed snippets ---------------------------------------------------------- */

/* The tag a website pastes to show the widget of a Web Chat or Callback
 * stream. @base_url is where visitors' browsers reach frontdeskd. */
static char *
embed_snippet (const char *base_url,
               const char *key)
{
  g_autofree char *base = g_strdup (base_url);
  g_autofree char *src = NULL;
  g_autofree char *src_attr = NULL;
  g_autofree char *key_attr = NULL;
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  src = g_strconcat (base, "/widget.js", NULL);
  src_attr = g_markup_escape_text (src, -1);
  key_attr = g_markup_escape_text (key, -1);
  return g_strdup_printf ("<script src=\"%s\" data-stream=\"%s\" async></script>", src_attr, key_attr);
}

static gboolean
stream_has_widget (JsonObject *stream)
{
  const char *kind = json_object_get_string_member_with_default (stream, "kind", "");

  return g_str_equal (kind, "webchat") || g_str_equal (kind, "callback");
}

/* `stream snippet --org ORG [STREAM] [--public-url URL]`: the embed tag of
 * one stream, or of every Web Chat and Callback stream of the organization. */
static int
cmd_stream_snippet (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonArray) streams = json_array_new ();
  g_autoptr(JsonArray) output = json_array_new ();
  g_autoptr(GUri) uri = NULL;
  const char *base = opt (ctl, "public-url");
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (base == NULL)
    base = fd_admin_client_get_url (ctl->client);
  uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    return usage_error ("--public-url must be an http:// or https:// URL, not “%s”", base);

  if (ctl->args->len == 1)
    {
      gint64 id;

      if (!resolve_stream (ctl, ctl->args->pdata[0], &id, &error) ||
          (answer = get_org_entity (ctl, "streams", id, &error)) == NULL)
        return failed (error);
      if (!stream_has_widget (json_node_get_object (answer)))
        {
          g_printerr ("frontdeskctl: media stream “%s” is not a Web Chat or Callback stream: only those have a widget\n",
                      (const char *) ctl->args->pdata[0]);
          return FD_CTL_EXIT_FAILED;
        }
      json_array_add_element (streams, g_steal_pointer (&answer));
    }
  else
    {
      answer = request (ctl, "GET", NULL, &error, "/organizations/%" G_GINT64_FORMAT "/streams", ctl->org_id);
      if (answer == NULL)
        return failed (error);
      if (!JSON_NODE_HOLDS_ARRAY (answer))
        {
          g_printerr ("frontdeskctl: the server's answer is not a list of media streams\n");
          return FD_CTL_EXIT_FAILED;
        }
      for (guint i = 0; i < json_array_get_length (json_node_get_array (answer)); i++)
        {
          JsonNode *node = json_array_get_element (json_node_get_array (answer), i);

          if (JSON_NODE_HOLDS_OBJECT (node) && stream_has_widget (json_node_get_object (node)) &&
              !json_object_get_boolean_member_with_default (json_node_get_object (node), "deleted", FALSE))
            json_array_add_element (streams, json_node_copy (node));
        }
    }

  for (guint i = 0; i < json_array_get_length (streams); i++)
    {
      JsonObject *stream = json_array_get_object_element (streams, i);
      g_autofree char *snippet = embed_snippet (base, json_object_get_string_member_with_default (stream, "key", ""));

      if (ctl->json)
        {
          g_autoptr(JsonObject) row = json_object_new ();

          json_object_set_int_member (row, "id", json_object_get_int_member_with_default (stream, "id", 0));
          json_object_set_string_member (row, "name", json_object_get_string_member_with_default (stream, "name", ""));
          json_object_set_string_member (row, "kind", json_object_get_string_member_with_default (stream, "kind", ""));
          json_object_set_string_member (row, "key", json_object_get_string_member_with_default (stream, "key", ""));
          json_object_set_string_member (row, "snippet", snippet);
          json_array_add_object_element (output, g_steal_pointer (&row));
        }
      else
        g_print ("%s# %s (%s)\n%s\n", i > 0 ? "\n" : "",
                 json_object_get_string_member_with_default (stream, "name", ""),
                 json_object_get_string_member_with_default (stream, "kind", ""), snippet);
    }
  if (ctl->json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      json_node_set_array (node, output);
      print_json (node);
    }
  return FD_CTL_EXIT_OK;
}

/* Routing phases ---------------------------------------------------------- */

static const Column phase_columns[] = {
  { "POSITION", "position" }, { "STRATEGY", "strategy" }, { "AGENTS", "agent_ids" },
  { "BOUNCE", "bounce_seconds" }, { "DURATION", "duration_seconds" },
};

static int
cmd_phase_list (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  gint64 stream_id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!resolve_stream (ctl, ctl->args->pdata[0], &stream_id, &error))
    return failed (error);
  answer = request (ctl, "GET", NULL, &error,
                    "/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/phases",
                    ctl->org_id, stream_id);
  if (answer == NULL)
    return failed (error);
  print_table (ctl, answer, phase_columns, G_N_ELEMENTS (phase_columns));
  return FD_CTL_EXIT_OK;
}

/* Parses "strategy=ring-all,agents=a@x;b@y,bounce=30,duration=120". */
static FdPhase *
parse_phase (Ctl         *ctl,
             const char  *spec,
             gint         position,
             gboolean    *usage,
             GError     **error)
{
  g_autoptr(FdPhase) phase = fd_phase_new ();
  g_auto(GStrv) pairs = g_strsplit (spec, ",", -1);

  phase->position = position;
  if (phase->agent_ids == NULL)
    phase->agent_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  *usage = TRUE;
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');
      g_autofree char *key = NULL;
      const char *value;

      if (eq == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“%s” in --phase is not KEY=VALUE", pairs[i]);
          return NULL;
        }
      key = g_strndup (pairs[i], eq - pairs[i]);
      value = eq + 1;

      if (g_str_equal (key, "strategy"))
        {
          if (!fd_strategy_from_string (value, &phase->strategy))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "strategy must be ring-all, circular or longest-idle, not “%s”", value);
              return NULL;
            }
        }
      else if (g_str_equal (key, "bounce") || g_str_equal (key, "duration"))
        {
          gint *target = g_str_equal (key, "bounce") ? &phase->bounce_seconds : &phase->duration_seconds;

          if (!parse_seconds (value, target))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "%s must be a number of seconds, not “%s”", key, value);
              return NULL;
            }
        }
      else if (g_str_equal (key, "agents"))
        {
          g_auto(GStrv) refs = g_strsplit (value, ";", -1);

          for (guint j = 0; refs[j] != NULL; j++)
            {
              gint64 id;

              if (refs[j][0] == '\0')
                continue;
              if (!resolve_agent (ctl, refs[j], &id, error))
                {
                  *usage = FALSE;
                  return NULL;
                }
              g_array_append_val (phase->agent_ids, id);
            }
        }
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "unknown --phase key “%s” (strategy, agents, bounce, duration)", key);
          return NULL;
        }
    }

  *usage = FALSE;
  return g_steal_pointer (&phase);
}

static int
cmd_phase_set (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonArray) phases = json_array_new ();
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_ARRAY);
  GPtrArray *specs = opt_all (ctl, "phase");
  gint64 stream_id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!resolve_stream (ctl, ctl->args->pdata[0], &stream_id, &error))
    return failed (error);

  for (guint i = 0; specs != NULL && i < specs->len; i++)
    {
      g_autoptr(FdPhase) phase = NULL;
      gboolean usage = FALSE;

      phase = parse_phase (ctl, specs->pdata[i], (gint) i, &usage, &error);
      if (phase == NULL)
        return usage ? usage_error ("%s", error->message) : failed (error);
      json_array_add_element (phases, fd_phase_to_json (phase));
    }

  json_node_set_array (body, phases);
  answer = request (ctl, "PUT", body, &error,
                    "/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/phases",
                    ctl->org_id, stream_id);
  if (answer == NULL)
    return failed (error);
  print_table (ctl, answer, phase_columns, G_N_ELEMENTS (phase_columns));
  return FD_CTL_EXIT_OK;
}

/* Canned replies and resources ------------------------------------------- */

static const Column canned_columns[] = {
  { "ID", "id" }, { "LEVEL", "level" }, { "OWNER", "owner_id" }, { "NAME", "name" }, { "TEXT", "text" },
};

static const Column resource_columns[] = {
  { "ID", "id" }, { "LEVEL", "level" }, { "OWNER", "owner_id" }, { "NAME", "name" },
  { "URL", "url" }, { "DESCRIPTION", "description" },
};

/* --level organization|queue|stream|agent with --owner naming the queue,
 * stream (id or name) or agent (id or email). */
static gboolean
apply_level (Ctl      *ctl,
             FdLevel  *level,
             gint64   *owner_id,
             int      *status)
{
  g_autoptr(GError) error = NULL;
  const char *text = opt (ctl, "level");
  const char *owner = opt (ctl, "owner");
  gboolean ok = TRUE;

  if (text != NULL && !fd_level_from_string (text, level))
    {
      *status = usage_error ("--level must be organization, queue, stream or agent, not “%s”", text);
      return FALSE;
    }
  if (text == NULL && owner == NULL)
    return TRUE;

  if (*level == FD_LEVEL_ORGANIZATION)
    {
      if (owner != NULL)
        {
          *status = usage_error ("an organization-level entry has no --owner");
          return FALSE;
        }
      *owner_id = 0;
      return TRUE;
    }
  if (owner == NULL)
    {
      *status = usage_error ("--level %s needs --owner naming the %s", fd_level_to_string (*level),
                             fd_level_to_string (*level));
      return FALSE;
    }

  switch (*level)
    {
    case FD_LEVEL_QUEUE:
      ok = resolve_queue (ctl, owner, owner_id, &error);
      break;
    case FD_LEVEL_STREAM:
      ok = resolve_stream (ctl, owner, owner_id, &error);
      break;
    case FD_LEVEL_AGENT:
      ok = resolve_agent (ctl, owner, owner_id, &error);
      break;
    case FD_LEVEL_ORGANIZATION:
    default:
      break;
    }
  if (!ok)
    *status = failed (error);
  return ok;
}

static int
cmd_canned_list (Ctl *ctl)
{
  return list_org_entities (ctl, "canned-replies", canned_columns, G_N_ELEMENTS (canned_columns));
}

static gboolean
apply_canned_options (Ctl           *ctl,
                      FdCannedReply *reply,
                      int           *status)
{
  if (opt (ctl, "name") != NULL)
    set_str (&reply->name, opt (ctl, "name"));
  if (opt (ctl, "text") != NULL)
    set_str (&reply->text, opt (ctl, "text"));
  return apply_level (ctl, &reply->level, &reply->owner_id, status);
}

static int
cmd_canned_create (Ctl *ctl)
{
  g_autoptr(FdCannedReply) reply = fd_canned_reply_new ();
  g_autoptr(JsonNode) body = NULL;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (opt (ctl, "name") == NULL || opt (ctl, "text") == NULL)
    return usage_error ("canned create needs --name and --text (and --level/--owner below the organization)");
  if (!apply_canned_options (ctl, reply, &status))
    return status;
  body = fd_canned_reply_to_json (reply);
  return send_org_entity (ctl, "POST", "canned-replies", 0, body, canned_columns, G_N_ELEMENTS (canned_columns));
}

static int
cmd_canned_update (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdCannedReply) reply = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(JsonNode) body = NULL;
  gint64 id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!parse_id (ctl->args->pdata[0], &id))
    return usage_error ("“%s” is not a canned reply id", (char *) ctl->args->pdata[0]);
  if ((current = get_org_entity (ctl, "canned-replies", id, &error)) == NULL ||
      (reply = fd_canned_reply_from_json (current, &error)) == NULL)
    return failed (error);
  if (!apply_canned_options (ctl, reply, &status))
    return status;
  body = fd_canned_reply_to_json (reply);
  return send_org_entity (ctl, "PUT", "canned-replies", id, body, canned_columns, G_N_ELEMENTS (canned_columns));
}

static int
cmd_canned_delete (Ctl *ctl)
{
  gint64 id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!parse_id (ctl->args->pdata[0], &id))
    return usage_error ("“%s” is not a canned reply id", (char *) ctl->args->pdata[0]);
  return delete_org_entity (ctl, "canned reply", "canned-replies", id);
}

static int
cmd_resource_list (Ctl *ctl)
{
  return list_org_entities (ctl, "resources", resource_columns, G_N_ELEMENTS (resource_columns));
}

static gboolean
apply_resource_options (Ctl        *ctl,
                        FdResource *resource,
                        int        *status)
{
  if (opt (ctl, "name") != NULL)
    set_str (&resource->name, opt (ctl, "name"));
  if (opt (ctl, "url") != NULL)
    set_str (&resource->url, opt (ctl, "url"));
  if (opt (ctl, "description") != NULL)
    set_str (&resource->description, opt (ctl, "description"));
  return apply_level (ctl, &resource->level, &resource->owner_id, status);
}

static int
cmd_resource_create (Ctl *ctl)
{
  g_autoptr(FdResource) resource = fd_resource_new ();
  g_autoptr(JsonNode) body = NULL;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (opt (ctl, "name") == NULL || opt (ctl, "url") == NULL)
    return usage_error ("resource create needs --name and --url (and --level/--owner below the organization)");
  if (!apply_resource_options (ctl, resource, &status))
    return status;
  body = fd_resource_to_json (resource);
  return send_org_entity (ctl, "POST", "resources", 0, body, resource_columns, G_N_ELEMENTS (resource_columns));
}

static int
cmd_resource_update (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdResource) resource = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(JsonNode) body = NULL;
  gint64 id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!parse_id (ctl->args->pdata[0], &id))
    return usage_error ("“%s” is not a resource id", (char *) ctl->args->pdata[0]);
  if ((current = get_org_entity (ctl, "resources", id, &error)) == NULL ||
      (resource = fd_resource_from_json (current, &error)) == NULL)
    return failed (error);
  if (!apply_resource_options (ctl, resource, &status))
    return status;
  body = fd_resource_to_json (resource);
  return send_org_entity (ctl, "PUT", "resources", id, body, resource_columns, G_N_ELEMENTS (resource_columns));
}

static int
cmd_resource_delete (Ctl *ctl)
{
  gint64 id;
  int status = require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!parse_id (ctl->args->pdata[0], &id))
    return usage_error ("“%s” is not a resource id", (char *) ctl->args->pdata[0]);
  return delete_org_entity (ctl, "resource", "resources", id);
}

/* Site export / import ---------------------------------------------------- */

static int
cmd_site_export (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;

  const char *ref = ctl->args->pdata[0];

  if (!parse_id (ref, &ctl->org_id) &&
      !resolve_ref (ctl, "organization", "/organizations", "name", ref, &ctl->org_id, &error))
    return failed (error);

  answer = request (ctl, "GET", NULL, &error, "/organizations/%" G_GINT64_FORMAT "/site", ctl->org_id);
  if (answer == NULL)
    return failed (error);
  print_json (answer);
  return FD_CTL_EXIT_OK;
}

static int
cmd_site_import (Ctl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) answer = NULL;
  const char *file = ctl->args->pdata[0];
  gboolean ok;

  if (g_str_equal (file, "-"))
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);

      ok = json_parser_load_from_stream (parser, in, NULL, &error);
    }
  else
    ok = json_parser_load_from_file (parser, file, &error);

  if (!ok)
    return usage_error ("cannot read the site file “%s”: %s", file, error->message);
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return usage_error ("the site file “%s” is not a JSON object", file);

  if (opt (ctl, "org") != NULL)
    {
      int status = require_org (ctl);

      if (status != FD_CTL_EXIT_OK)
        return status;
      answer = request (ctl, "PUT", json_parser_get_root (parser), &error,
                        "/organizations/%" G_GINT64_FORMAT "/site", ctl->org_id);
    }
  else
    answer = request (ctl, "POST", json_parser_get_root (parser), &error, "/sites");
  if (answer == NULL)
    return failed (error);

  if (ctl->json)
    print_json (answer);
  else if (JSON_NODE_HOLDS_OBJECT (answer))
    {
      JsonObject *org = json_node_get_object (answer);

      g_print ("Imported “%s” as organization %" G_GINT64_FORMAT ".\n",
               json_object_get_string_member_with_default (org, "name", ""),
               json_object_get_int_member_with_default (org, "id", 0));
    }
  return FD_CTL_EXIT_OK;
}

/* The command table ------------------------------------------------------- */

static const CtlCommand commands[] = {
  { "org", "list", cmd_org_list, "", 0, 0, "org list" },
  { "org", "create", cmd_org_create, "reserve-acd blocked-extensions", 1, 1,
    "org create NAME [--reserve-acd keep|unavailable|wrap-up] [--blocked-extensions default,EXT,…]" },
  { "org", "update", cmd_org_update, "name reserve-acd blocked-extensions", 1, 1,
    "org update ID [--name NAME] [--reserve-acd …] [--blocked-extensions default|EXT,…]" },
  { "org", "delete", cmd_org_delete, "", 1, 1, "org delete ID" },
  { "agent", "list", cmd_agent_list, "org", 0, 0, "agent list --org ORG" },
  { "agent", "create", cmd_agent_create, "org email name role password", 0, 0,
    "agent create --org ORG --email EMAIL --name NAME [--role agent|supervisor|admin] [--password P|-]" },
  { "agent", "update", cmd_agent_update, "org email name role password", 1, 1,
    "agent update --org ORG AGENT [--email E] [--name N] [--role R] [--password P|-]" },
  { "agent", "delete", cmd_agent_delete, "org", 1, 1, "agent delete --org ORG AGENT" },
  { "agent", "sign-out", cmd_agent_sign_out, "org", 1, 1, "agent sign-out --org ORG AGENT" },
  { "queue", "list", cmd_queue_list, "org", 0, 0, "queue list --org ORG" },
  { "queue", "create", cmd_queue_create, "org", 1, 1, "queue create --org ORG NAME" },
  { "queue", "update", cmd_queue_update, "org name", 1, 1, "queue update --org ORG QUEUE --name NAME" },
  { "queue", "delete", cmd_queue_delete, "org", 1, 1, "queue delete --org ORG QUEUE" },
  { "queue", "add-member", cmd_queue_add_member, "org", 2, 2, "queue add-member --org ORG QUEUE AGENT" },
  { "queue", "remove-member", cmd_queue_remove_member, "org", 2, 2, "queue remove-member --org ORG QUEUE AGENT" },
  { "stream", "list", cmd_stream_list, "org", 0, 0, "stream list --org ORG" },
  { "stream", "create", cmd_stream_create, "org kind name queue department origin settings", 0, 0,
    "stream create --org ORG --kind webchat|callback|email|twitter --name NAME --queue QUEUE [--department D]… [--origin URL]… [--settings JSON]" },
  { "stream", "update", cmd_stream_update, "org kind name queue department origin settings", 1, 1,
    "stream update --org ORG STREAM [--name N] [--queue Q] [--department D]… [--origin URL]… [--settings JSON]" },
  { "stream", "delete", cmd_stream_delete, "org", 1, 1, "stream delete --org ORG STREAM" },
  { "stream", "snippet", cmd_stream_snippet, "org public-url", 0, 1,
    "stream snippet --org ORG [STREAM] [--public-url URL]   (the widget's embed tag)" },
  { "phase", "list", cmd_phase_list, "org", 1, 1, "phase list --org ORG STREAM" },
  { "phase", "set", cmd_phase_set, "org phase", 1, 1,
    "phase set --org ORG STREAM [--phase strategy=ring-all,agents=a@x;b@y,bounce=30,duration=120]…" },
  { "canned", "list", cmd_canned_list, "org", 0, 0, "canned list --org ORG" },
  { "canned", "create", cmd_canned_create, "org level owner name text", 0, 0,
    "canned create --org ORG [--level L --owner OWNER] --name NAME --text TEXT" },
  { "canned", "update", cmd_canned_update, "org level owner name text", 1, 1,
    "canned update --org ORG ID [--level L --owner OWNER] [--name NAME] [--text TEXT]" },
  { "canned", "delete", cmd_canned_delete, "org", 1, 1, "canned delete --org ORG ID" },
  { "resource", "list", cmd_resource_list, "org", 0, 0, "resource list --org ORG" },
  { "resource", "create", cmd_resource_create, "org level owner name url description", 0, 0,
    "resource create --org ORG [--level L --owner OWNER] --name NAME --url URL [--description TEXT]" },
  { "resource", "update", cmd_resource_update, "org level owner name url description", 1, 1,
    "resource update --org ORG ID [--level L --owner OWNER] [--name N] [--url URL] [--description TEXT]" },
  { "resource", "delete", cmd_resource_delete, "org", 1, 1, "resource delete --org ORG ID" },
  { "site", "export", cmd_site_export, "", 1, 1, "site export ORG > FILE" },
  { "site", "import", cmd_site_import, "org", 1, 1, "site import FILE|- [--org ORG]" },
};

static void
print_help (void)
{
  g_print ("Usage: frontdeskctl [--server URL] [--token-file FILE | --db PATH] [--json] NOUN VERB [ARGS]\n"
           "\n"
           "The admin command line of Frontdesk (see docs/admin.md).\n"
           "\n"
           "  --server URL       the frontdeskd to talk to (default $FRONTDESK_SERVER or " DEFAULT_SERVER_URL ")\n"
           "  --token-file FILE  read the admin token from FILE (default $FRONTDESK_ADMIN_TOKEN)\n"
           "  --db PATH          read the token from PATH" TOKEN_FILE_SUFFIX ", the file frontdeskd writes\n"
           "  --json             print JSON instead of tables\n"
           "\n"
           "Commands (ORG, QUEUE, STREAM: an id or a name; AGENT: an id or an email):\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %s\n", commands[i].usage);
  g_print ("\nExit status: 0 done, 1 the server refused or could not be reached, 2 usage error.\n");
}

static gboolean
strv_has (const char * const *strv,
          const char         *name)
{
  return g_strv_contains (strv, name);
}

static gboolean
option_allowed (const CtlCommand *command,
                const char       *name)
{
  g_auto(GStrv) names = NULL;

  if (strv_has (global_options, name))
    return TRUE;
  names = g_strsplit (command->options, " ", -1);
  return g_strv_contains ((const char * const *) names, name);
}

/* Reads the admin token: --token-file, then $FRONTDESK_ADMIN_TOKEN, then the
 * file frontdeskd writes beside --db PATH. */
static char *
load_token (Ctl     *ctl,
            int     *status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  if (opt (ctl, "token-file") != NULL)
    path = g_strdup (opt (ctl, "token-file"));
  else if (g_getenv ("FRONTDESK_ADMIN_TOKEN") != NULL && *g_getenv ("FRONTDESK_ADMIN_TOKEN") != '\0')
    return g_strdup (g_getenv ("FRONTDESK_ADMIN_TOKEN"));
  else if (opt (ctl, "db") != NULL)
    path = g_strconcat (opt (ctl, "db"), TOKEN_FILE_SUFFIX, NULL);
  else
    {
      *status = usage_error ("no admin token: give --token-file FILE, --db PATH or set FRONTDESK_ADMIN_TOKEN");
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, NULL, &error))
    {
      *status = usage_error ("cannot read the admin token file: %s", error->message);
      return NULL;
    }
  g_strstrip (contents);
  if (contents[0] == '\0')
    {
      *status = usage_error ("the admin token file “%s” is empty", path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

int
fd_ctl_run (int    argc,
            char **argv)
{
  g_auto(Ctl) ctl_storage = { 0 };
  Ctl *ctl = &ctl_storage;
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  g_autofree char *token = NULL;
  const CtlCommand *command = NULL;
  const char *server;
  int status = FD_CTL_EXIT_OK;
  gboolean noun_known = FALSE;

  g_return_val_if_fail (argc >= 0, FD_CTL_EXIT_USAGE);

  ctl->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  ctl->args = g_ptr_array_new ();

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      g_autofree char *name = NULL;
      const char *value = NULL;
      GPtrArray *values;

      if (!g_str_has_prefix (arg, "--") || g_str_equal (arg, "--"))
        {
          g_ptr_array_add (words, (gpointer) arg);
          continue;
        }

      if (strchr (arg, '=') != NULL)
        {
          name = g_strndup (arg + 2, strchr (arg, '=') - (arg + 2));
          value = strchr (arg, '=') + 1;
        }
      else
        name = g_strdup (arg + 2);

      if (strv_has (flag_options, name))
        {
          if (value != NULL)
            return usage_error ("--%s takes no value", name);
          value = "";
        }
      else if (value == NULL)
        {
          if (i + 1 >= argc)
            return usage_error ("--%s needs a value", name);
          value = argv[++i];
        }

      values = g_hash_table_lookup (ctl->options, name);
      if (values == NULL)
        {
          values = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (ctl->options, g_strdup (name), values);
        }
      g_ptr_array_add (values, g_strdup (value));
    }

  if (opt (ctl, "help") != NULL)
    {
      print_help ();
      return FD_CTL_EXIT_OK;
    }
  if (opt (ctl, "version") != NULL)
    {
      g_print ("frontdeskctl %s\n", PACKAGE_VERSION);
      return FD_CTL_EXIT_OK;
    }
  ctl->json = opt (ctl, "json") != NULL;

  if (words->len < 2)
    return usage_error ("give a noun and a verb, e.g. “frontdeskctl org list”");

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (!g_str_equal (commands[i].noun, words->pdata[0]))
        continue;
      noun_known = TRUE;
      if (g_str_equal (commands[i].verb, words->pdata[1]))
        command = &commands[i];
    }
  if (!noun_known)
    return usage_error ("unknown noun “%s” (org, agent, queue, stream, phase, canned, resource, site)",
                        (char *) words->pdata[0]);
  if (command == NULL)
    return usage_error ("“%s” is not a verb of “%s”", (char *) words->pdata[1], (char *) words->pdata[0]);

  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, ctl->options);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (!option_allowed (command, key))
        return usage_error ("%s %s does not take --%s; usage: frontdeskctl %s",
                            command->noun, command->verb, (char *) key, command->usage);
  }

  for (guint i = 2; i < words->len; i++)
    g_ptr_array_add (ctl->args, words->pdata[i]);
  if (ctl->args->len < command->min_args || ctl->args->len > command->max_args)
    return usage_error ("wrong number of arguments; usage: frontdeskctl %s", command->usage);

  token = load_token (ctl, &status);
  if (token == NULL)
    return status;

  server = opt (ctl, "server");
  if (server == NULL)
    server = g_getenv ("FRONTDESK_SERVER");
  if (server == NULL || *server == '\0')
    server = DEFAULT_SERVER_URL;
  if (!g_str_has_prefix (server, "http://") && !g_str_has_prefix (server, "https://"))
    return usage_error ("--server must be an http:// or https:// URL, not “%s”", server);

  ctl->client = fd_admin_client_new (server, token);
  memset (token, 0, strlen (token));
  return command->handler (ctl);
}
