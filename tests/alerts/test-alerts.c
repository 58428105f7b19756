#define G_LOG_DOMAIN "test-alerts"

/* FdAlerts' desktop notifications against a real notification server
 * (python3-dbusmock's notification_daemon, started by
 * run-with-notifications.sh): what is notified, with which buttons, one
 * summary for a burst, the notification closed when its offer goes, and
 * the in-app toast while the window is active. The model is fed with
 * events built in code. */

#include "alerts-test.h"
#include "fd-alerts.h"

#include <string.h>

#define MOCK_NAME  "org.freedesktop.Notifications"
#define MOCK_PATH  "/org/freedesktop/Notifications"
#define SETTLE_MSEC 300

static GApplication *app;

typedef struct {
  char     *method;
  GVariant *args;      /* av */
  guint32   notify_id; /* Notify: the id the server answered */
} Call;

typedef struct {
  GDBusConnection *bus;
  GSettings       *settings;
  FdActivityModel *model;
  FdAlerts        *alerts;
  gint64           seq;
  guint            mark;    /* calls made before the test began */
  GPtrArray       *calls;   /* Call, since mark */
  GPtrArray       *toasts;  /* char* "id:text" */
} Fixture;

static void
call_free (gpointer data)
{
  Call *c = data;

  g_free (c->method);
  g_variant_unref (c->args);
  g_free (c);
}

static GVariant *
arg (Call *c,
     guint i)
{
  g_autoptr(GVariant) boxed = g_variant_get_child_value (c->args, i);

  return g_variant_get_variant (boxed);
}

/* Every call the server received, the server's answers to Notify
 * reconstructed: it numbers notifications from 1 and answers a
 * replacement with the replaced id. */
static GPtrArray *
all_calls (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) list = NULL;
  GPtrArray *calls = g_ptr_array_new_with_free_func (call_free);
  guint32 next_id = 1;
  GVariantIter iter;
  const char *method;
  GVariant *args;
  guint64 when;

  reply = g_dbus_connection_call_sync (f->bus, MOCK_NAME, MOCK_PATH, "org.freedesktop.DBus.Mock",
                                       "GetCalls", NULL, G_VARIANT_TYPE ("(a(tsav))"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  list = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, list);
  while (g_variant_iter_next (&iter, "(t&s@av)", &when, &method, &args))
    {
      Call *c = g_new0 (Call, 1);

      c->method = g_strdup (method);
      c->args = args;
      if (g_str_equal (method, "Notify"))
        {
          g_autoptr(GVariant) replaces = arg (c, 1);

          c->notify_id = g_variant_get_uint32 (replaces) != 0 ? g_variant_get_uint32 (replaces) : next_id++;
        }
      g_ptr_array_add (calls, c);
    }
  return calls;
}

static void
refresh_calls (Fixture *f)
{
  g_autoptr(GPtrArray) calls = all_calls (f);

  g_ptr_array_set_size (f->calls, 0);
  while (calls->len > f->mark)
    g_ptr_array_add (f->calls, g_ptr_array_steal_index (calls, f->mark));
}

static guint
count (Fixture    *f,
       const char *method)
{
  guint n = 0;

  for (guint i = 0; i < f->calls->len; i++)
    if (g_str_equal (((Call *) g_ptr_array_index (f->calls, i))->method, method))
      n++;
  return n;
}

/* The returned call lives until the next refresh of the calls. */
static Call *
nth (Fixture    *f,
     const char *method,
     guint       n)
{
  for (guint i = 0; i < f->calls->len; i++)
    {
      Call *c = g_ptr_array_index (f->calls, i);

      if (g_str_equal (c->method, method) && n-- == 0)
        return c;
    }
  g_assert_not_reached ();
}

static gboolean
is_announced (gpointer user_data)
{
  Fixture *f = user_data;

  return f->alerts == NULL || fd_alerts_get_n_unannounced (f->alerts) == 0;
}

/* Waits until the alerts announced what they had to, and the server
 * received @n calls of @method since the test began, then a little longer
 * to see that no more come. */
