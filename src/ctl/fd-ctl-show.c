#define G_LOG_DOMAIN "fd-ctl"

/* `stream show`: one media stream with its settings one per line
 * (docs/admin.md, "Twitter streams"). The admin API never answers a
 * stream's secrets; members that look like one are left out all the same. */

#include "fd-ctl-private.h"

#include <string.h>

/* The members a stream's secrets go by (write-only; never in settings). */
static gboolean
is_secret_name (const char *name)
{
  return g_str_equal (name, "password") || g_str_has_prefix (name, "oauth_client_secret") ||
         g_str_equal (name, "oauth_tokens") || g_str_equal (name, "access_token") ||
         g_str_equal (name, "refresh_token");
}

static char *
value_text (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return json_to_string (node, FALSE);
}

/* `stream show --org ORG STREAM`. */
int
fd_ctl_stream_show (FdCtl *ctl)
{
  static const struct { const char *label; const char *member; } rows[] = {
    { "ID", "id" }, { "Name", "name" }, { "Kind", "kind" }, { "Queue", "queue_id" }, { "Key", "key" },
    { "Health", "health" }, { "Reason", "health_reason" }, { "X calls today", "calls_today" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GList) members = NULL;
  JsonObject *obj;
  JsonObject *settings = NULL;
  const char *settings_json;
  gint64 id;
  int status = fd_ctl_require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!fd_ctl_resolve (ctl, FD_CTL_ENTITY_STREAM, ctl->args->pdata[0], &id, &error))
    return fd_ctl_failed (error);
  answer = fd_ctl_request (ctl, "GET", NULL, &error, "/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                           ctl->org_id, id);
  if (answer == NULL)
    return fd_ctl_failed (error);
  if (!JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_printerr ("frontdeskctl: the server's answer is not a media stream\n");
      return FD_CTL_EXIT_FAILED;
    }
  obj = json_node_get_object (answer);
  settings_json = json_object_get_string_member_with_default (obj, "settings_json", NULL);
  if (settings_json != NULL && json_parser_load_from_data (parser, settings_json, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    settings = json_node_get_object (json_parser_get_root (parser));
  if (settings != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (settings);

      for (GList *l = names; l != NULL; l = l->next)
        if (is_secret_name (l->data))
          json_object_remove_member (settings, l->data);
    }

  if (ctl->json)
    {
      g_autofree char *text = NULL;

      if (settings != NULL)
        json_object_set_object_member (obj, "settings", json_object_ref (settings));
      json_object_remove_member (obj, "settings_json");
      text = json_to_string (answer, TRUE);
      g_print ("%s\n", text);
      return FD_CTL_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      JsonNode *node = json_object_get_member (obj, rows[i].member);
      g_autofree char *text = node != NULL && !JSON_NODE_HOLDS_NULL (node) ? value_text (node) : g_strdup ("");

      if (node == NULL && g_str_equal (rows[i].member, "calls_today"))
        continue;
      g_print ("%-14s %s\n", rows[i].label, text);
    }
  if (settings == NULL)
    return FD_CTL_EXIT_OK;
  g_print ("Settings:\n");
  members = json_object_get_members (settings);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *text = value_text (json_object_get_member (settings, l->data));

      g_print ("  %-16s %s\n", (const char *) l->data, text);
    }
  return FD_CTL_EXIT_OK;
}
