#define G_LOG_DOMAIN "fd-ctl"

/* `stream snippet`: the embed tag of a Web Chat or Callback stream. */

#include "fd-config.h"
#include "fd-ctl-private.h"

#include <string.h>

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
int
fd_ctl_stream_snippet (FdCtl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonArray) streams = json_array_new ();
  g_autoptr(JsonArray) output = json_array_new ();
  g_autoptr(GUri) uri = NULL;
  const char *base = fd_ctl_opt (ctl, "public-url");
  int status = fd_ctl_require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (base == NULL)
    base = fd_admin_client_get_url (ctl->client);
  uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    return fd_ctl_usage_error ("--public-url must be an http:// or https:// URL, not “%s”", base);

  if (ctl->args->len == 1)
    {
      gint64 id;

      if (!fd_ctl_resolve (ctl, FD_CTL_ENTITY_STREAM, ctl->args->pdata[0], &id, &error) ||
          (answer = fd_ctl_entity_get (ctl, &fd_ctl_entities[FD_CTL_ENTITY_STREAM], id, &error)) == NULL)
        return fd_ctl_failed (error);
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
      answer = fd_ctl_request (ctl, "GET", NULL, &error, "/organizations/%" G_GINT64_FORMAT "/streams", ctl->org_id);
      if (answer == NULL)
        return fd_ctl_failed (error);
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
      fd_ctl_print_json (node);
    }
  return FD_CTL_EXIT_OK;
}

