#define G_LOG_DOMAIN "fd-ctl"

/* `site export` and `site import`: whole organizations as JSON documents
 * (docs/admin.md, "Site documents"). */

#include "fd-config.h"
#include "fd-ctl-private.h"

#include <gio/gunixinputstream.h>
#include <unistd.h>

int
fd_ctl_site_export (FdCtl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;

  const char *ref = ctl->args->pdata[0];

  if (!fd_ctl_resolve (ctl, FD_CTL_ENTITY_ORGANIZATION, ref, &ctl->org_id, &error))
    return fd_ctl_failed (error);

  answer = fd_ctl_request (ctl, "GET", NULL, &error, "/organizations/%" G_GINT64_FORMAT "/site", ctl->org_id);
  if (answer == NULL)
    return fd_ctl_failed (error);
  fd_ctl_print_json (answer);
  return FD_CTL_EXIT_OK;
}

int
fd_ctl_site_import (FdCtl *ctl)
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
    return fd_ctl_usage_error ("cannot read the site file “%s”: %s", file, error->message);
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return fd_ctl_usage_error ("the site file “%s” is not a JSON object", file);

  if (fd_ctl_opt (ctl, "org") != NULL)
    {
      int status = fd_ctl_require_org (ctl);

      if (status != FD_CTL_EXIT_OK)
        return status;
      answer = fd_ctl_request (ctl, "PUT", json_parser_get_root (parser), &error,
                        "/organizations/%" G_GINT64_FORMAT "/site", ctl->org_id);
    }
  else
    answer = fd_ctl_request (ctl, "POST", json_parser_get_root (parser), &error, "/sites");
  if (answer == NULL)
    return fd_ctl_failed (error);

  if (ctl->json)
    fd_ctl_print_json (answer);
  else if (JSON_NODE_HOLDS_OBJECT (answer))
    {
      JsonObject *org = json_node_get_object (answer);

      g_print ("Imported “%s” as organization %" G_GINT64_FORMAT ".\n",
               json_object_get_string_member_with_default (org, "name", ""),
               json_object_get_int_member_with_default (org, "id", 0));
    }
  return FD_CTL_EXIT_OK;
}

