#include "store-test.h"


/* Contacts, conversations, messages (stored once per client_id) and offers. */

static void
test_contacts_and_conversations (StoreFixture  *fx,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 zed = make_agent (fx->store, beta, "zed@beta.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 support = make_queue (fx->store, acme, "Support");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  gint64 callback = make_stream (fx->store, acme, support, FD_STREAM_CALLBACK, "Callback");
  gint64 beta_q = make_queue (fx->store, beta, "Beta");
  gint64 beta_chat = make_stream (fx->store, beta, beta_q, FD_STREAM_WEBCHAT, "Beta chat");
  g_autoptr(FdConversation) conv = fd_conversation_new ();
  g_autoptr(FdConversation) got = NULL;
  g_autoptr(FdContact) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  gint64 queues[] = { sales, support };
  gint64 c1, c2, c3;

  conv->organization_id = acme;
  conv->stream_id = callback;
  conv->contact = fd_contact_new ();
  conv->contact->name = g_strdup ("Carol");
  conv->contact->phone = g_strdup ("+1 (555) 010-0000");
  conv->callback_number = g_strdup ("+1 555 0100000");
  conv->callback_time = g_strdup ("after 5pm");
  conv->created_at = T0;
  g_assert_true (fd_store_create_conversation (fx->store, conv, &error));
  g_assert_no_error (error);
  c1 = conv->id;
  g_assert_cmpint (conv->kind, ==, FD_STREAM_CALLBACK);
  g_assert_cmpint (conv->queue_id, ==, support);
  g_assert_cmpint (conv->contact_id, >, 0);
  g_assert_cmpint (conv->contact->id, ==, conv->contact_id);

  /* The same phone, written differently, finds the same contact. */
  found = fd_store_find_contact (fx->store, acme, NULL, "+15550100000", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, conv->contact_id);
  g_assert_cmpstr (found->name, ==, "Carol");
  g_clear_pointer (&found, fd_contact_free);
  found = fd_store_find_contact (fx->store, beta, NULL, "+15550100000", &error);
  g_assert_null (found);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  c2 = make_conversation (fx->store, acme, chat, "Dave@Example.test", T0 + 10);
  c3 = make_conversation (fx->store, acme, chat, "dave@example.TEST", T0 + 5);
  got = fd_store_get_conversation (fx->store, acme, c2, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got->contact);
  g_assert_cmpstr (got->contact->email, ==, "Dave@Example.test");
  {
    g_autoptr(FdConversation) got3 = fd_store_get_conversation (fx->store, acme, c3, FALSE, &error);

    g_assert_no_error (error);
    g_assert_null (got3->contact);
    /* Found by email, case-insensitively: one contact for both. */
    g_assert_cmpint (got3->contact_id, ==, got->contact_id);
  }

  /* A stream of another organization is refused. */
  {
    g_autoptr(FdConversation) bad = fd_conversation_new ();

    bad->organization_id = acme;
    bad->stream_id = beta_chat;
    bad->contact_id = got->contact_id;
    g_assert_false (fd_store_create_conversation (fx->store, bad, &error));
    g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_clear_pointer (&got, fd_conversation_free);
  got = fd_store_get_conversation (fx->store, beta, c2, TRUE, &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Unreserved of both queues: oldest first across them. */
  list = fd_store_list_unreserved_conversations (fx->store, acme, queues, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpint (((FdConversation *) list->pdata[0])->id, ==, c1);
  g_assert_cmpint (((FdConversation *) list->pdata[1])->id, ==, c3);
  g_assert_cmpint (((FdConversation *) list->pdata[2])->id, ==, c2);
  g_assert_nonnull (((FdConversation *) list->pdata[0])->contact);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_unreserved_conversations (fx->store, acme, queues, 1, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Reserve c2 by Alice. */
  got = fd_store_get_conversation (fx->store, acme, c2, FALSE, &error);
  got->state = FD_CONVERSATION_RESERVED;
  got->agent_id = alice;
  got->reserved_at = got->first_assigned_at = T0 + 20;
  got->unread = 2;
  g_assert_true (fd_store_update_conversation (fx->store, got, &error));
  g_assert_no_error (error);
  /* An agent of another organization cannot reserve it. */
  got->agent_id = zed;
  g_assert_false (fd_store_update_conversation (fx->store, got, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  got->agent_id = alice;
  got->rating = 9;
  g_assert_false (fd_store_update_conversation (fx->store, got, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  list = fd_store_list_conversations_by_agent (fx->store, acme, alice, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((FdConversation *) list->pdata[0])->unread, ==, 2);
  g_assert_cmpint (((FdConversation *) list->pdata[0])->reserved_at, ==, T0 + 20);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_conversations_by_state (fx->store, acme, FD_CONVERSATION_UNRESERVED, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Closing keeps it in the agent's history but not in the open list. */
  got->state = FD_CONVERSATION_CLOSED;
  got->closed_at = T0 + 30;
  got->rating = 4;
  got->comment = g_strdup ("Thanks");
  g_assert_true (fd_store_update_conversation (fx->store, got, &error));
  list = fd_store_list_conversations_by_agent (fx->store, acme, alice, TRUE, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_conversations_by_agent (fx->store, acme, alice, FALSE, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((FdConversation *) list->pdata[0])->comment, ==, "Thanks");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A contact with conversations cannot be deleted. */
  g_assert_false (fd_store_delete_contact (fx->store, acme, got->contact_id, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  /* Deleting the agent keeps the conversation, unassigned. */
  g_assert_true (fd_store_delete_agent (fx->store, acme, alice, &error));
  g_clear_pointer (&got, fd_conversation_free);
  got = fd_store_get_conversation (fx->store, acme, c2, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->agent_id, ==, 0);
  g_assert_cmpint (got->state, ==, FD_CONVERSATION_CLOSED);
}

static void
test_contact_history (StoreFixture  *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  gint64 mail = make_stream (fx->store, acme, sales, FD_STREAM_EMAIL, "Mail");
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(FdConversation) first = NULL;
  gint64 ids[12];

  for (int i = 0; i < 12; i++)
    ids[i] = make_conversation (fx->store, acme, i % 2 ? chat : mail, "erin@example.test",
                                T0 + i * G_USEC_PER_SEC);
  make_conversation (fx->store, acme, chat, "other@example.test", T0 + 100 * G_USEC_PER_SEC);
  first = fd_store_get_conversation (fx->store, acme, ids[0], FALSE, &error);

  history = fd_store_list_contact_history (fx->store, acme, first->contact_id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, FD_STORE_HISTORY_LIMIT);
  for (guint i = 0; i < history->len; i++)
    {
      const FdConversation *c = history->pdata[i];

      g_assert_cmpint (c->id, ==, ids[11 - i]);
      g_assert_cmpint (c->contact_id, ==, first->contact_id);
      g_assert_nonnull (c->contact);
    }
  /* Both channels appear. */
  g_assert_cmpint (((FdConversation *) history->pdata[0])->kind, ==, FD_STREAM_WEBCHAT);
  g_assert_cmpint (((FdConversation *) history->pdata[1])->kind, ==, FD_STREAM_EMAIL);
  g_clear_pointer (&history, g_ptr_array_unref);
  history = fd_store_list_contact_history (fx->store, acme, first->contact_id, 3, &error);
  g_assert_cmpuint (history->len, ==, 3);
}

static void
test_messages_idempotent (StoreFixture  *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  gint64 conv = make_conversation (fx->store, acme, chat, "v@example.test", T0);
  gint64 conv2 = make_conversation (fx->store, acme, chat, "w@example.test", T0);
  g_autoptr(FdMessage) msg = fd_message_new ();
  g_autoptr(FdMessage) first = NULL;
  g_autoptr(FdMessage) again = NULL;
  g_autoptr(FdMessage) other = NULL;
  g_autoptr(FdMessage) reply = NULL;
  g_autoptr(GPtrArray) list = NULL;
  FdAttachment *attachment;
  gboolean duplicate = TRUE;
  gint64 count = 0;

  msg->organization_id = acme;
  msg->conversation_id = conv;
  msg->direction = FD_DIRECTION_IN;
  msg->author_name = g_strdup ("Visitor");
  msg->text = g_strdup ("Hello");
  msg->client_id = g_strdup ("client-1");
  first = fd_store_append_message (fx->store, msg, &duplicate, &error);
  g_assert_no_error (error);
  g_assert_false (duplicate);
  g_assert_cmpint (first->id, >, 0);
  g_assert_cmpint (first->created_at, >, 0);

  /* A resend, even with other text, returns the stored one. */
  g_free (msg->text);
  msg->text = g_strdup ("Hello (resent)");
  again = fd_store_append_message (fx->store, msg, &duplicate, &error);
  g_assert_no_error (error);
  g_assert_true (duplicate);
  g_assert_cmpint (again->id, ==, first->id);
  g_assert_cmpstr (again->text, ==, "Hello");
  g_assert_true (fd_store_count_messages (fx->store, acme, conv, &count, &error));
  g_assert_cmpint (count, ==, 1);

  /* The same client id in another conversation is another message. */
  msg->conversation_id = conv2;
  other = fd_store_append_message (fx->store, msg, &duplicate, &error);
  g_assert_no_error (error);
  g_assert_false (duplicate);
  g_assert_cmpint (other->id, !=, first->id);

  /* Another organization cannot write into the conversation. */
  msg->organization_id = beta;
  msg->conversation_id = conv;
  msg->client_id[0] = 'X';
  g_assert_null (fd_store_append_message (fx->store, msg, &duplicate, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Too long, and empty, messages are refused. */
  msg->organization_id = acme;
  g_free (msg->text);
  msg->text = g_strnfill (FD_STORE_MAX_TEXT + 1, 'a');
  g_assert_null (fd_store_append_message (fx->store, msg, &duplicate, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_free (msg->text);
  msg->text = NULL;
  g_assert_null (fd_store_append_message (fx->store, msg, &duplicate, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* Only the server's system messages are notes of a kind. */
  msg->text = g_strdup ("Reserved by me");
  msg->note = g_strdup (FD_NOTE_RESERVED);
  g_assert_null (fd_store_append_message (fx->store, msg, &duplicate, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* An agent reply with an attachment and no client id. */
  g_clear_pointer (&msg, fd_message_free);
  msg = fd_message_new ();
  msg->organization_id = acme;
  msg->conversation_id = conv;
  msg->direction = FD_DIRECTION_OUT;
  msg->agent_id = alice;
  msg->text = g_strdup ("See attached");
  msg->attachments = fd_attachment_list_new ();
  attachment = fd_attachment_new ();
  attachment->name = g_strdup ("a.pdf");
  attachment->url = g_strdup ("https://files.test/a.pdf");
  attachment->mime_type = g_strdup ("application/pdf");
  attachment->size = 42;
  g_ptr_array_add (msg->attachments, attachment);
  reply = fd_store_append_message (fx->store, msg, &duplicate, &error);
  g_assert_no_error (error);
  g_assert_false (duplicate);

  list = fd_store_list_messages (fx->store, acme, conv, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((FdMessage *) list->pdata[1])->agent_id, ==, alice);
  g_assert_cmpuint (((FdMessage *) list->pdata[1])->attachments->len, ==, 1);
  g_assert_true (fd_attachment_equal (((FdMessage *) list->pdata[1])->attachments->pdata[0], attachment));
  g_assert_null (((FdMessage *) list->pdata[0])->attachments);
  g_clear_pointer (&list, g_ptr_array_unref);
  /* Resume after the first message. */
  list = fd_store_list_messages (fx->store, acme, conv, first->id, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((FdMessage *) list->pdata[0])->id, ==, reply->id);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_messages (fx->store, beta, conv, 0, &error);
  g_assert_null (list);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
}

static void
test_offers (StoreFixture  *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 bob = make_agent (fx->store, acme, "bob@acme.test");
  gint64 zed = make_agent (fx->store, beta, "zed@beta.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  gint64 conv = make_conversation (fx->store, acme, chat, "v@example.test", T0);
  FdOffer offer = { .conversation_id = conv, .agent_id = alice, .phase = 0,
                    .offered_at = T0, .bounce_at = T0 + 30 };
  g_autoptr(GPtrArray) list = NULL;

  g_assert_true (fd_store_put_offer (fx->store, acme, &offer, &error));
  offer.agent_id = bob;
  g_assert_true (fd_store_put_offer (fx->store, acme, &offer, &error));
  /* Putting again updates in place. */
  offer.phase = 1;
  offer.bounce_at = 0;
  g_assert_true (fd_store_put_offer (fx->store, acme, &offer, &error));
  g_assert_no_error (error);
  offer.agent_id = zed;
  g_assert_false (fd_store_put_offer (fx->store, acme, &offer, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  offer.agent_id = alice;
  g_assert_false (fd_store_put_offer (fx->store, beta, &offer, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  list = fd_store_list_offers_by_agent (fx->store, acme, bob, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((FdOffer *) list->pdata[0])->phase, ==, 1);
  g_assert_cmpint (((FdOffer *) list->pdata[0])->bounce_at, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_offers (fx->store, 0, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_offers (fx->store, beta, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (fd_store_delete_offer (fx->store, acme, conv, bob, &error));
  list = fd_store_list_offers (fx->store, acme, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_true (fd_store_delete_offer (fx->store, acme, conv, 0, &error));
  list = fd_store_list_offers (fx->store, acme, &error);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_contacts_crud (StoreFixture  *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  g_autoptr(FdContact) contact = fd_contact_new ();
  g_autoptr(FdContact) got = NULL;
  g_autoptr(GPtrArray) list = NULL;

  contact->organization_id = acme;
  contact->name = g_strdup ("Frank");
  contact->email = g_strdup ("frank@example.test");
  contact->twitter_handle = g_strdup ("@frank");
  g_assert_true (fd_store_create_contact (fx->store, contact, &error));
  g_assert_no_error (error);

  got = fd_store_get_contact (fx->store, acme, contact->id, &error);
  g_assert_no_error (error);
  g_assert_true (fd_contact_equal (got, contact));
  g_clear_pointer (&got, fd_contact_free);
  got = fd_store_get_contact (fx->store, beta, contact->id, &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Update changes what find() matches. */
  g_free (contact->email);
  contact->email = g_strdup ("FRANK@new.test");
  contact->crm_label = g_strdup ("(Salesforce Lead)");
  g_assert_true (fd_store_update_contact (fx->store, contact, &error));
  g_assert_no_error (error);
  got = fd_store_find_contact (fx->store, acme, "frank@example.test", NULL, &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got = fd_store_find_contact (fx->store, acme, "frank@NEW.test", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->crm_label, ==, "(Salesforce Lead)");
  g_clear_pointer (&got, fd_contact_free);
  /* Neither an email nor a phone finds nothing, without failing. */
  got = fd_store_find_contact (fx->store, acme, NULL, "no digits", &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  contact->organization_id = beta;
  g_assert_false (fd_store_update_contact (fx->store, contact, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  list = fd_store_list_contacts (fx->store, acme, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_false (fd_store_delete_contact (fx->store, beta, contact->id, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (fd_store_delete_contact (fx->store, acme, contact->id, &error));
  g_assert_no_error (error);
  list = fd_store_list_contacts (fx->store, acme, &error);
  g_assert_cmpuint (list->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST_ADD ("contacts-and-conversations", test_contacts_and_conversations);
  STORE_TEST_ADD ("contact-history", test_contact_history);
  STORE_TEST_ADD ("messages-idempotent", test_messages_idempotent);
  STORE_TEST_ADD ("offers", test_offers);
  STORE_TEST_ADD ("contacts-crud", test_contacts_crud);

  return g_test_run ();
}
