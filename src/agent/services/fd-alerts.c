#define G_LOG_DOMAIN "fd-alerts"

#include "fd-alerts.h"

#include <glib/gi18n.h>

#include "fd-format.h"

#define DEFAULT_BATCH_MSEC   1000
#define SUMMARY_ID           "new-conversations"
#define SUMMARY_BODY_LINES   3

/* One offer waiting for the agent: an unreserved row of the model. */
typedef struct {
  gint64              id;
  FdConversationItem *item;
  gulong              reserved_id;
  gboolean            notified;
} Pending;

struct _FdAlerts
{
  GObject          parent_instance;

  GWeakRef         app;
  GSettings       *settings;
  FdActivityModel *model;
  FdAlertSound    *sound;
  gulong           items_changed_id;
  gulong           settings_changed_id;

  GHashTable      *pending;       /* gint64 id → Pending */
  GArray          *batch;         /* gint64: new offers not yet announced */
  guint            batch_id;
  guint            batch_msec;
  GArray          *summary;       /* gint64: offers in the summary notification */
  gboolean         window_active;
};

G_DEFINE_FINAL_TYPE (FdAlerts, fd_alerts, G_TYPE_OBJECT)

enum {
  SIGNAL_TOAST,
  SIGNAL_CONTACT_POP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void sync_offers (FdAlerts *self);

static char *
offer_notification_id (gint64 id)
{
  return g_strdup_printf ("offer-%" G_GINT64_FORMAT, id);
}

static void
withdraw (FdAlerts   *self,
          const char *notification_id)
{
  g_autoptr(GApplication) app = g_weak_ref_get (&self->app);

  if (app != NULL)
    g_application_withdraw_notification (app, notification_id);
}

static gboolean
array_remove_id (GArray *array,
                 gint64  id)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, gint64, i) == id)
      {
        g_array_remove_index (array, i);
        return TRUE;
      }
  return FALSE;
}

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_clear_signal_handler (&p->reserved_id, p->item);
  g_clear_object (&p->item);
  g_free (p);
}

/* The offer left the agent (reserved, rejected, withdrawn, bounced): its
 * notification goes with it. The caller removes @p from the table. */
static void
offer_gone (FdAlerts *self,
            Pending  *p)
{
  if (p->notified)
    {
      g_autofree char *nid = offer_notification_id (p->id);

      withdraw (self, nid);
      p->notified = FALSE;
    }
  if (array_remove_id (self->summary, p->id) && self->summary->len == 0)
    withdraw (self, SUMMARY_ID);
}

static void
stop_sound_if_done (FdAlerts *self)
{
  if (g_hash_table_size (self->pending) == 0)
    fd_alert_sound_stop (self->sound);
}

static char *
contact_pop_notification_id (gint64 id)
{
  return g_strdup_printf ("crm-contact-%" G_GINT64_FORMAT, id);
}

/* CRM Automatic Contact Pop (docs/app.md, "CRM"): the agent reserved an
 * offer whose customer the CRM matched, with the preference on:
 * "contact-pop" asks for the record to be opened, and a notification
 * names the contact. */
static void
contact_pop (FdAlerts           *self,
             FdConversationItem *item)
{
  const FdConversation *conversation = fd_conversation_item_get_conversation (item);
  const char *url = conversation != NULL ? fd_format_crm_record_url (conversation->contact) : NULL;
  g_autoptr(GApplication) app = g_weak_ref_get (&self->app);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;
  g_autofree char *nid = NULL;

  if (url == NULL || !g_settings_get_boolean (self->settings, "crm-contact-pop"))
    return;
  /* The app opens the record (fd-application-alerts.c). */
  g_signal_emit (self, signals[SIGNAL_CONTACT_POP], 0, fd_conversation_item_get_id (item), url);
  if (app == NULL)
    return;
  body = fd_format_crm_details (conversation);
  nid = contact_pop_notification_id (fd_conversation_item_get_id (item));
  notification = g_notification_new (_("CRM Contact Opened"));
  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.open-conversation", "x",
                                                fd_conversation_item_get_id (item));
  g_application_send_notification (app, nid, notification);
}

