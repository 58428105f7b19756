#define G_LOG_DOMAIN "fd-ctl"

/* `stream resend-authorization`: a new authorization link for an email
 * stream (docs/admin.md, "Email streams"), emailed by the server to the
 * organization's authorization addresses; the old link is void. */

#include "fd-config.h"
#include "fd-ctl-private.h"

/* `stream resend-authorization --org ORG STREAM [--print-link]`. The link
 * is printed only when asked: it lets whoever holds it set the mailbox's
 * credentials, and a server without a mail relay sends no email. */
int
fd_ctl_stream_resend_authorization (FdCtl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *obj;
  JsonArray *sent_to;
  gint64 id;
  int status = fd_ctl_require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!fd_ctl_resolve (ctl, FD_CTL_ENTITY_STREAM, ctl->args->pdata[0], &id, &error))
    return fd_ctl_failed (error);
  answer = fd_ctl_request (ctl, "POST", NULL, &error,
                           "/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/authorization",
                           ctl->org_id, id);
  if (answer == NULL)
    return fd_ctl_failed (error);
  if (!JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_printerr ("frontdeskctl: the server's answer is not an authorization link\n");
      return FD_CTL_EXIT_FAILED;
    }
  obj = json_node_get_object (answer);
  if (fd_ctl_opt (ctl, "print-link") == NULL)
    json_object_remove_member (obj, "url");
  if (ctl->json)
    {
      g_autofree char *text = json_to_string (answer, TRUE);

      g_print ("%s\n", text);
      return FD_CTL_EXIT_OK;
    }
  sent_to = json_object_has_member (obj, "sent_to") ? json_object_get_array_member (obj, "sent_to") : NULL;
  if (sent_to != NULL && json_array_get_length (sent_to) > 0)
    {
      g_print ("Authorization email sent to");
      for (guint i = 0; i < json_array_get_length (sent_to); i++)
        g_print ("%s %s", i > 0 ? "," : "", json_array_get_string_element (sent_to, i));
      g_print ("; the link works until %s.\n", json_object_get_string_member_with_default (obj, "expires_at", "?"));
    }
  else
    g_print ("No authorization email was sent (no mail relay, or no authorization addresses); the link works "
             "until %s.\n", json_object_get_string_member_with_default (obj, "expires_at", "?"));
  if (json_object_has_member (obj, "url"))
    g_print ("%s\n", json_object_get_string_member (obj, "url"));
  return FD_CTL_EXIT_OK;
}
