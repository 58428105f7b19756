#include "store-test.h"
#include "fd-store-twitter.h"

/* The Twitter/X channel's tables (schema version 12): positions, calls of
 * the day, the items' dedupe and threading, the outbox, dm_requested, and
 * the messages' tweet. */

static gint64
make_message (FdStore   *store,
              gint64     org_id,
              gint64     conversation_id,
              FdDirection direction,
              const char *text)
{
  g_autoptr(FdMessage) msg = fd_message_new ();
  g_autoptr(FdMessage) stored = NULL;
  g_autoptr(GError) error = NULL;

  msg->organization_id = org_id;
  msg->conversation_id = conversation_id;
  msg->direction = direction;
  msg->text = g_strdup (text);
  stored = fd_store_append_message (store, msg, NULL, &error);
  g_assert_no_error (error);
  return stored->id;
}

static void
test_ids_and_position (StoreFixture  *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 queue = make_queue (fx->store, acme, "Support");
  gint64 stream = make_stream (fx->store, acme, queue, FD_STREAM_TWITTER, "X");
  FdStoreXPosition position = { 0 };
  gint today = 0;

  /* Longer is larger: ids exceed 2^53 and are compared as numbers. */
  g_assert_cmpint (fd_store_x_id_compare ("9", "10"), <, 0);
  g_assert_cmpint (fd_store_x_id_compare ("1800000000000000002", "1800000000000000001"), >, 0);
  g_assert_cmpint (fd_store_x_id_compare ("42", "42"), ==, 0);
  g_assert_cmpint (fd_store_x_id_compare (NULL, "1"), <, 0);

  g_assert_true (fd_store_get_x_position (fx->store, acme, stream, &position, &error));
  g_assert_no_error (error);
  g_assert_null (position.mentions_since_id);
  g_assert_null (position.dm_newest_id);

  /* Forward only, each kind on its own. */
  g_assert_true (fd_store_set_x_position (fx->store, acme, stream, FALSE, "100", &error));
  g_assert_true (fd_store_set_x_position (fx->store, acme, stream, FALSE, "99", &error));
  g_assert_true (fd_store_set_x_position (fx->store, acme, stream, TRUE, "5", &error));
  g_assert_no_error (error);
  g_assert_true (fd_store_get_x_position (fx->store, acme, stream, &position, &error));
  g_assert_cmpstr (position.mentions_since_id, ==, "100");
  g_assert_cmpstr (position.dm_newest_id, ==, "5");
  fd_store_x_position_clear (&position);

  /* Calls of the UTC day: counted, and again from 0 on a new day. */
  g_assert_true (fd_store_count_x_calls (fx->store, acme, stream, 20000, 1, &today, &error));
  g_assert_true (fd_store_count_x_calls (fx->store, acme, stream, 20000, 2, &today, &error));
  g_assert_no_error (error);
  g_assert_cmpint (today, ==, 3);
  g_assert_cmpint (fd_store_get_x_calls_today (fx->store, acme, stream, 20000), ==, 3);
  g_assert_cmpint (fd_store_get_x_calls_today (fx->store, acme, stream, 20001), ==, 0);
  g_assert_true (fd_store_count_x_calls (fx->store, acme, stream, 20001, 1, &today, &error));
  g_assert_cmpint (today, ==, 1);
  /* The position kept its ids. */
  g_assert_true (fd_store_get_x_position (fx->store, acme, stream, &position, &error));
  g_assert_cmpstr (position.mentions_since_id, ==, "100");
  fd_store_x_position_clear (&position);
}