static void
on_item_reserved_cb (FdConversationItem *item,
                     GParamSpec         *pspec,
                     FdAlerts           *self)
{
  gint64 id = fd_conversation_item_get_id (item);
  Pending *p;

  /* Handled here rather than by walking the model, which may be in the
   * middle of replacing its rows (a snapshot). */
  if (!fd_conversation_item_get_reserved (item))
    return;
  p = g_hash_table_lookup (self->pending, &id);
  if (p == NULL || p->item != item)
    return;
  contact_pop (self, item);
  offer_gone (self, p);
  g_hash_table_remove (self->pending, &id);
  stop_sound_if_done (self);
}

static void
pending_follow (FdAlerts           *self,
                Pending            *p,
                FdConversationItem *item)
{
  g_clear_signal_handler (&p->reserved_id, p->item);
  g_set_object (&p->item, item);
  p->reserved_id = g_signal_connect (item, "notify::reserved",
                                     G_CALLBACK (on_item_reserved_cb), self);
}

static char *
describe (FdConversationItem *item)
{
  const char *from = fd_conversation_item_get_from (item);
  const char *to = fd_conversation_item_get_to (item);

  /* Plain text: notification bodies are not markup here, and customer
   * names are data. */
  if (to == NULL || *to == '\0')
    return g_strdup (from);
  return g_strdup_printf ("%s — %s", from, to);
}

static void
send_offer_notification (FdAlerts     *self,
                         GApplication *app,
                         Pending      *p)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = g_strdup_printf (_("New %s"), fd_conversation_item_get_activity (p->item));
  g_autofree char *body = describe (p->item);
  g_autofree char *nid = offer_notification_id (p->id);

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_category (notification, "im.received");
  g_notification_set_default_action_and_target (notification, "app.open-conversation", "x", p->id);
  g_notification_add_button_with_target (notification, _("Reserve"), "app.reserve", "x", p->id);
  g_notification_add_button_with_target (notification, _("Reject"), "app.reject", "x", p->id);
  g_application_send_notification (app, nid, notification);
  p->notified = TRUE;
}

static void
send_summary_notification (FdAlerts     *self,
                           GApplication *app)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = g_strdup_printf (ngettext ("%u new conversation", "%u new conversations",
                                                      self->summary->len),
                                            self->summary->len);
  g_autoptr(GString) body = g_string_new (NULL);
  guint shown = MIN (self->summary->len, SUMMARY_BODY_LINES);

  for (guint i = 0; i < shown; i++)
    {
      gint64 id = g_array_index (self->summary, gint64, i);
      Pending *p = g_hash_table_lookup (self->pending, &id);
      g_autofree char *line = NULL;

      if (p == NULL)
        continue;
      line = describe (p->item);
      if (body->len > 0)
        g_string_append_c (body, '\n');
      g_string_append (body, line);
    }
  if (self->summary->len > shown)
    {
      guint more = self->summary->len - shown;

      g_string_append_c (body, '\n');
      g_string_append_printf (body, ngettext ("and %u more", "and %u more", more), more);
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body->str);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_category (notification, "im.received");
  g_notification_set_default_action (notification, "app.show-window");
  g_application_send_notification (app, SUMMARY_ID, notification);
}