static void
expect_calls (Fixture    *f,
              const char *method,
              guint       n)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_true (alerts_test_wait (is_announced, f, 10000));
  for (;;)
    {
      alerts_test_run_for (20);
      refresh_calls (f);
      if (count (f, method) >= n || g_get_monotonic_time () > end)
        break;
    }
  alerts_test_run_for (SETTLE_MSEC);
  refresh_calls (f);
  g_assert_cmpuint (count (f, method), ==, n);
}

static char *
string_arg (Call *c,
            guint i)
{
  g_autoptr(GVariant) v = arg (c, i);

  return g_variant_dup_string (v, NULL);
}

/* The id a CloseNotification call closed (dbusmock declares it "i"). */
static guint32
closed_id (Call *c)
{
  g_autoptr(GVariant) v = arg (c, 0);

  if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT32))
    return (guint32) g_variant_get_int32 (v);
  return g_variant_get_uint32 (v);
}

static gboolean
has_button (Call       *c,
            const char *label)
{
  g_autoptr(GVariant) actions = arg (c, 5);
  g_autofree const char **strv = g_variant_get_strv (actions, NULL);

  /* Pairs of (action key, label). */
  for (guint i = 1; strv[i - 1] != NULL && strv[i] != NULL; i += 2)
    if (g_str_equal (strv[i], label))
      return TRUE;
  return FALSE;
}

static guchar
urgency (Call *c)
{
  g_autoptr(GVariant) hints = arg (c, 6);
  guchar value = 0;

  g_assert_true (g_variant_lookup (hints, "urgency", "y", &value));
  return value;
}

static void
on_alerts_toast_cb (FdAlerts   *alerts,
                    const char *text,
                    gint64      conversation_id,
                    Fixture    *f)
{
  g_ptr_array_add (f->toasts, g_strdup_printf ("%" G_GINT64_FORMAT ":%s", conversation_id, text));
}

static void
start_alerts (Fixture *f)
{
  f->alerts = fd_alerts_new (app, f->settings, f->model);
  fd_alerts_set_batch_interval (f->alerts, 200);
  g_signal_connect (f->alerts, "toast", G_CALLBACK (on_alerts_toast_cb), f);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;

  f->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  f->calls = g_ptr_array_new_with_free_func (call_free);
  f->toasts = g_ptr_array_new_with_free_func (g_free);
  before = all_calls (f);
  f->mark = before->len;
  f->settings = alerts_test_settings ();
  /* The sound has its own tests; here it would only cost time. */
  g_settings_set_boolean (f->settings, "alert-sound", FALSE);
  f->model = alerts_test_model ();
  if (data == NULL)
    start_alerts (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->alerts != NULL)
    g_assert_finalize_object (f->alerts);
  /* Let the last Close/Notify replies arrive before the next test. */
  alerts_test_run_for (100);
  g_assert_finalize_object (f->model);
  g_assert_finalize_object (f->settings);
  g_ptr_array_unref (f->calls);
  g_ptr_array_unref (f->toasts);
  g_object_unref (f->bus);
}

static void
test_offer (Fixture       *f,
            gconstpointer  data)
{
  Call *notify;   /* valid until the next expect_calls () */
  guint32 notify_id;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  expect_calls (f, "Notify", 1);
  notify = nth (f, "Notify", 0);
  title = string_arg (notify, 3);
  body = string_arg (notify, 4);
  g_assert_cmpstr (title, ==, "New WebChat");
  g_assert_cmpstr (body, ==, "Natalie Maines — Kakapo Systems > Website Chat");
  g_assert_true (has_button (notify, "Reserve"));
  g_assert_true (has_button (notify, "Reject"));
  /* GLib's freedesktop backend sends HIGH as urgency 1 ("normal"); only
   * URGENT would be 2, a notification that never times out. */
  g_assert_cmpuint (urgency (notify), ==, 1);
  notify_id = notify->notify_id;
  /* Desktop notification, so no toast. */
  g_assert_cmpuint (f->toasts->len, ==, 0);

  /* Reserved: the notification is closed. */
  alerts_test_apply (f->model, alerts_test_reserved (++f->seq, 42));
  expect_calls (f, "CloseNotification", 1);
  g_assert_cmpuint (closed_id (nth (f, "CloseNotification", 0)), ==, notify_id);
  g_assert_cmpuint (count (f, "Notify"), ==, 1);
}

