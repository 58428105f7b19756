#define G_LOG_DOMAIN "fd-fuzz"

/* libFuzzer target: site import (fd_site_import(), docs/admin.md, "Site
 * format") of any JSON into a fresh in-memory store, as POST /sites does
 * after parsing the body. An import either succeeds, and the site exports
 * and imports again, or fails with a typed error and leaves nothing behind:
 * no new organization, and an existing empty one still empty. Anything else
 * aborts. */

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd-admin-api.h"
#include "fd-protocol.h"
#include "fd-site.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* The secret box email streams' secrets are sealed with: one key file in a
 * temporary directory for the whole run, removed at exit. */
static FdSecretBox *box;
static char *box_dir;

static void
remove_box (void)
{
  g_autofree char *key = g_strdup (fd_secret_box_get_path (box));

  g_clear_pointer (&box, fd_secret_box_free);
  g_unlink (key);
  g_rmdir (box_dir);
  g_clear_pointer (&box_dir, g_free);
}

static FdSecretBox *
fuzz_box (void)
{
  if (box == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *db = NULL;

      box_dir = g_dir_make_tmp ("fuzz-site-XXXXXX", &error);
      if (box_dir == NULL)
        g_error ("%s", error->message);
      db = g_build_filename (box_dir, "site.db", NULL);
      box = fd_secret_box_open_key (db, &error);
      if (box == NULL)
        g_error ("Cannot make a secret key: %s", error->message);
      atexit (remove_box);
    }
  return box;
}

static void
check_refusal (const GError *error)
{
  if (error == NULL || error->message[0] == '\0')
    g_error ("An import failed without an error.");
  if (error->domain != FD_SITE_ERROR && error->domain != FD_STORE_ERROR && error->domain != FD_PROTOCOL_ERROR)
    g_error ("An import failed with an error of another domain: %s", error->message);
  if (error->domain == FD_STORE_ERROR &&
      (error->code == FD_STORE_ERROR_FAILED || error->code == FD_STORE_ERROR_CORRUPT))
    g_error ("A bad site document made the store fail: %s", error->message);
}

static guint
count_organizations (FdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orgs = fd_store_list_organizations (store, &error);

  if (orgs == NULL)
    g_error ("Cannot list organizations: %s", error->message);
  return orgs->len;
}

static char *
export_text (FdStore *store,
             gint64   organization_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) site = fd_site_export (store, organization_id, &error);

  if (site == NULL)
    g_error ("An imported organization does not export: %s", error->message);
  return fd_json_to_string (site, NULL);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) site = fd_json_parse ((const char *) data, size, FD_ADMIN_API_MAX_BODY, NULL);
  g_autoptr(FdStore) store = NULL;
  g_autoptr(FdOrganization) org = NULL;
  g_autoptr(FdOrganization) empty = fd_organization_new ();
  g_autofree char *empty_before = NULL;
  g_autofree char *empty_after = NULL;

  if (site == NULL)
    return 0;
  store = fd_store_open (":memory:", &error);
  if (store == NULL)
    g_error ("Cannot open an in-memory store: %s", error->message);

  /* Into a new organization. */
  org = fd_site_import (store, fuzz_box (), site, 0, &error);
  if (org == NULL)
    {
      check_refusal (error);
      if (count_organizations (store) != 0)
        g_error ("A failed import left an organization behind.");
      g_clear_error (&error);
    }
  else
    {
      g_autofree char *exported = export_text (store, org->id);
      g_autoptr(JsonNode) again = fd_json_parse (exported, strlen (exported), G_MAXSIZE, &error);
      g_autoptr(FdOrganization) copy = NULL;

      if (again == NULL)
        g_error ("An export is not JSON: %s", error->message);
      copy = fd_site_import (store, fuzz_box (), again, 0, &error);
      /* Stream keys are unique across organizations: the copy may only
       * fail on them. */
      if (copy == NULL && !g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_CONFLICT))
        g_error ("An export does not import again: %s", error->message);
      g_clear_error (&error);
      return 0;
    }

  /* Into an existing empty organization: a failure leaves it empty. */
  empty->name = g_strdup ("Empty");
  if (!fd_store_create_organization (store, empty, &error))
    g_error ("Cannot create an organization: %s", error->message);
  empty_before = export_text (store, empty->id);
  org = fd_site_import (store, fuzz_box (), site, empty->id, &error);
  if (org == NULL)
    {
      check_refusal (error);
      empty_after = export_text (store, empty->id);
      if (g_strcmp0 (empty_before, empty_after) != 0 || count_organizations (store) != 1)
        g_error ("A failed import into an empty organization changed it.");
    }
  return 0;
}
