#define G_LOG_DOMAIN "alerts-test"

#include "alerts-test.h"

#include <math.h>

#define SAMPLE_RATE 8000

static void
put_u32 (GByteArray *out,
         guint32     value)
{
  guint32 le = GUINT32_TO_LE (value);

  g_byte_array_append (out, (const guint8 *) &le, 4);
}

static void
put_u16 (GByteArray *out,
         guint16     value)
{
  guint16 le = GUINT16_TO_LE (value);

  g_byte_array_append (out, (const guint8 *) &le, 2);
}

char *
alerts_test_write_sound (const char *name,
                         guint       msec)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "alerts", name, NULL);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  guint n = SAMPLE_RATE * msec / 1000;

  g_byte_array_append (out, (const guint8 *) "RIFF", 4);
  put_u32 (out, 36 + n * 2);
  g_byte_array_append (out, (const guint8 *) "WAVEfmt ", 8);
  put_u32 (out, 16);
  put_u16 (out, 1);                /* PCM */
  put_u16 (out, 1);                /* mono */
  put_u32 (out, SAMPLE_RATE);
  put_u32 (out, SAMPLE_RATE * 2);
  put_u16 (out, 2);
  put_u16 (out, 16);
  g_byte_array_append (out, (const guint8 *) "data", 4);
  put_u32 (out, n * 2);
  for (guint i = 0; i < n; i++)
    put_u16 (out, (guint16) (gint16) (8000.0 * sin (2.0 * G_PI * 440.0 * i / SAMPLE_RATE)));

  g_file_set_contents (path, (const char *) out->data, out->len, &error);
  g_assert_no_error (error);
  return g_filename_to_uri (path, NULL, NULL);
}

GSettings *
alerts_test_settings (void)
{
  GSettings *settings = g_settings_new ("io.github.frontdeskcc.Frontdesk");
  const char *keys[] = {
    "alert-notification", "alert-sound", "alert-sound-loop", "alert-duration", "alert-sound-file",
  };

  /* GSETTINGS_BACKEND=memory (tests/meson.build) keeps values for the
   * whole process: every test starts from the defaults. */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
  return settings;
}

gboolean
alerts_test_wait (AlertsTestCondition done,
                  gpointer            user_data,
                  guint               timeout_msec)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_msec * 1000;

  while (!done (user_data))
    {
      if (g_get_monotonic_time () >= end)
        return done (user_data);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

void
alerts_test_run_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + (gint64) msec * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

FdActivityModel *
alerts_test_model (void)
{
  FdActivityModel *model = fd_activity_model_new (NULL);

  fd_activity_model_set_agent_id (model, ALERTS_TEST_AGENT);
  fd_activity_model_set_organization_name (model, "Kakapo Systems");
  fd_activity_model_set_stream_name (model, 3, "Website Chat");
  return model;
}

static FdConversation *
conversation (gint64      id,
              const char *customer)
{
  FdConversation *conv = fd_conversation_new ();

  conv->id = id;
  conv->organization_id = 1;
  conv->stream_id = 3;
  conv->queue_id = 1;
  conv->kind = FD_STREAM_WEBCHAT;
  conv->state = FD_CONVERSATION_UNRESERVED;
  conv->created_at = g_get_real_time ();
  if (customer != NULL)
    {
      conv->contact = fd_contact_new ();
      conv->contact->id = id + 1000;
      conv->contact->organization_id = 1;
      conv->contact->name = g_strdup (customer);
      conv->contact_id = conv->contact->id;
    }
  return conv;
}

static FdOffer *
offer (gint64 id)
{
  FdOffer *o = fd_offer_new ();

  o->conversation_id = id;
  o->agent_id = ALERTS_TEST_AGENT;
  o->offered_at = g_get_real_time ();
  o->bounce_at = o->offered_at + 30 * G_USEC_PER_SEC;
  return o;
}

FdFrame *
alerts_test_offer_kind (gint64        seq,
                        gint64        conversation_id,
                        const char   *customer,
                        FdStreamKind  kind)
{
  FdOfferEvent *event = fd_offer_event_new ();

  event->offer = offer (conversation_id);
  event->conversation = conversation (conversation_id, customer);
  event->conversation->kind = kind;
  return fd_frame_new_event (FD_FRAME_OFFER, seq, event);
}

FdFrame *
alerts_test_offer (gint64      seq,
                   gint64      conversation_id,
                   const char *customer)
{
  return alerts_test_offer_kind (seq, conversation_id, customer, FD_STREAM_WEBCHAT);
}

FdFrame *
alerts_test_reserved (gint64 seq,
                      gint64 conversation_id)
{
  FdConversation *conv = conversation (conversation_id, NULL);

  conv->state = FD_CONVERSATION_RESERVED;
  conv->agent_id = ALERTS_TEST_AGENT;
  conv->reserved_at = g_get_real_time ();
  return fd_frame_new_event (FD_FRAME_CONVERSATION, seq, conv);
}

FdFrame *
alerts_test_withdraw (gint64 seq,
                      gint64 conversation_id)
{
  FdWithdraw *withdraw = fd_withdraw_new ();

  withdraw->conversation_id = conversation_id;
  withdraw->reason = FD_WITHDRAW_BOUNCED;
  return fd_frame_new_event (FD_FRAME_WITHDRAW, seq, withdraw);
}

FdFrame *
alerts_test_snapshot (gint64        seq,
                      const gint64 *ids,
                      guint         n_ids)
{
  FdSnapshot *snapshot = fd_snapshot_new ();

  if (snapshot->conversations == NULL)
    snapshot->conversations = fd_conversation_detail_list_new ();
  if (snapshot->offers == NULL)
    snapshot->offers = fd_offer_list_new ();
  for (guint i = 0; i < n_ids; i++)
    {
      FdConversationDetail *detail = fd_conversation_detail_new ();
      g_autofree char *name = g_strdup_printf ("Customer %" G_GINT64_FORMAT, ids[i]);

      detail->conversation = conversation (ids[i], name);
      g_ptr_array_add (snapshot->conversations, detail);
      g_ptr_array_add (snapshot->offers, offer (ids[i]));
    }
  return fd_frame_new_event (FD_FRAME_SNAPSHOT, seq, snapshot);
}

void
alerts_test_apply (FdActivityModel *model,
                   FdFrame         *frame)
{
  g_assert_true (fd_activity_model_apply_frame (model, frame));
  fd_frame_free (frame);
}

static char  *caught_domain;
static guint  caught;
static char  *caught_last;

static GLogWriterOutput
catching_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  if ((log_level & G_LOG_LEVEL_WARNING) && g_strcmp0 (domain, caught_domain) == 0)
    {
      caught++;
      g_free (caught_last);
      caught_last = g_strdup (message);
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

void
alerts_test_catch_warnings (const char *domain)
{
  caught_domain = g_strdup (domain);
  g_log_set_writer_func (catching_writer, NULL, NULL);
}

guint
alerts_test_caught_warnings (const char **last)
{
  if (last != NULL)
    *last = caught_last;
  return caught;
}