/* An email offer alerts as a chat does: "New Email", Reserve and Reject. */
static void
test_email_offer (Fixture       *f,
                  gconstpointer  data)
{
  Call *notify;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  alerts_test_apply (f->model, alerts_test_offer_kind (++f->seq, 42, "Alice Customer", FD_STREAM_EMAIL));
  expect_calls (f, "Notify", 1);
  notify = nth (f, "Notify", 0);
  title = string_arg (notify, 3);
  body = string_arg (notify, 4);
  g_assert_cmpstr (title, ==, "New Email");
  g_assert_cmpstr (body, ==, "Alice Customer — Kakapo Systems > Website Chat");
  g_assert_true (has_button (notify, "Reserve"));
  g_assert_true (has_button (notify, "Reject"));
  alerts_test_apply (f->model, alerts_test_reserved (++f->seq, 42));
  expect_calls (f, "CloseNotification", 1);
}

static void
test_plain_text (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *body = NULL;

  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "<b>Bob</b> & Co"));
  expect_calls (f, "Notify", 1);
  body = string_arg (nth (f, "Notify", 0), 4);
  g_assert_cmpstr (body, ==, "<b>Bob</b> & Co — Kakapo Systems > Website Chat");
}

static void
test_withdrawn (Fixture       *f,
                gconstpointer  data)
{

  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  expect_calls (f, "Notify", 1);
  alerts_test_apply (f->model, alerts_test_withdraw (++f->seq, 42));
  expect_calls (f, "CloseNotification", 1);
  g_assert_cmpuint (closed_id (nth (f, "CloseNotification", 0)), ==, nth (f, "Notify", 0)->notify_id);
}

static void
test_withdrawn_before_announced (Fixture       *f,
                                 gconstpointer  data)
{
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  alerts_test_apply (f->model, alerts_test_withdraw (++f->seq, 42));
  expect_calls (f, "Notify", 0);
  g_assert_cmpuint (count (f, "CloseNotification"), ==, 0);
}

static void
test_burst (Fixture       *f,
            gconstpointer  data)
{
  Call *notify;   /* valid until the next expect_calls () */
  guint32 notify_id;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 43, "Emily Robison"));
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 44, "Martie Maguire"));
  expect_calls (f, "Notify", 1);
  notify = nth (f, "Notify", 0);
  title = string_arg (notify, 3);
  body = string_arg (notify, 4);
  g_assert_cmpstr (title, ==, "3 new conversations");
  g_assert_nonnull (strstr (body, "Natalie Maines — Kakapo Systems > Website Chat"));
  g_assert_nonnull (strstr (body, "Martie Maguire"));
  /* Which one would "Reserve" take? The summary has no buttons. */
  g_assert_false (has_button (notify, "Reserve"));
  notify_id = notify->notify_id;

  /* It stays while any of its offers waits. */
  alerts_test_apply (f->model, alerts_test_reserved (++f->seq, 42));
  alerts_test_apply (f->model, alerts_test_withdraw (++f->seq, 43));
  expect_calls (f, "CloseNotification", 0);
  alerts_test_apply (f->model, alerts_test_reserved (++f->seq, 44));
  expect_calls (f, "CloseNotification", 1);
  g_assert_cmpuint (closed_id (nth (f, "CloseNotification", 0)), ==, notify_id);
}

static void
test_notifications_off (Fixture       *f,
                        gconstpointer  data)
{
  g_settings_set_boolean (f->settings, "alert-notification", FALSE);
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  expect_calls (f, "Notify", 0);
  g_assert_cmpuint (fd_alerts_get_n_pending (f->alerts), ==, 1);
}

static void
test_window_active (Fixture       *f,
                    gconstpointer  data)
{
  fd_alerts_set_window_active (f->alerts, TRUE);
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  expect_calls (f, "Notify", 0);
  g_assert_cmpuint (f->toasts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->toasts, 0), ==, "42:New WebChat from Natalie Maines");

  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 43, "Emily Robison"));
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 44, "Martie Maguire"));
  expect_calls (f, "Notify", 0);
  g_assert_cmpuint (f->toasts->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->toasts, 1), ==, "0:2 new conversations");
}

static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *title = NULL;

  /* Offers waiting before the alerts exist (the snapshot at sign-in) are
   * announced once, together. */
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 43, "Emily Robison"));
  start_alerts (f);
  expect_calls (f, "Notify", 1);
  title = string_arg (nth (f, "Notify", 0), 3);
  g_assert_cmpstr (title, ==, "2 new conversations");
}

