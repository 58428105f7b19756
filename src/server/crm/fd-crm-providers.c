#define G_LOG_DOMAIN "fd-crm"

#include "fd-crm-provider.h"

/* Every CRM provider: a new one is its file, fd-crm-NAME.c, and its line
 * here (docs/crm.md, "Adding a provider"). */

extern const FdCrmProvider fd_crm_salesforce;
extern const FdCrmProvider fd_crm_zendesk;

const FdCrmProvider * const fd_crm_providers[] = {
  &fd_crm_salesforce,
  &fd_crm_zendesk,
  NULL,
};

const FdCrmProvider *
fd_crm_provider_find (const char *id)
{
  for (guint i = 0; id != NULL && fd_crm_providers[i] != NULL; i++)
    if (g_str_equal (fd_crm_providers[i]->id, id))
      return fd_crm_providers[i];
  return NULL;
}