static gboolean
on_batch_timeout_cb (gpointer user_data)
{
  FdAlerts *self = user_data;
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  g_autoptr(GApplication) app = NULL;

  self->batch_id = 0;
  /* Offers that left during the interval are not announced. */
  for (guint i = 0; i < self->batch->len; i++)
    {
      Pending *p = g_hash_table_lookup (self->pending, &g_array_index (self->batch, gint64, i));

      if (p != NULL)
        g_ptr_array_add (fresh, p);
    }
  g_array_set_size (self->batch, 0);
  if (fresh->len == 0)
    return G_SOURCE_REMOVE;

  if (self->window_active)
    {
      Pending *p = g_ptr_array_index (fresh, 0);
      g_autofree char *text = NULL;

      if (fresh->len == 1)
        text = g_strdup_printf (_("New %s from %s"), fd_conversation_item_get_activity (p->item),
                                fd_conversation_item_get_from (p->item));
      else
        text = g_strdup_printf (ngettext ("%u new conversation", "%u new conversations", fresh->len),
                                fresh->len);
      g_signal_emit (self, signals[SIGNAL_TOAST], 0, text, fresh->len == 1 ? p->id : (gint64) 0);
      return G_SOURCE_REMOVE;
    }

  app = g_weak_ref_get (&self->app);
  if (app == NULL || !g_settings_get_boolean (self->settings, "alert-notification"))
    return G_SOURCE_REMOVE;
  if (fresh->len == 1 && self->summary->len == 0)
    {
      send_offer_notification (self, app, g_ptr_array_index (fresh, 0));
      return G_SOURCE_REMOVE;
    }
  /* Several at once, or more while a summary is still up: one summary. */
  for (guint i = 0; i < fresh->len; i++)
    {
      Pending *p = g_ptr_array_index (fresh, i);

      g_array_append_val (self->summary, p->id);
    }
  send_summary_notification (self, app);
  return G_SOURCE_REMOVE;
}

static char *
sound_uri (FdAlerts *self)
{
  g_autofree char *file = g_settings_get_string (self->settings, "alert-sound-file");

  if (*file == '\0')
    return NULL;
  if (g_uri_peek_scheme (file) != NULL)
    return g_steal_pointer (&file);
  if (g_path_is_absolute (file))
    return g_filename_to_uri (file, NULL, NULL);
  return NULL;
}

static void
alert (FdAlerts *self)
{
  g_autofree char *uri = NULL;

  if (self->batch_id == 0)
    self->batch_id = g_timeout_add (self->batch_msec, on_batch_timeout_cb, self);
  if (!g_settings_get_boolean (self->settings, "alert-sound"))
    return;
  uri = sound_uri (self);
  fd_alert_sound_set_uri (self->sound, uri);
  fd_alert_sound_play (self->sound,
                       g_settings_get_boolean (self->settings, "alert-sound-loop"),
                       g_settings_get_uint (self->settings, "alert-duration"));
}

static void
sync_offers (FdAlerts *self)
{
  GListModel *list = G_LIST_MODEL (self->model);
  guint n = g_list_model_get_n_items (list);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  gboolean added = FALSE;
  GHashTableIter iter;
  Pending *p;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FdConversationItem) item = g_list_model_get_item (list, i);
      gint64 id;

      if (fd_conversation_item_get_reserved (item))
        continue;
      id = fd_conversation_item_get_id (item);
      p = g_hash_table_lookup (self->pending, &id);
      if (p == NULL)
        {
          p = g_new0 (Pending, 1);
          p->id = id;
          pending_follow (self, p, item);
          g_hash_table_insert (self->pending, &p->id, p);
          g_array_append_val (self->batch, id);
          added = TRUE;
        }
      else if (p->item != item)
        pending_follow (self, p, item);
      g_hash_table_add (seen, &p->id);
    }

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &p))
    if (!g_hash_table_contains (seen, &p->id))
      {
        offer_gone (self, p);
        g_hash_table_iter_remove (&iter);
      }

  if (added)
    alert (self);
  stop_sound_if_done (self);
}

static void
on_model_items_changed_cb (GListModel *model,
                           guint       position,
                           guint       removed,
                           guint       added,
                           FdAlerts   *self)
{
  sync_offers (self);
}

static void
on_settings_changed_cb (GSettings  *settings,
                        const char *key,
                        FdAlerts   *self)
{
  if (g_str_equal (key, "alert-sound") && !g_settings_get_boolean (settings, key))
    fd_alert_sound_stop (self->sound);
}

