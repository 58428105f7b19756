#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* Contacts: the customers, found again by email address or phone number. */

#define CONTACT_COLUMNS "id, organization_id, name, email, phone, twitter_handle, crm_label, crm_provider, crm_record_url, crm_company, crm_kind"

static const FdStoreTable contact_table = {
  .what = "contact",
  .info = &fd_contact_info,
  FD_STORE_TABLE_SQL ("contacts", CONTACT_COLUMNS),
};

/* Phone numbers compare by their digits (and a leading +), so that
 * "+1 (555) 010-0000" finds "+15550100000". */
static char *
phone_key (const char *phone)
{
  GString *key;

  if (phone == NULL || *phone == '\0')
    return NULL;
  key = g_string_new (NULL);
  for (const char *p = phone; *p != '\0'; p++)
    if (g_ascii_isdigit (*p) || (*p == '+' && key->len == 0))
      g_string_append_c (key, *p);
  if (key->len == 0)
    {
      g_string_free (key, TRUE);
      return NULL;
    }
  return g_string_free (key, FALSE);
}

static char *
email_key (const char *email)
{
  if (email == NULL || *email == '\0')
    return NULL;
  return fd_store_fold (email);
}

gboolean
fd_store_check_contact (const FdContact  *contact,
                        GError          **error)
{
  return fd_store_check_string (contact->name, "contact name", FD_STORE_MAX_NAME, FALSE, error) &&
         fd_store_check_string (contact->email, "contact email address", FD_STORE_MAX_NAME, FALSE, error) &&
         fd_store_check_string (contact->phone, "contact phone number", FD_STORE_MAX_NAME, FALSE, error) &&
         fd_store_check_string (contact->twitter_handle, "Twitter handle", FD_STORE_MAX_NAME, FALSE, error) &&
         fd_store_check_string (contact->crm_label, "CRM label", FD_STORE_MAX_NAME, FALSE, error);
}

gboolean
fd_store_create_contact (FdStore    *self,
                         FdContact  *contact,
                         GError    **error)
{
  g_autofree char *ekey = NULL;
  g_autofree char *pkey = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (contact != NULL, FALSE);

  if (!fd_store_check_contact (contact, error))
    return FALSE;
  ekey = email_key (contact->email);
  pkey = phone_key (contact->phone);
  if (!fd_store_execute (self,
                         "INSERT INTO contacts (organization_id, name, email, email_key, phone, "
                         "phone_key, twitter_handle, crm_label, created_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         FD_STORE_ARGS (FD_ARG_INT (contact->organization_id),
                                        FD_ARG_TEXT (contact->name),
                                        FD_ARG_TEXT (contact->email), FD_ARG_TEXT (ekey),
                                        FD_ARG_TEXT (contact->phone), FD_ARG_TEXT (pkey),
                                        FD_ARG_TEXT (contact->twitter_handle),
                                        FD_ARG_TEXT (contact->crm_label),
                                        FD_ARG_INT (g_get_real_time ())), error))
    return FALSE;
  contact->id = fd_store_last_insert_id (self);
  return TRUE;
}

FdContact *
fd_store_get_contact (FdStore  *self,
                      gint64    organization_id,
                      gint64    id,
                      GError  **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return fd_store_table_get (self, &contact_table, organization_id, id, error);
}

FdContact *
fd_store_find_contact (FdStore     *self,
                       gint64       organization_id,
                       const char  *email,
                       const char  *phone,
                       GError     **error)
{
  static const char * const sql[] = {
    "SELECT " CONTACT_COLUMNS " FROM contacts WHERE organization_id = ?1 AND email_key = ?2 "
    "ORDER BY id LIMIT 1",
    "SELECT " CONTACT_COLUMNS " FROM contacts WHERE organization_id = ?1 AND phone_key = ?2 "
    "ORDER BY id LIMIT 1",
  };
  g_autofree char *ekey = email_key (email);
  g_autofree char *pkey = phone_key (phone);
  const char *keys[] = { ekey, pkey };

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      g_autoptr(FdStoreStmt) stmt = NULL;
      int rc;

      if (keys[i] == NULL)
        continue;
      stmt = fd_store_prepare_bound (self, sql[i],
                                     FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                    FD_ARG_TEXT (keys[i])), error);
      if (stmt == NULL)
        return NULL;
      rc = fd_store_step (self, stmt, FALSE, error);
      if (rc < 0)
        return NULL;
      if (rc == SQLITE_ROW)
        return fd_store_table_row (&contact_table, stmt);
    }
  fd_store_not_found ("contact", error);
  return NULL;
}

GPtrArray *
fd_store_list_contacts (FdStore  *self,
                        gint64    organization_id,
                        GError  **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return fd_store_table_list (self, &contact_table, organization_id, error);
}

gboolean
fd_store_update_contact (FdStore          *self,
                         const FdContact  *contact,
                         GError          **error)
{
  g_autofree char *ekey = NULL;
  g_autofree char *pkey = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (contact != NULL, FALSE);

  if (!fd_store_check_contact (contact, error))
    return FALSE;
  ekey = email_key (contact->email);
  pkey = phone_key (contact->phone);
  return fd_store_execute_update (self,
                                  "UPDATE contacts SET name = ?3, email = ?4, email_key = ?5, phone = ?6, "
                                  "phone_key = ?7, twitter_handle = ?8, crm_label = ?9 "
                                  "WHERE organization_id = ?1 AND id = ?2",
                                  "contact",
                                  FD_STORE_ARGS (FD_ARG_INT (contact->organization_id),
                                                 FD_ARG_INT (contact->id),
                                                 FD_ARG_TEXT (contact->name),
                                                 FD_ARG_TEXT (contact->email), FD_ARG_TEXT (ekey),
                                                 FD_ARG_TEXT (contact->phone), FD_ARG_TEXT (pkey),
                                                 FD_ARG_TEXT (contact->twitter_handle),
                                                 FD_ARG_TEXT (contact->crm_label)), error);
}

gboolean
fd_store_delete_contact (FdStore  *self,
                         gint64    organization_id,
                         gint64    id,
                         GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_table_delete (self, &contact_table, organization_id, id, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_CONFLICT, FD_STORE_ERROR_CONFLICT,
                         "The contact still has conversations.");
      return FALSE;
    }
  return TRUE;
}
