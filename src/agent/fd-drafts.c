#define G_LOG_DOMAIN "fd-drafts"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "fd-drafts.h"
#include "fd-cache-file.h"

struct _FdDrafts
{
  GObject       parent_instance;

  GHashTable   *drafts;       /* gint64 * conversation id → char * text */
  char         *path;
  GMainContext *context;
  GSource      *save_source;  /* the pending delayed save, or NULL */
  gboolean      blocked;      /* a bad file could not be set aside: never overwrite it */
};

G_DEFINE_FINAL_TYPE (FdDrafts, fd_drafts, G_TYPE_OBJECT)

static void
cancel_delayed_save (FdDrafts *self)
{
  if (self->save_source != NULL)
    {
      g_source_destroy (self->save_source);
      g_clear_pointer (&self->save_source, g_source_unref);
    }
}

static void
save_or_warn (FdDrafts *self)
{
  g_autoptr(GError) error = NULL;

  if (!fd_drafts_save (self, &error))
    g_warning ("The drafts were not saved: %s", error->message);
}

static gboolean
on_save_timeout_cb (gpointer user_data)
{
  FdDrafts *self = FD_DRAFTS (user_data);

  g_clear_pointer (&self->save_source, g_source_unref);
  save_or_warn (self);
  return G_SOURCE_REMOVE;
}

/* The timer is not restarted by later changes: while the agent keeps
 * typing, the draft is still written every FD_DRAFTS_SAVE_DELAY_MS, so a
 * crash loses at most that much. */
static void
schedule_save (FdDrafts *self)
{
  if (self->save_source != NULL || self->blocked)
    return;
  self->save_source = g_timeout_source_new (FD_DRAFTS_SAVE_DELAY_MS);
  g_source_set_static_name (self->save_source, "[frontdesk] save drafts");
  g_source_set_callback (self->save_source, on_save_timeout_cb, self, NULL);
  g_source_attach (self->save_source, self->context);
}

static void
fd_drafts_dispose (GObject *object)
{
  FdDrafts *self = FD_DRAFTS (object);

  if (self->save_source != NULL)
    save_or_warn (self);

  G_OBJECT_CLASS (fd_drafts_parent_class)->dispose (object);
}

static void
fd_drafts_finalize (GObject *object)
{
  FdDrafts *self = FD_DRAFTS (object);

  cancel_delayed_save (self);
  g_clear_pointer (&self->drafts, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (fd_drafts_parent_class)->finalize (object);
}

static void
fd_drafts_class_init (FdDraftsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_drafts_dispose;
  object_class->finalize = fd_drafts_finalize;
}

static void
fd_drafts_init (FdDrafts *self)
{
  self->drafts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->context = g_main_context_ref_thread_default ();
}

static void
insert (FdDrafts   *self,
        gint64      conversation_id,
        const char *text)
{
  g_hash_table_insert (self->drafts, g_memdup2 (&conversation_id, sizeof conversation_id),
                       g_strdup (text));
}

static void
load (FdDrafts *self)
{
  g_autoptr(JsonArray) array = _fd_cache_file_load (self->path, "drafts", JSON_TYPE_OBJECT,
                                                    &self->blocked);

  if (array == NULL)
    return;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      JsonNode *id = json_object_get_member (entry, "conversation");
      JsonNode *text = json_object_get_member (entry, "text");

      if (id == NULL || !JSON_NODE_HOLDS_VALUE (id) ||
          json_node_get_value_type (id) != G_TYPE_INT64 || json_node_get_int (id) < 1 ||
          text == NULL || !JSON_NODE_HOLDS_VALUE (text) ||
          json_node_get_value_type (text) != G_TYPE_STRING)
        {
          g_hash_table_remove_all (self->drafts);
          self->blocked = !_fd_cache_file_set_aside (self->path, "a draft has no conversation or text");
          return;
        }
      if (*json_node_get_string (text) != '\0')
        insert (self, json_node_get_int (id), json_node_get_string (text));
    }
}

