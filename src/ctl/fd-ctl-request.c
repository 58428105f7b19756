#define G_LOG_DOMAIN "fd-ctl"

/* Sending requests to the admin API, the messages frontdeskctl writes on
 * stderr, and naming things: ids, names and emails on the command line. */

#include "fd-config.h"
#include "fd-ctl-private.h"

int
fd_ctl_usage_error (const char *format,
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

int
fd_ctl_failed (const GError *error)
{
  g_printerr ("frontdeskctl: %s\n", error->message);
  return FD_CTL_EXIT_FAILED;
}

/* The last value of --@name, or NULL. */
const char *
fd_ctl_opt (FdCtl      *ctl,
            const char *name)
{
  GPtrArray *values = g_hash_table_lookup (ctl->options, name);

  return values != NULL && values->len > 0 ? g_ptr_array_index (values, values->len - 1) : NULL;
}

/* Every value of a repeated --@name, or NULL. */
GPtrArray *
fd_ctl_opt_all (FdCtl      *ctl,
                const char *name)
{
  return g_hash_table_lookup (ctl->options, name);
}

gboolean
fd_ctl_parse_id (const char *text,
                 gint64     *out)
{
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *out = (gint64) value;
  return TRUE;
}

/* Sends one request; the path is printf-style below /api/admin/v1. */
JsonNode *
fd_ctl_request (FdCtl       *ctl,
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

/* "a, b and c": the @n_words @words, each after @prefix. */
char *
fd_ctl_join_words (const char * const *words,
                   guint               n_words,
                   const char         *prefix,
                   const char         *last_joiner)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < n_words; i++)
    {
      if (i > 0)
        g_string_append (text, i + 1 == n_words ? last_joiner : ", ");
      g_string_append_printf (text, "%s%s", prefix, words[i]);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

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
resolve_ref (FdCtl       *ctl,
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

  if (fd_ctl_parse_id (ref, out))
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

/* @ref names one @entity by its id, or by its ref_member (a queue's or a
 * stream's name, an agent's email, an organization's name). */
gboolean
fd_ctl_resolve (FdCtl         *ctl,
                FdCtlEntityId  entity,
                const char    *ref,
                gint64        *out,
                GError       **error)
{
  const FdCtlEntity *klass = &fd_ctl_entities[entity];
  g_autofree char *path = fd_ctl_entity_path (ctl, klass, 0);

  g_assert (klass->ref_member != NULL);
  return resolve_ref (ctl, klass->what, path, klass->ref_member, ref, out, error);
}

/* --org takes an id or an organization's exact name. */
int
fd_ctl_require_org (FdCtl *ctl)
{
  g_autoptr(GError) error = NULL;
  const char *ref = fd_ctl_opt (ctl, "org");

  if (ref == NULL)
    ref = g_getenv ("FRONTDESK_ORG");
  if (ref == NULL)
    return fd_ctl_usage_error ("this command needs --org ID (or FRONTDESK_ORG) to name the organization");

  if (fd_ctl_parse_id (ref, &ctl->org_id))
    return FD_CTL_EXIT_OK;
  if (!fd_ctl_resolve (ctl, FD_CTL_ENTITY_ORGANIZATION, ref, &ctl->org_id, &error))
    return fd_ctl_failed (error);
  return FD_CTL_EXIT_OK;
}
