#define G_LOG_DOMAIN "fd-auth"

#include "fd-config.h"
#include "fd-auth.h"
#include "fd-auth-private.h"

#include <sodium.h>
#include <string.h>

/* Argon2 costs ~50 ms of CPU and 19 MiB per hash: on the main loop, ten
 * sign-ins would stall every socket for half a second. The workers get a
 * copy of the password and of the stored hash only; the store stays on the
 * main loop. in_flight counts queued and running jobs, so that the queue is
 * bounded: past threads + queue, a job is refused with BUSY at once. */

static GThreadPool *pool;
static gint in_flight;

static void
job_free (Job *job)
{
  auth_wipe (&job->password);
  g_clear_pointer (&job->hash, g_free);
  g_clear_pointer (&job->new_hash, g_free);
  g_free (job);
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  g_autoptr(GTask) task = data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (job->kind == JOB_HASH)
    {
      job->new_hash = fd_auth_hash_password (job->password, &error);
    }
  else
    {
      /* An unknown email verifies against the dummy hash: the same work. */
      job->verified = fd_auth_verify_password (job->hash != NULL ? job->hash : auth_dummy_hash (),
                                               job->password) && job->hash != NULL;
      if (job->verified && fd_auth_password_needs_rehash (job->hash))
        job->new_hash = auth_hash_password (job->password, NULL);
    }
  auth_wipe (&job->password);
  g_atomic_int_add (&in_flight, -1);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Queues @job for a worker; @task_callback runs on the caller's main
 * context with the job as the task data. */
void
auth_push_job (Job                 *job,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, auth_push_job);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  if (pool == NULL)
    {
      pool = g_thread_pool_new (run_job, NULL, (gint) auth_settings.hash_threads, FALSE, &error);
      if (pool == NULL)
        {
          g_task_return_new_error (task, FD_AUTH_ERROR, FD_AUTH_ERROR_FAILED,
                                   "The server cannot start its password workers: %s", error->message);
          return;
        }
    }
  if ((guint) g_atomic_int_get (&in_flight) >= auth_settings.hash_threads + auth_settings.hash_queue)
    {
      g_task_return_new_error (task, FD_AUTH_ERROR, FD_AUTH_ERROR_BUSY,
                               "The server is busy checking other sign-ins; try again in a few seconds.");
      return;
    }
  g_atomic_int_inc (&in_flight);
  if (!g_thread_pool_push (pool, g_object_ref (task), &error))
    {
      g_atomic_int_add (&in_flight, -1);
      g_object_unref (task);
      g_task_return_new_error (task, FD_AUTH_ERROR, FD_AUTH_ERROR_FAILED,
                               "The server cannot start a password worker: %s", error->message);
    }
}

Job *
auth_job_new (JobKind     kind,
         const char *password,
         const char *hash)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->password = g_strdup (password);
  job->hash = g_strdup (hash);
  return job;
}

/* New passwords. */

static void
on_hashed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  Job *job = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&job->new_hash), g_free);
}

void
fd_auth_hash_password_async (const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, fd_auth_hash_password_async);
  /* A weak password is refused at once, without a worker. */
  if (!auth_check_password (password, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  auth_push_job (auth_job_new (JOB_HASH, password, NULL), cancellable, on_hashed_cb, g_steal_pointer (&task));
}

char *
fd_auth_hash_password_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
