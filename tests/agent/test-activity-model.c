#define G_LOG_DOMAIN "test-activity-model"

/* The Activity List and queue models fed by recorded frames
 * (the JSON files of tests/agent/frames/), with a hand-moved clock. */

#include "fd-activity-model.h"
#include "fd-queue-model.h"

#include <string.h>

typedef struct {
  FdQueueModel    *queues;
  FdActivityModel *model;
  gint64           now;
  guint            changes;
} Fixture;

static gint64
fixture_clock (gpointer user_data)
{
  Fixture *f = user_data;

  return f->now;
}

static gint64
at (const char *rfc3339)
{
  gint64 t = 0;

  g_assert_true (fd_timestamp_from_string (rfc3339, &t));
  return t;
}

static FdFrame *
load_frame (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "agent", "frames", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  FdFrame *frame;

  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);
  frame = fd_frame_decode (FD_FRAMES_AGENT_SERVER, text, len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (frame);
  return frame;
}

static void
apply (Fixture    *f,
       const char *name)
{
  g_autoptr(FdFrame) frame = load_frame (name);

  gboolean queues = fd_queue_model_apply_frame (f->queues, frame);
  gboolean activities = fd_activity_model_apply_frame (f->model, frame);

  /* Every recorded frame is for one of the models at least. */
  g_assert_true (queues || activities);
}

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Fixture    *f)
{
  f->changes++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->queues = fd_queue_model_new ();
  f->model = fd_activity_model_new (f->queues);
  fd_activity_model_set_clock (f->model, fixture_clock, f, NULL);
  fd_activity_model_set_agent_id (f->model, 7);
  fd_activity_model_set_organization_name (f->model, "Kakapo Systems");
  /* Stream names come from the frames themselves (stream_name), as the
   * server sends them. */
  g_signal_connect (f->model, "items-changed", G_CALLBACK (on_items_changed_cb), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->model);
  g_assert_finalize_object (f->queues);
}

static FdConversationItem *
row (Fixture *f,
     guint    position)
{
  g_autoptr(FdConversationItem) item = g_list_model_get_item (G_LIST_MODEL (f->model), position);

  g_assert_nonnull (item);
  /* The model keeps its own reference. */
  return item;
}

static guint
n_rows (Fixture *f)
{
  return g_list_model_get_n_items (G_LIST_MODEL (f->model));
}