static void
test_snapshot_replay (Fixture       *f,
                      gconstpointer  data)
{
  const gint64 same[] = { 42 };
  const gint64 more[] = { 42, 43 };
  g_autofree char *body = NULL;

  alerts_test_apply (f->model, alerts_test_snapshot (++f->seq, same, G_N_ELEMENTS (same)));
  expect_calls (f, "Notify", 1);

  /* A reconnection replays the same offer: nothing new to announce. */
  alerts_test_apply (f->model, alerts_test_snapshot (++f->seq, same, G_N_ELEMENTS (same)));
  expect_calls (f, "Notify", 1);
  g_assert_cmpuint (count (f, "CloseNotification"), ==, 0);

  /* Only the new one is announced. */
  alerts_test_apply (f->model, alerts_test_snapshot (++f->seq, more, G_N_ELEMENTS (more)));
  expect_calls (f, "Notify", 2);
  body = string_arg (nth (f, "Notify", 1), 4);
  g_assert_cmpstr (body, ==, "Customer 43 — Kakapo Systems > Website Chat");

  /* Both gone in the next snapshot: both closed. */
  alerts_test_apply (f->model, alerts_test_snapshot (++f->seq, NULL, 0));
  expect_calls (f, "CloseNotification", 2);
  g_assert_cmpuint (fd_alerts_get_n_pending (f->alerts), ==, 0);
}

static void
test_dispose (Fixture       *f,
              gconstpointer  data)
{
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  expect_calls (f, "Notify", 1);
  /* Signing out ends the alerts: their buttons would act on nothing. */
  g_assert_finalize_object (g_steal_pointer (&f->alerts));
  expect_calls (f, "CloseNotification", 1);
}

/* --- CRM Automatic Contact Pop (issue 15) --------------------------------- */

#define POP_URL "https://example.my.salesforce.com/lightning/r/Lead/00Q5e00000AbCdE/view"

static void
set_crm (FdContact  *contact,
         const char *url)
{
  contact->crm_label = g_strdup ("(Salesforce Lead)");
  contact->crm_provider = g_strdup ("salesforce");
  contact->crm_kind = g_strdup ("Lead");
  contact->crm_company = g_strdup ("Dixie Chicks Ltd");
  contact->crm_record_url = g_strdup (url);
}

/* The offer of a customer the CRM matched, as the server sends it once
 * its lookup finished. */
static FdFrame *
crm_offer (Fixture    *f,
           gint64      id,
           const char *url)
{
  FdFrame *frame = alerts_test_offer (++f->seq, id, "Natalie Maines");

  set_crm (((FdOfferEvent *) frame->body)->conversation->contact, url);
  return frame;
}

/* The agent reserved it: the conversation event carries the contact. */
static FdFrame *
crm_reserved (Fixture    *f,
              gint64      id,
              const char *url)
{
  FdFrame *frame = alerts_test_reserved (++f->seq, id);
  FdConversation *conv = frame->body;

  conv->contact = fd_contact_new ();
  conv->contact->id = id + 1000;
  conv->contact->organization_id = 1;
  conv->contact->name = g_strdup ("Natalie Maines");
  conv->contact_id = conv->contact->id;
  set_crm (conv->contact, url);
  return frame;
}

static void
on_contact_pop_cb (FdAlerts   *alerts,
                   gint64      id,
                   const char *url,
                   Fixture    *f)
{
  g_ptr_array_add (f->toasts, g_strdup_printf ("pop %" G_GINT64_FORMAT ":%s", id, url));
}

/* With the preference on, reserving the matched customer's offer opens
 * the record and notifies the name with the label and the company. */