void
fd_alerts_set_window_active (FdAlerts *self,
                             gboolean  active)
{
  g_return_if_fail (FD_IS_ALERTS (self));

  self->window_active = !!active;
}

gboolean
fd_alerts_get_window_active (FdAlerts *self)
{
  g_return_val_if_fail (FD_IS_ALERTS (self), FALSE);

  return self->window_active;
}

FdAlertSound *
fd_alerts_get_sound (FdAlerts *self)
{
  g_return_val_if_fail (FD_IS_ALERTS (self), NULL);

  return self->sound;
}

void
fd_alerts_set_batch_interval (FdAlerts *self,
                              guint     msec)
{
  g_return_if_fail (FD_IS_ALERTS (self));

  self->batch_msec = msec;
}

guint
fd_alerts_get_n_pending (FdAlerts *self)
{
  g_return_val_if_fail (FD_IS_ALERTS (self), 0);

  return g_hash_table_size (self->pending);
}

guint
fd_alerts_get_n_unannounced (FdAlerts *self)
{
  g_return_val_if_fail (FD_IS_ALERTS (self), 0);

  return self->batch->len;
}

static void
fd_alerts_dispose (GObject *object)
{
  FdAlerts *self = FD_ALERTS (object);
  GHashTableIter iter;
  Pending *p;

  g_clear_handle_id (&self->batch_id, g_source_remove);
  if (self->model != NULL)
    g_clear_signal_handler (&self->items_changed_id, self->model);
  if (self->settings != NULL)
    g_clear_signal_handler (&self->settings_changed_id, self->settings);
  /* After sign-out a notification's Reserve button would act on nothing. */
  if (self->pending != NULL)
    {
      g_hash_table_iter_init (&iter, self->pending);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &p))
        offer_gone (self, p);
      g_hash_table_remove_all (self->pending);
    }
  if (self->sound != NULL)
    fd_alert_sound_stop (self->sound);
  g_clear_object (&self->sound);
  g_clear_object (&self->model);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (fd_alerts_parent_class)->dispose (object);
}

static void
fd_alerts_finalize (GObject *object)
{
  FdAlerts *self = FD_ALERTS (object);

  g_weak_ref_clear (&self->app);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->batch, g_array_unref);
  g_clear_pointer (&self->summary, g_array_unref);

  G_OBJECT_CLASS (fd_alerts_parent_class)->finalize (object);
}

static void
fd_alerts_class_init (FdAlertsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_alerts_dispose;
  object_class->finalize = fd_alerts_finalize;

  /* An in-app announcement: the text, and the conversation it is about
   * (0 for a summary of several). */
  signals[SIGNAL_TOAST] = g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
  /* The contact pop (preference crm-contact-pop): open this https record
   * of the CRM (the conversation, the URL). */
  signals[SIGNAL_CONTACT_POP] = g_signal_new ("contact-pop", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);
}

static void
fd_alerts_init (FdAlerts *self)
{
  g_weak_ref_init (&self->app, NULL);
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, pending_free);
  self->batch = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->summary = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->batch_msec = DEFAULT_BATCH_MSEC;
}

FdAlerts *
fd_alerts_new (GApplication    *app,
               GSettings       *settings,
               FdActivityModel *model)
{
  FdAlerts *self;

  g_return_val_if_fail (G_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (FD_IS_ACTIVITY_MODEL (model), NULL);

  self = g_object_new (FD_TYPE_ALERTS, NULL);
  g_weak_ref_set (&self->app, app);
  self->settings = g_object_ref (settings);
  self->model = g_object_ref (model);
  self->sound = fd_alert_sound_new ();
  self->items_changed_id = g_signal_connect (model, "items-changed",
                                             G_CALLBACK (on_model_items_changed_cb), self);
  self->settings_changed_id = g_signal_connect (settings, "changed",
                                                G_CALLBACK (on_settings_changed_cb), self);
  /* Offers already waiting at sign-in are announced once, together. */
  sync_offers (self);
  return self;
}