static void
test_items_and_outbox (StoreFixture  *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 queue = make_queue (fx->store, acme, "Support");
  gint64 stream = make_stream (fx->store, acme, queue, FD_STREAM_TWITTER, "X");
  gint64 conv = make_conversation (fx->store, acme, stream, "carol@example.test", T0);
  gint64 in_id = make_message (fx->store, acme, conv, FD_DIRECTION_IN, "@acme help");
  gint64 out_id = make_message (fx->store, acme, conv, FD_DIRECTION_OUT, "On it");
  FdStoreXItem item = { acme, stream, FALSE, "500", "500", "77", "carol", NULL, 0, 0 };
  g_autoptr(FdStoreXOutbox) row = g_new0 (FdStoreXOutbox, 1);
  g_autoptr(FdStoreXOutbox) got = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  FdStoreXLast last = { 0 };
  gboolean duplicate = TRUE;
  const FdMessage *in_msg, *out_msg;

  g_assert_true (fd_store_add_x_item (fx->store, &item, &duplicate, &error));
  g_assert_no_error (error);
  g_assert_false (duplicate);
  g_assert_true (fd_store_add_x_item (fx->store, &item, &duplicate, &error));
  g_assert_true (duplicate);
  /* The same id as a DM is another item. */
  item.direct = TRUE;
  item.thread_key = "77-1000";
  g_assert_true (fd_store_add_x_item (fx->store, &item, &duplicate, &error));
  g_assert_false (duplicate);
  /* A hostile id is refused, typed. */
  item.x_id = "123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
              "12345678901234567890123456789012345678901234567890";
  g_assert_false (fd_store_add_x_item (fx->store, &item, &duplicate, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Not linked: no thread yet; linked: found by its key. */
  g_assert_cmpint (fd_store_find_x_thread (fx->store, acme, stream, FALSE, "500", &error), ==, 0);
  g_assert_true (fd_store_link_x_item (fx->store, acme, stream, FALSE, "500", conv, in_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fd_store_find_x_thread (fx->store, acme, stream, FALSE, "500", &error), ==, conv);
  g_assert_cmpint (fd_store_find_x_thread (fx->store, acme, stream, TRUE, "500", &error), ==, 0);

  g_assert_true (fd_store_get_last_customer_x (fx->store, acme, conv, TRUE, &last, &error));
  g_assert_cmpstr (last.x_id, ==, "500");
  g_assert_cmpstr (last.author_id, ==, "77");
  g_assert_cmpstr (last.author_handle, ==, "carol");
  fd_store_x_last_clear (&last);

  /* The outbox: due, sent with X's id; the messages carry their tweet. */
  row->message_id = out_id;
  row->organization_id = acme;
  row->stream_id = stream;
  row->conversation_id = conv;
  row->in_reply_to = g_strdup ("500");
  row->author_handle = g_strdup ("acme");
  row->state = FD_DELIVERY_QUEUED;
  g_assert_true (fd_store_add_x_outbox (fx->store, row, &error));
  g_assert_no_error (error);
  due = fd_store_list_due_x_outbox (fx->store, g_get_real_time (), &error);
  g_assert_cmpuint (due->len, ==, 1);
  row->state = FD_DELIVERY_SENT;
  row->x_id = g_strdup ("501");
  row->attempts = 1;
  g_assert_true (fd_store_update_x_outbox (fx->store, row, &error));
  g_assert_no_error (error);
  got = fd_store_get_x_outbox (fx->store, acme, out_id, &error);
  g_assert_cmpint (got->state, ==, FD_DELIVERY_SENT);
  g_assert_cmpstr (got->x_id, ==, "501");
  g_clear_pointer (&due, g_ptr_array_unref);
  due = fd_store_list_due_x_outbox (fx->store, g_get_real_time (), &error);
  g_assert_cmpuint (due->len, ==, 0);
  g_assert_null (fd_store_get_x_outbox (fx->store, acme, in_id, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  messages = fd_store_list_messages (fx->store, acme, conv, 0, &error);
  g_assert_no_error (error);
  in_msg = g_ptr_array_index (messages, 0);
  out_msg = g_ptr_array_index (messages, 1);
  g_assert_nonnull (in_msg->tweet);
  g_assert_cmpstr (in_msg->tweet->id, ==, "500");
  g_assert_cmpstr (in_msg->tweet->url, ==, "https://x.com/carol/status/500");
  g_assert_null (in_msg->delivery);
  g_assert_nonnull (out_msg->tweet);
  g_assert_cmpstr (out_msg->tweet->id, ==, "501");
  g_assert_cmpstr (out_msg->tweet->in_reply_to, ==, "500");
  g_assert_cmpstr (out_msg->tweet->url, ==, "https://x.com/acme/status/501");
  g_assert_nonnull (out_msg->delivery);
  g_assert_cmpint (out_msg->delivery->state, ==, FD_DELIVERY_SENT);
}

static void
test_dm_requested_and_contact (StoreFixture  *fx,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 queue = make_queue (fx->store, acme, "Support");
  gint64 stream = make_stream (fx->store, acme, queue, FD_STREAM_TWITTER, "X");
  gint64 conv;
  g_autoptr(FdConversation) c = fd_conversation_new ();
  g_autoptr(FdConversation) got = NULL;

  c->organization_id = acme;
  c->stream_id = stream;
  c->contact = fd_contact_new ();
  c->contact->twitter_handle = g_strdup ("@Carol_J");
  c->contact->name = g_strdup ("Carol");
  g_assert_true (fd_store_create_conversation (fx->store, c, &error));
  g_assert_no_error (error);
  conv = c->id;

  /* Handles compare without case, within the organization. */
  g_assert_cmpint (fd_store_find_twitter_contact (fx->store, acme, "@carol_j", &error), ==, c->contact_id);
  g_assert_cmpint (fd_store_find_twitter_contact (fx->store, beta, "@carol_j", &error), ==, 0);
  g_assert_cmpint (fd_store_find_twitter_contact (fx->store, acme, "@dave", &error), ==, 0);

  got = fd_store_get_conversation (fx->store, acme, conv, FALSE, &error);
  g_assert_false (got->dm_requested);
  g_clear_pointer (&got, fd_conversation_free);
  g_assert_true (fd_store_set_dm_requested (fx->store, acme, conv, &error));
  g_assert_no_error (error);
  g_assert_false (fd_store_set_dm_requested (fx->store, acme, conv, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  got = fd_store_get_conversation (fx->store, acme, conv, FALSE, &error);
  g_assert_true (got->dm_requested);
  /* Not across organizations. */
  g_assert_false (fd_store_set_dm_requested (fx->store, beta, conv, &error));
  g_clear_error (&error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST_ADD ("twitter/ids-and-position", test_ids_and_position);
  STORE_TEST_ADD ("twitter/items-and-outbox", test_items_and_outbox);
  STORE_TEST_ADD ("twitter/dm-requested-and-contact", test_dm_requested_and_contact);
  return g_test_run ();
}
