#define G_LOG_DOMAIN "fd-ctl"

/* `crm connect|status|disconnect ORG`: the organization's CRM connection
 * (docs/crm.md, "Connecting"; docs/admin.md, "CRM"). The client secret is
 * read from standard input, never from the command line, and never shown. */

#include "fd-config.h"
#include "fd-ctl-private.h"

#include <string.h>

static int
resolve_org (FdCtl *ctl)
{
  g_autoptr(GError) error = NULL;
  const char *ref = ctl->args->pdata[0];

  if (fd_ctl_parse_id (ref, &ctl->org_id))
    return FD_CTL_EXIT_OK;
  if (!fd_ctl_resolve (ctl, FD_CTL_ENTITY_ORGANIZATION, ref, &ctl->org_id, &error))
    return fd_ctl_failed (error);
  return FD_CTL_EXIT_OK;
}

static void
print_status (FdCtl *ctl, JsonNode *answer)
{
  JsonObject *obj = json_node_get_object (answer);
  static const char * const members[] = {
    "provider", "instance_url", "client_id", "status", "status_reason", "connected_at", "queued_entries",
    "sent_entries", "connect_url_expires_at", NULL,
  };

  if (ctl->json)
    {
      fd_ctl_print_json (answer);
      return;
    }
  for (guint i = 0; members[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (obj, members[i]);
      g_autofree char *text = NULL;

      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
        continue;
      text = json_node_get_value_type (node) == G_TYPE_STRING ? g_strdup (json_node_get_string (node))
                                                               : g_strdup_printf ("%" G_GINT64_FORMAT,
                                                                                  json_node_get_int (node));
      g_print ("%-22s %s\n", members[i], text);
    }
  if (json_object_has_member (obj, "connect_url"))
    g_print ("\nOpen this link in a browser, signed in to the CRM as its administrator, and allow access:\n%s\n",
             json_object_get_string_member (obj, "connect_url"));
}

int
fd_ctl_crm_connect (FdCtl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  const char *provider = fd_ctl_opt (ctl, "provider");
  const char *instance = fd_ctl_opt (ctl, "instance-url");
  const char *client = fd_ctl_opt (ctl, "client-id");
  int status = resolve_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (provider == NULL || instance == NULL || client == NULL)
    return fd_ctl_usage_error ("crm connect needs --provider, --instance-url and --client-id");
  json_object_set_string_member (body, "provider", provider);
  json_object_set_string_member (body, "instance_url", instance);
  json_object_set_string_member (body, "client_id", client);
  if (fd_ctl_opt (ctl, "client-secret-stdin") != NULL)
    {
      char *secret = fd_ctl_read_password ("the CRM (OAuth client secret)", &error);

      if (secret == NULL)
        return fd_ctl_usage_error ("--client-secret-stdin: no client secret on standard input");
      json_object_set_string_member (body, "client_secret", secret);
      memset (secret, 0, strlen (secret));
      g_free (secret);
    }
  json_node_set_object (node, body);
  answer = fd_ctl_request (ctl, "PUT", node, &error, "/organizations/%" G_GINT64_FORMAT "/crm", ctl->org_id);
  if (answer == NULL)
    return fd_ctl_failed (error);
  print_status (ctl, answer);
  return FD_CTL_EXIT_OK;
}

int
fd_ctl_crm_status (FdCtl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  int status = resolve_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  answer = fd_ctl_request (ctl, "GET", NULL, &error, "/organizations/%" G_GINT64_FORMAT "/crm", ctl->org_id);
  if (answer == NULL)
    return fd_ctl_failed (error);
  print_status (ctl, answer);
  return FD_CTL_EXIT_OK;
}

int
fd_ctl_crm_disconnect (FdCtl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  int status = resolve_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  answer = fd_ctl_request (ctl, "DELETE", NULL, &error, "/organizations/%" G_GINT64_FORMAT "/crm", ctl->org_id);
  if (answer == NULL && error != NULL)
    return fd_ctl_failed (error);
  if (!ctl->json)
    g_print ("The CRM is disconnected; its tokens are forgotten. Queued log entries wait for a new connection.\n");
  return FD_CTL_EXIT_OK;
}