/* Issue 18: "%e" gave "Sunday,  6 December 2026" (two spaces). */
static void
test_format_day (void)
{
  struct { const char *iso; const char *text; } cases[] = {
    { "2026-12-06T10:00:00Z", "Sunday, 6 December 2026" },
    { "2026-12-14T23:59:59Z", "Monday, 14 December 2026" },
    { "2027-01-01T00:00:00Z", "Friday, 1 January 2027" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (cases[i].iso, NULL);
      g_autofree char *text = fd_format_day (when);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_format_duration (void)
{
  struct { gint64 seconds; const char *text; } cases[] = {
    { 0, "00:00" }, { 5, "00:05" }, { 59, "00:59" }, { 60, "01:00" },
    { 647, "10:47" }, { 3599, "59:59" }, { 3600, "01:00:00" },
    { 2 * 3600 + 47 * 60 + 20, "02:47:20" }, { 100 * 3600, "100:00:00" }, { -30, "00:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = fd_format_duration (cases[i].seconds * G_USEC_PER_SEC);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
  /* Sub-second parts never round up. */
  {
    g_autofree char *text = fd_format_duration (59 * G_USEC_PER_SEC + 999999);

    g_assert_cmpstr (text, ==, "00:59");
  }
}

static void
test_format_from (void)
{
  g_autoptr(FdContact) contact = fd_contact_new ();
  g_autofree char *unknown = fd_format_from (NULL);
  g_autofree char *by_phone = NULL;
  g_autofree char *labelled = NULL;
  g_autofree char *bare_label = NULL;

  g_assert_cmpstr (unknown, ==, "Unknown visitor");
  contact->phone = g_strdup ("01202333665");
  by_phone = fd_format_from (contact);
  g_assert_cmpstr (by_phone, ==, "01202333665");
  contact->name = g_strdup ("Jenna Wimshurst");
  contact->crm_label = g_strdup ("(Salesforce Contact)");
  labelled = fd_format_from (contact);
  g_assert_cmpstr (labelled, ==, "Jenna Wimshurst (Salesforce Contact)");
  g_free (contact->crm_label);
  contact->crm_label = g_strdup ("Zendesk user");
  bare_label = fd_format_from (contact);
  g_assert_cmpstr (bare_label, ==, "Jenna Wimshurst (Zendesk user)");
}

static void
test_offer_bounce (Fixture       *f,
                   gconstpointer  data)
{
  FdConversationItem *item;

  apply (f, "snapshot.json");        /* gives the queue names */
  fd_activity_model_clear (f->model);
  f->changes = 0;

  f->now = at ("2026-11-18T11:06:45Z");
  apply (f, "offer-webchat.json");
  g_assert_cmpuint (n_rows (f), ==, 1);
  g_assert_cmpuint (f->changes, ==, 1);
  item = row (f, 0);
  g_assert_cmpint (fd_conversation_item_get_id (item), ==, 42);
  g_assert_false (fd_conversation_item_get_reserved (item));
  g_assert_cmpstr (fd_conversation_item_get_activity (item), ==, "WebChat");
  g_assert_cmpstr (fd_conversation_item_get_icon_name (item), ==, "user-available-symbolic");
  g_assert_cmpstr (fd_conversation_item_get_from (item), ==, "Jenna (Zendesk user)");
  g_assert_cmpstr (fd_conversation_item_get_to (item), ==, "Kakapo Systems > Website Chat (Sales)");
  g_assert_cmpstr (fd_conversation_item_get_duration (item), ==, "00:05");
  g_assert_cmpstr (fd_conversation_item_get_status (item), ==, "Unreserved");
  g_assert_cmpstr (fd_conversation_item_get_countdown (item), ==, "00:25");
  g_assert_cmpint (fd_conversation_item_get_bounce_remaining (item), ==, 25);

  /* Time passes: durations and the countdown follow the clock. */
  f->now = at ("2026-11-18T11:07:09.5Z");
  fd_activity_model_refresh (f->model);
  g_assert_cmpstr (fd_conversation_item_get_duration (item), ==, "00:29");
  g_assert_cmpstr (fd_conversation_item_get_countdown (item), ==, "00:01");
  f->now = at ("2026-11-18T11:07:30Z");
  fd_activity_model_refresh (f->model);
  g_assert_cmpstr (fd_conversation_item_get_countdown (item), ==, "00:00");
  g_assert_cmpint (fd_conversation_item_get_bounce_remaining (item), ==, 0);

  /* The same offer again (a replayed frame) does not double the row. */
  apply (f, "offer-webchat.json");
  g_assert_cmpuint (n_rows (f), ==, 1);

  apply (f, "withdraw-bounced.json");
  g_assert_cmpuint (n_rows (f), ==, 0);
  g_assert_cmpuint (f->changes, ==, 2);
}

static void
test_reserved_elsewhere (Fixture       *f,
                         gconstpointer  data)
{
  FdConversationItem *item;

  f->now = at ("2026-11-18T11:06:31Z");
  apply (f, "offer-callback.json");
  g_assert_cmpuint (n_rows (f), ==, 1);
  item = row (f, 0);
  g_assert_cmpstr (fd_conversation_item_get_activity (item), ==, "Callback");
  /* The queue is not known yet: the To column leaves it out. */
  g_assert_cmpstr (fd_conversation_item_get_to (item), ==, "Kakapo Systems > Website Callback");
  g_assert_cmpstr (fd_conversation_item_get_duration (item), ==, "00:31");
  /* Callbacks never bounce. */
  g_assert_cmpstr (fd_conversation_item_get_countdown (item), ==, "");
  g_assert_cmpint (fd_conversation_item_get_bounce_remaining (item), ==, -1);

  apply (f, "reserved-by-other.json");
  g_assert_cmpuint (n_rows (f), ==, 0);
}

static void
test_snapshot_messages (Fixture       *f,
                        gconstpointer  data)
{
  FdConversationItem *chat;
  FdConversationItem *tweet;

  f->now = at ("2026-11-18T11:10:47Z");
  apply (f, "snapshot.json");
  /* 46 is reserved by someone else and has no offer: not shown. */
  g_assert_cmpuint (n_rows (f), ==, 2);
  chat = fd_activity_model_lookup (f->model, 44);
  tweet = fd_activity_model_lookup (f->model, 45);
  g_assert_nonnull (chat);
  g_assert_nonnull (tweet);
  g_assert_null (fd_activity_model_lookup (f->model, 46));

  g_assert_true (fd_conversation_item_get_reserved (chat));
  g_assert_cmpstr (fd_conversation_item_get_from (chat), ==, "Natalie Maines");
  g_assert_cmpstr (fd_conversation_item_get_to (chat), ==, "Kakapo Systems > Website Chat (Sales)");
  g_assert_cmpstr (fd_conversation_item_get_duration (chat), ==, "10:47 (00:36)");
  g_assert_cmpstr (fd_conversation_item_get_status (chat), ==, "Reserved (1 new message)");
  g_assert_cmpstr (fd_conversation_item_get_countdown (chat), ==, "");

  g_assert_false (fd_conversation_item_get_reserved (tweet));
  g_assert_cmpstr (fd_conversation_item_get_activity (tweet), ==, "Tweet");
  g_assert_cmpstr (fd_conversation_item_get_to (tweet), ==, "Kakapo Systems > Twitter Demo Account (Support)");
  g_assert_cmpstr (fd_conversation_item_get_duration (tweet), ==, "47:27");
  g_assert_cmpstr (fd_conversation_item_get_status (tweet), ==, "Unread (2 new)");
  g_assert_cmpuint (fd_activity_model_count_reserved (f->model), ==, 1);

  /* The bracket part can be switched off. */
  fd_activity_model_set_show_unreplied (f->model, FALSE);
  g_assert_cmpstr (fd_conversation_item_get_duration (chat), ==, "10:47");
  fd_activity_model_set_show_unreplied (f->model, TRUE);

  /* A second customer message: the wait still counts from the first. */
  f->now = at ("2026-11-18T11:10:48Z");
  apply (f, "message-in.json");
  g_assert_cmpint (fd_conversation_item_get_unread (chat), ==, 2);
  g_assert_cmpstr (fd_conversation_item_get_status (chat), ==, "Reserved (2 new messages)");
  g_assert_cmpstr (fd_conversation_item_get_duration (chat), ==, "10:48 (00:37)");

  /* The agent answers: no more bracket. */
  apply (f, "message-out.json");
  g_assert_cmpstr (fd_conversation_item_get_duration (chat), ==, "10:48");

  /* Past an hour the duration gets hours. */
  f->now = at ("2026-11-18T12:00:00Z");
  fd_activity_model_refresh (f->model);
  g_assert_cmpstr (fd_conversation_item_get_duration (chat), ==, "01:00:00");

  /* Reserving the tweet: the row stays (same object), duration restarts. */
  f->now = at ("2026-11-18T11:11:05Z");
  apply (f, "reserved-by-me.json");
  g_assert_true (fd_activity_model_lookup (f->model, 45) == tweet);
  g_assert_true (fd_conversation_item_get_reserved (tweet));
  g_assert_cmpstr (fd_conversation_item_get_duration (tweet), ==, "00:05");
  g_assert_cmpstr (fd_conversation_item_get_status (tweet), ==, "Reserved (2 new messages)");
  /* The event had no contact: the row keeps the one it knew (a tweet's
   * customer with their handle, the "name and @handle"). */
  g_assert_cmpstr (fd_conversation_item_get_from (tweet), ==, "Natalie Maines (@natalie)");
  g_assert_cmpuint (fd_activity_model_count_reserved (f->model), ==, 2);

  /* A late withdrawal does not take away what this agent reserved. */
  apply (f, "withdraw-reserved.json");
  g_assert_nonnull (fd_activity_model_lookup (f->model, 45));

  /* Closing removes the row. */
  apply (f, "closed.json");
  g_assert_null (fd_activity_model_lookup (f->model, 44));
  g_assert_cmpuint (n_rows (f), ==, 1);
}

static void
test_snapshot_replaces (Fixture       *f,
                        gconstpointer  data)
{
  FdConversationItem *kept;

  f->now = at ("2026-11-18T11:10:47Z");
  apply (f, "snapshot.json");
  kept = fd_activity_model_lookup (f->model, 44);
  g_object_add_weak_pointer (G_OBJECT (kept), (gpointer *) &kept);
  apply (f, "offer-webchat.json");
  g_assert_cmpuint (n_rows (f), ==, 3);

  /* A fresh snapshot without offer 42: the row goes, 44 keeps its object. */
  apply (f, "snapshot.json");
  g_assert_cmpuint (n_rows (f), ==, 2);
  g_assert_null (fd_activity_model_lookup (f->model, 42));
  g_assert_nonnull (kept);
  g_assert_true (fd_activity_model_lookup (f->model, 44) == kept);
  g_object_remove_weak_pointer (G_OBJECT (kept), (gpointer *) &kept);
}

static void
test_reserved_callback_duration (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(FdFrame) frame = load_frame ("reserved-by-other.json");
  FdConversation *conv = frame->body;
  FdConversationItem *item;

  /* The same callback, reserved by this agent instead. */
  conv->agent_id = 7;
  f->now = at ("2026-11-18T11:16:52Z");
  g_assert_true (fd_activity_model_apply_frame (f->model, frame));
  item = fd_activity_model_lookup (f->model, 43);
  g_assert_nonnull (item);
  g_assert_cmpstr (fd_conversation_item_get_status (item), ==, "Reserved");
  /* Issue 18: the duration counts from the reservation, not blank. */
  g_assert_cmpstr (fd_conversation_item_get_duration (item), ==, "10:00");
  g_assert_cmpstr (fd_conversation_item_get_from (item), ==, "Unknown visitor");
  /* Reserved across days: the hours keep counting. */
  f->now = at ("2026-11-20T12:06:52Z");
  fd_activity_model_refresh (f->model);
  g_assert_cmpstr (fd_conversation_item_get_duration (item), ==, "49:00:00");
}

static void
test_bad_frames (Fixture       *f,
                 gconstpointer  data)
{
  const char *bad[] = {
    "{\"type\":\"offer\",\"seq\":1,\"body\":{\"offer\":{}}}",
    "{\"type\":\"withdraw\",\"seq\":2,\"body\":{\"conversation_id\":42,\"reason\":\"tired\"}}",
    "{\"type\":\"snapshot\",\"seq\":3,\"body\":[]}",
    "not json",
  };
  g_autoptr(FdFrame) pong = fd_frame_new (FD_FRAME_PONG, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FdFrame) frame = fd_frame_decode (FD_FRAMES_AGENT_SERVER, bad[i], strlen (bad[i]), &error);

      g_assert_null (frame);
      g_assert_error (error, FD_PROTOCOL_ERROR, error->code);
    }
  /* Frames that are not events leave the models alone. */
  g_assert_false (fd_activity_model_apply_frame (f->model, pong));
  g_assert_false (fd_queue_model_apply_frame (f->queues, pong));
  g_assert_cmpuint (n_rows (f), ==, 0);
  g_assert_cmpuint (f->changes, ==, 0);
}

static void
test_queue_model (Fixture       *f,
                  gconstpointer  data)
{
  FdQueueItem *sales;
  FdQueueItem *support;

  apply (f, "snapshot.json");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->queues)), ==, 2);
  sales = fd_queue_model_lookup (f->queues, 1);
  support = fd_queue_model_lookup (f->queues, 2);
  g_assert_cmpstr (fd_queue_item_get_name (sales), ==, "Sales");
  g_assert_true (fd_queue_item_get_joined (sales));
  g_assert_false (fd_queue_item_get_joined (support));
  /* Jenna is the only one joined to Sales: leaving needs a warning. */
  g_assert_true (fd_queue_item_is_last_joined (sales));
  g_assert_false (fd_queue_item_is_last_joined (support));

  apply (f, "queue-state.json");
  g_assert_cmpint (fd_queue_item_get_members_joined (sales), ==, 2);
  g_assert_false (fd_queue_item_is_last_joined (sales));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->queues)), ==, 2);
  g_assert_null (fd_queue_model_lookup (f->queues, 99));
}

