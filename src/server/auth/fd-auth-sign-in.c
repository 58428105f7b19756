#define G_LOG_DOMAIN "fd-auth"

#include "fd-config.h"
#include "fd-auth.h"
#include "fd-auth-private.h"

#include <sodium.h>
#include <string.h>

static gboolean
bad_credentials (GError **error)
{
  g_set_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_CREDENTIALS,
               "The email address or the password is wrong.");
  return FALSE;
}

gboolean
fd_auth_sign_in (FdStore      *store,
                 const char   *email,
                 const char   *password,
                 FdAgent     **out_agent,
                 char        **out_token,
                 GError      **error)
{
  g_autoptr(FdAgent) agent = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *token = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!fd_auth_init (error))
    return FALSE;
  if (email == NULL || password == NULL)
    return bad_credentials (error);

  agent = fd_store_get_agent_by_email (store, email, &hash, &local_error);
  if (agent == NULL)
    {
      if (!g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Spend the same time as a real check, so that timing does not tell
       * which emails have accounts. */
      fd_auth_verify_password (auth_dummy_hash (), password);
      return bad_credentials (error);
    }
  if (hash == NULL)
    {
      /* An agent with no password yet: as slow as a wrong password. */
      fd_auth_verify_password (auth_dummy_hash (), password);
      return bad_credentials (error);
    }
  if (!fd_auth_verify_password (hash, password))
    return bad_credentials (error);

  if (fd_auth_password_needs_rehash (hash))
    {
      g_autofree char *new_hash = auth_hash_password (password, NULL);

      /* Failing to upgrade the hash must not stop a valid sign-in. */
      if (new_hash == NULL ||
          !fd_store_set_agent_password_hash (store, agent->organization_id, agent->id,
                                             new_hash, &local_error))
        g_warning ("Could not upgrade an agent's password hash: %s",
                   local_error ? local_error->message : "out of memory");
    }

  token = fd_auth_create_agent_token (store, agent->organization_id, agent->id, error);
  if (token == NULL)
    return FALSE;
  if (out_agent != NULL)
    *out_agent = g_steal_pointer (&agent);
  if (out_token != NULL)
    *out_token = g_steal_pointer (&token);
  return TRUE;
}

/* Off the main loop: the store is read and written here, Argon2 runs in
 * the hashing pool (fd-auth-hash-pool.c). */

typedef struct {
  FdStore   *store;
  FdAgent   *agent;         /* NULL: unknown email */
  char      *hash;          /* the hash that was verified */
  char      *token;
  GPtrArray *revoked;       /* char* token hashes */
} SignIn;

static void
sign_in_free (SignIn *data)
{
  g_clear_pointer (&data->agent, fd_agent_free);
  g_clear_pointer (&data->hash, g_free);
  auth_wipe (&data->token);
  g_clear_pointer (&data->revoked, g_ptr_array_unref);
  g_free (data);
}

static void
on_verified_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(FdAgent) current = NULL;
  g_autofree char *current_hash = NULL;
  g_autoptr(GError) local_error = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!job->verified || data->agent == NULL)
    {
      g_task_return_error (task, g_error_new_literal (FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_CREDENTIALS,
                                                      "The email address or the password is wrong."));
      return;
    }

  /* The password may have changed, or the agent gone, while the worker
   * verified the old hash: only the hash that is stored now counts. */
  current = fd_store_get_agent_by_email (data->store, data->agent->email, &current_hash, NULL);
  if (current == NULL || current->id != data->agent->id || g_strcmp0 (current_hash, data->hash) != 0)
    {
      g_task_return_error (task, g_error_new_literal (FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_CREDENTIALS,
                                                      "The email address or the password is wrong."));
      return;
    }
  if (job->new_hash != NULL &&
      !fd_store_set_agent_password_hash (data->store, current->organization_id, current->id,
                                         job->new_hash, &local_error))
    {
      /* Failing to upgrade the hash must not stop a valid sign-in. */
      g_warning ("Could not upgrade an agent's password hash: %s", local_error->message);
      g_clear_error (&local_error);
    }

  data->revoked = g_ptr_array_new_with_free_func (g_free);
  data->token = auth_create_agent_token (data->store, current->organization_id, current->id, NULL,
                                    data->revoked, &error);
  if (data->token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_clear_pointer (&data->agent, fd_agent_free);
  data->agent = g_steal_pointer (&current);
  g_task_return_boolean (task, TRUE);
}

void
fd_auth_sign_in_async (FdStore             *store,
                       const char          *email,
                       const char          *password,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) local_error = NULL;
  SignIn *data;

  g_return_if_fail (store != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_auth_sign_in_async);
  data = g_new0 (SignIn, 1);
  data->store = store;
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);

  if (!fd_auth_init (&local_error))
    {
      g_task_return_error (task, g_steal_pointer (&local_error));
      return;
    }
  if (email != NULL && password != NULL && strlen (password) <= FD_AUTH_MAX_PASSWORD_LENGTH)
    {
      data->agent = fd_store_get_agent_by_email (store, email, &data->hash, &local_error);
      if (data->agent == NULL && !g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        {
          g_task_return_error (task, g_steal_pointer (&local_error));
          return;
        }
      if (data->hash == NULL)
        g_clear_pointer (&data->agent, fd_agent_free);
    }
  /* Whatever was found, one verification in the pool: the answer and the
   * work are the same for a wrong email and a wrong password. */
  auth_push_job (auth_job_new (JOB_VERIFY, password != NULL ? password : "", data->hash),
            cancellable, on_verified_cb, g_steal_pointer (&task));
}

gboolean
fd_auth_sign_in_finish (GAsyncResult  *result,
                        FdAgent      **out_agent,
                        char         **out_token,
                        GPtrArray     *revoked_hashes,
                        GError       **error)
{
  SignIn *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (out_agent != NULL)
    *out_agent = g_steal_pointer (&data->agent);
  if (out_token != NULL)
    *out_token = g_steal_pointer (&data->token);
  for (guint i = 0; revoked_hashes != NULL && data->revoked != NULL && i < data->revoked->len; i++)
    g_ptr_array_add (revoked_hashes, g_strdup (data->revoked->pdata[i]));
  return TRUE;
}
