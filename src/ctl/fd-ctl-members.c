#define G_LOG_DOMAIN "fd-ctl"

/* `queue add-member` and `queue remove-member` (both answer the queue), and
 * `agent sign-out`. */

#include "fd-config.h"
#include "fd-ctl-private.h"

static int
queue_membership (FdCtl      *ctl,
                  const char *method)
{
  const FdCtlEntity *queues = &fd_ctl_entities[FD_CTL_ENTITY_QUEUE];
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  gint64 queue_id, agent_id;
  int status = fd_ctl_require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!fd_ctl_resolve (ctl, FD_CTL_ENTITY_QUEUE, ctl->args->pdata[0], &queue_id, &error) ||
      !fd_ctl_resolve (ctl, FD_CTL_ENTITY_AGENT, ctl->args->pdata[1], &agent_id, &error))
    return fd_ctl_failed (error);

  answer = fd_ctl_request (ctl, method, NULL, &error,
                           "/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                           ctl->org_id, queue_id, agent_id);
  if (answer == NULL)
    return fd_ctl_failed (error);
  fd_ctl_entity_print (ctl, queues, answer);
  return FD_CTL_EXIT_OK;
}

/* `agent sign-out AGENT`: ends every session of an agent; its tokens are
 * revoked and its open apps disconnected at once (a stolen laptop, a
 * leaver). */
int
fd_ctl_agent_sign_out (FdCtl *ctl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  gint64 id;
  int status = fd_ctl_require_org (ctl);

  if (status != FD_CTL_EXIT_OK)
    return status;
  if (!fd_ctl_resolve (ctl, FD_CTL_ENTITY_AGENT, ctl->args->pdata[0], &id, &error))
    return fd_ctl_failed (error);
  answer = fd_ctl_request (ctl, "DELETE", NULL, &error,
                           "/organizations/%" G_GINT64_FORMAT "/agents/%" G_GINT64_FORMAT "/sessions",
                           ctl->org_id, id);
  if (answer == NULL)
    return fd_ctl_failed (error);
  if (!ctl->json)
    g_print ("Signed agent %" G_GINT64_FORMAT " out everywhere.\n", id);
  else
    g_print ("{}\n");
  return FD_CTL_EXIT_OK;
}

int
fd_ctl_queue_add_member (FdCtl *ctl)
{
  return queue_membership (ctl, "PUT");
}

int
fd_ctl_queue_remove_member (FdCtl *ctl)
{
  return queue_membership (ctl, "DELETE");
}