FdDrafts *
fd_drafts_new (const char *directory,
               const char *server_url,
               const char *email)
{
  FdDrafts *self;

  g_return_val_if_fail ((server_url == NULL) == (email == NULL), NULL);

  self = g_object_new (FD_TYPE_DRAFTS, NULL);
  self->path = _fd_cache_file_path (directory, "drafts", server_url, email);
  load (self);
  return self;
}

const char *
fd_drafts_get_path (FdDrafts *self)
{
  g_return_val_if_fail (FD_IS_DRAFTS (self), NULL);

  return self->path;
}

const char *
fd_drafts_get (FdDrafts *self,
               gint64    conversation_id)
{
  g_return_val_if_fail (FD_IS_DRAFTS (self), NULL);

  return g_hash_table_lookup (self->drafts, &conversation_id);
}

gboolean
fd_drafts_set (FdDrafts    *self,
               gint64       conversation_id,
               const char  *text,
               GError     **error)
{
  g_return_val_if_fail (FD_IS_DRAFTS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (conversation_id < 1)
    {
      g_set_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID,
                   "A draft needs a conversation, and %" G_GINT64_FORMAT " is not one.",
                   conversation_id);
      return FALSE;
    }
  if (text == NULL || *text == '\0')
    {
      fd_drafts_clear (self, conversation_id);
      return TRUE;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID,
                           _("The draft is not valid text and was not kept."));
      return FALSE;
    }
  if (g_strcmp0 (fd_drafts_get (self, conversation_id), text) == 0)
    return TRUE;
  insert (self, conversation_id, text);
  schedule_save (self);
  return TRUE;
}

void
fd_drafts_clear (FdDrafts *self,
                 gint64    conversation_id)
{
  g_return_if_fail (FD_IS_DRAFTS (self));

  if (g_hash_table_remove (self->drafts, &conversation_id))
    schedule_save (self);
}

void
fd_drafts_retain (FdDrafts     *self,
                  const gint64 *open_ids,
                  gsize         n_open_ids)
{
  g_autoptr(GHashTable) open = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter iter;
  gpointer key;
  gboolean changed = FALSE;

  g_return_if_fail (FD_IS_DRAFTS (self));
  g_return_if_fail (open_ids != NULL || n_open_ids == 0);

  for (gsize i = 0; i < n_open_ids; i++)
    g_hash_table_add (open, (gpointer) &open_ids[i]);

  g_hash_table_iter_init (&iter, self->drafts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_hash_table_contains (open, key))
        {
          g_hash_table_iter_remove (&iter);
          changed = TRUE;
        }
    }
  if (changed)
    schedule_save (self);
}

guint
fd_drafts_get_n_drafts (FdDrafts *self)
{
  g_return_val_if_fail (FD_IS_DRAFTS (self), 0);

  return g_hash_table_size (self->drafts);
}

static gint
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

gboolean
fd_drafts_save (FdDrafts  *self,
                GError   **error)
{
  g_autoptr(GList) ids = NULL;
  JsonArray *array;

  g_return_val_if_fail (FD_IS_DRAFTS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cancel_delayed_save (self);
  if (self->blocked)
    {
      g_set_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_WRITE,
                   _("%s is unusable and could not be moved aside, so it is not overwritten. "
                     "Remove it to save drafts again."), self->path);
      return FALSE;
    }

  /* In id order, so that the file does not churn with the hash order. */
  ids = g_list_sort (g_hash_table_get_keys (self->drafts), compare_ids);
  array = json_array_new ();
  for (const GList *l = ids; l != NULL; l = l->next)
    {
      const gint64 *id = l->data;
      JsonObject *entry = json_object_new ();

      json_object_set_int_member (entry, "conversation", *id);
      json_object_set_string_member (entry, "text", g_hash_table_lookup (self->drafts, id));
      json_array_add_object_element (array, entry);
    }
  return _fd_cache_file_save (self->path, "drafts", array, error);
}