static void
on_notify_count_cb (GObject    *object,
                    GParamSpec *pspec,
                    guint      *count)
{
  (*count)++;
}

/* Issue 17: the once-a-second refresh moves the rows' one shared clock and
 * notifies it once; it neither computes nor notifies any row (an app with
 * 10,000 rows walked them all every second). Rows read afterwards give the
 * new time. */
static void
test_refresh_shared_clock (Fixture       *f,
                           gconstpointer  data)
{
  FdActivityClock *clock = fd_activity_model_get_clock (f->model);
  FdConversationItem *chat;
  guint row_notifies = 0;
  guint clock_notifies = 0;

  f->now = at ("2026-11-18T11:10:47Z");
  apply (f, "snapshot.json");
  g_assert_cmpuint (n_rows (f), ==, 2);
  chat = fd_activity_model_lookup (f->model, 44);
  g_assert_true (fd_conversation_item_get_clock (chat) == clock);
  /* Read once, as a cell on screen does. */
  g_assert_cmpstr (fd_conversation_item_get_duration (chat), ==, "10:47 (00:36)");
  for (guint i = 0; i < n_rows (f); i++)
    g_signal_connect (row (f, i), "notify", G_CALLBACK (on_notify_count_cb), &row_notifies);
  g_signal_connect (clock, "notify::now", G_CALLBACK (on_notify_count_cb), &clock_notifies);

  f->now = at ("2026-11-18T11:10:48Z");
  fd_activity_model_refresh (f->model);
  g_assert_cmpuint (clock_notifies, ==, 1);
  g_assert_cmpuint (row_notifies, ==, 0);
  g_assert_cmpint (fd_activity_clock_get_now (clock), ==, f->now);
  g_assert_cmpstr (fd_conversation_item_get_duration (chat), ==, "10:48 (00:37)");

  /* An event still tells its row's watchers at once. */
  apply (f, "message-in.json");
  g_assert_cmpuint (row_notifies, >, 0);
  g_assert_cmpstr (fd_conversation_item_get_status (chat), ==, "Reserved (2 new messages)");

  for (guint i = 0; i < n_rows (f); i++)
    g_signal_handlers_disconnect_by_func (row (f, i), on_notify_count_cb, &row_notifies);
  g_signal_handlers_disconnect_by_func (clock, on_notify_count_cb, &clock_notifies);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agent/format/duration", test_format_duration);
  g_test_add_func ("/agent/format/day", test_format_day);
  g_test_add_func ("/agent/format/from", test_format_from);
#define ADD(path, func) \
  g_test_add ("/agent/activity-model/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("offer-bounce", test_offer_bounce);
  ADD ("reserved-elsewhere", test_reserved_elsewhere);
  ADD ("snapshot-messages", test_snapshot_messages);
  ADD ("snapshot-replaces", test_snapshot_replaces);
  ADD ("reserved-callback", test_reserved_callback_duration);
  ADD ("bad-frames", test_bad_frames);
  ADD ("queue-model", test_queue_model);
  ADD ("refresh-shared-clock", test_refresh_shared_clock);
#undef ADD

  return g_test_run ();
}