static void
test_contact_pop (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  g_autofree char *offer_body = NULL;

  g_settings_set_boolean (f->settings, "crm-contact-pop", TRUE);
  g_signal_connect (f->alerts, "contact-pop", G_CALLBACK (on_contact_pop_cb), f);
  alerts_test_apply (f->model, crm_offer (f, 42, POP_URL));
  expect_calls (f, "Notify", 1);
  /* The new-conversation notification names the customer with the label. */
  offer_body = string_arg (nth (f, "Notify", 0), 4);
  g_assert_cmpstr (offer_body, ==, "Natalie Maines (Salesforce Lead) — Kakapo Systems > Website Chat");

  alerts_test_apply (f->model, crm_reserved (f, 42, POP_URL));
  expect_calls (f, "Notify", 2);
  summary = string_arg (nth (f, "Notify", 1), 3);
  body = string_arg (nth (f, "Notify", 1), 4);
  g_assert_cmpstr (summary, ==, "CRM Contact Opened");
  g_assert_cmpstr (body, ==, "Natalie Maines (Salesforce Lead)\nDixie Chicks Ltd");
  g_assert_cmpuint (f->toasts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->toasts, 0), ==, "pop 42:" POP_URL);
}

/* Off by default; and never for a record URL that is not https. */
static void
test_contact_pop_off (Fixture       *f,
                      gconstpointer  data)
{
  g_signal_connect (f->alerts, "contact-pop", G_CALLBACK (on_contact_pop_cb), f);
  /* The memory backend keeps the last test's value: back to the default. */
  g_settings_reset (f->settings, "crm-contact-pop");
  g_assert_false (g_settings_get_boolean (f->settings, "crm-contact-pop"));
  alerts_test_apply (f->model, crm_offer (f, 42, POP_URL));
  expect_calls (f, "Notify", 1);
  alerts_test_apply (f->model, crm_reserved (f, 42, POP_URL));
  expect_calls (f, "CloseNotification", 1);
  g_assert_cmpuint (count (f, "Notify"), ==, 1);

  g_settings_set_boolean (f->settings, "crm-contact-pop", TRUE);
  alerts_test_apply (f->model, crm_offer (f, 43, "http://example.my.salesforce.com/lightning/r/Lead/1/view"));
  expect_calls (f, "Notify", 2);
  alerts_test_apply (f->model, crm_reserved (f, 43, "http://example.my.salesforce.com/lightning/r/Lead/1/view"));
  expect_calls (f, "CloseNotification", 2);
  g_assert_cmpuint (count (f, "Notify"), ==, 2);
  g_assert_cmpuint (f->toasts->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  app = g_application_new ("io.github.frontdeskcc.Frontdesk.AlertsTest", G_APPLICATION_DEFAULT_FLAGS);
  g_application_register (app, NULL, &error);
  g_assert_no_error (error);

  g_test_add ("/alerts/notify/offer", Fixture, NULL, fixture_set_up, test_offer, fixture_tear_down);
  g_test_add ("/alerts/notify/email-offer", Fixture, NULL, fixture_set_up, test_email_offer, fixture_tear_down);
  g_test_add ("/alerts/notify/plain-text", Fixture, NULL, fixture_set_up, test_plain_text, fixture_tear_down);
  g_test_add ("/alerts/notify/withdrawn", Fixture, NULL, fixture_set_up, test_withdrawn, fixture_tear_down);
  g_test_add ("/alerts/notify/withdrawn-before-announced", Fixture, NULL, fixture_set_up,
              test_withdrawn_before_announced, fixture_tear_down);
  g_test_add ("/alerts/notify/burst", Fixture, NULL, fixture_set_up, test_burst, fixture_tear_down);
  g_test_add ("/alerts/notify/off", Fixture, NULL, fixture_set_up, test_notifications_off, fixture_tear_down);
  g_test_add ("/alerts/notify/window-active", Fixture, NULL, fixture_set_up, test_window_active, fixture_tear_down);
  g_test_add ("/alerts/notify/sign-in", Fixture, "later", fixture_set_up, test_sign_in, fixture_tear_down);
  g_test_add ("/alerts/notify/snapshot-replay", Fixture, NULL, fixture_set_up, test_snapshot_replay, fixture_tear_down);
  g_test_add ("/alerts/notify/dispose", Fixture, NULL, fixture_set_up, test_dispose, fixture_tear_down);
  g_test_add ("/alerts/crm/contact-pop", Fixture, NULL, fixture_set_up, test_contact_pop, fixture_tear_down);
  g_test_add ("/alerts/crm/contact-pop-off", Fixture, NULL, fixture_set_up, test_contact_pop_off, fixture_tear_down);

  status = g_test_run ();
  g_assert_finalize_object (app);
  return status;
}
