#include "store-test.h"

#include <stdarg.h>

/* Canned replies and resources: who sees which, search, create, update, delete. */

/* The canned replies @agent sees for @search: @n of them, the first ones
 * named as the arguments that follow, in order (NULL-terminated). */
static void
assert_visible_replies (StoreFixture  *fx,
                        gint64         organization_id,
                        gint64         agent_id,
                        const char    *search,
                        guint          n,
                        ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) visible = NULL;
  const char *name;
  va_list ap;
  guint i = 0;

  visible = fd_store_list_visible_canned_replies (fx->store, organization_id, agent_id, search, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visible->len, ==, n);
  va_start (ap, n);
  while ((name = va_arg (ap, const char *)) != NULL)
    {
      g_assert_cmpuint (i, <, visible->len);
      g_assert_cmpstr (((FdCannedReply *) visible->pdata[i])->name, ==, name);
      i++;
    }
  va_end (ap);
}

static void
test_library_visibility (StoreFixture  *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 bob = make_agent (fx->store, acme, "bob@acme.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 support = make_queue (fx->store, acme, "Support");
  gint64 sales_chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Sales chat");
  gint64 support_chat = make_stream (fx->store, acme, support, FD_STREAM_WEBCHAT, "Support chat");
  gint64 beta_agent = make_agent (fx->store, beta, "b@beta.test");
  struct { FdLevel level; gint64 owner; const char *name; const char *text; } replies[] = {
    { FD_LEVEL_ORGANIZATION, 0, "Greeting", "Hello! How can I help?" },
    { FD_LEVEL_QUEUE, 0, "Sales pitch", "Our prices start at 10% off" },
    { FD_LEVEL_QUEUE, 0, "Support hours", "We answer 9 to 5" },
    { FD_LEVEL_STREAM, 0, "Chat closing", "Thanks for chatting_with us" },
    { FD_LEVEL_STREAM, 0, "Support chat only", "Have you tried turning it off?" },
    { FD_LEVEL_AGENT, 0, "Alice sign-off", "Cheers, ÉLODIE-style" },
    { FD_LEVEL_AGENT, 0, "Bob sign-off", "Bye" },
  };
  g_autoptr(GPtrArray) visible = NULL;
  g_autoptr(FdCannedReply) reply = NULL;
  g_autoptr(FdResource) resource = fd_resource_new ();

  replies[1].owner = sales;
  replies[2].owner = support;
  replies[3].owner = sales_chat;
  replies[4].owner = support_chat;
  replies[5].owner = alice;
  replies[6].owner = bob;
  g_assert_true (fd_store_add_queue_member (fx->store, acme, sales, alice, &error));
  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_autoptr(FdCannedReply) r = fd_canned_reply_new ();

      r->organization_id = acme;
      r->level = replies[i].level;
      r->owner_id = replies[i].owner;
      r->name = g_strdup (replies[i].name);
      r->text = g_strdup (replies[i].text);
      g_assert_true (fd_store_create_canned_reply (fx->store, r, &error));
      g_assert_no_error (error);
    }

  /* Owners of another organization, or a missing owner, are refused. */
  reply = fd_canned_reply_new ();
  reply->organization_id = acme;
  reply->level = FD_LEVEL_AGENT;
  reply->owner_id = beta_agent;
  reply->name = g_strdup ("x");
  reply->text = g_strdup ("y");
  g_assert_false (fd_store_create_canned_reply (fx->store, reply, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  reply->level = FD_LEVEL_ORGANIZATION;
  g_assert_false (fd_store_create_canned_reply (fx->store, reply, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Alice: organization + Sales queue + Sales chat stream + her own. */
  assert_visible_replies (fx, acme, alice, NULL, 4,
                          "Alice sign-off", "Chat closing", "Greeting", "Sales pitch", NULL);
  /* Bob is in no queue: organization + his own. */
  assert_visible_replies (fx, acme, bob, "", 2, NULL);
  /* Search: % and _ are literal; case-insensitive, beyond ASCII too. */
  assert_visible_replies (fx, acme, alice, "10%", 1, "Sales pitch", NULL);
  assert_visible_replies (fx, acme, alice, "%", 1, NULL);
  assert_visible_replies (fx, acme, alice, "g_w", 1, "Chat closing", NULL);
  assert_visible_replies (fx, acme, alice, "_", 1, NULL);
  assert_visible_replies (fx, acme, alice, "élodie", 1, NULL);
  assert_visible_replies (fx, acme, alice, "HELLO", 1, NULL);
  /* Support's replies stay invisible to Alice even when searched. */
  assert_visible_replies (fx, acme, alice, "Support", 0, NULL);
  /* Another organization sees none of them. */
  assert_visible_replies (fx, beta, beta_agent, NULL, 0, NULL);

  /* Resources: search also covers url and description. */
  resource->organization_id = acme;
  resource->level = FD_LEVEL_QUEUE;
  resource->owner_id = sales;
  resource->name = g_strdup ("Price list");
  resource->url = g_strdup ("https://acme.test/prices_2026.pdf");
  resource->description = g_strdup ("Current PRICES");
  g_assert_true (fd_store_create_resource (fx->store, resource, &error));
  g_assert_no_error (error);
  visible = fd_store_list_visible_resources (fx->store, acme, alice, "prices_2026", &error);
  g_assert_cmpuint (visible->len, ==, 1);
  g_assert_true (fd_resource_equal (visible->pdata[0], resource));
  g_clear_pointer (&visible, g_ptr_array_unref);
  visible = fd_store_list_visible_resources (fx->store, acme, alice, "current prices", &error);
  g_assert_cmpuint (visible->len, ==, 1);
  g_clear_pointer (&visible, g_ptr_array_unref);
  visible = fd_store_list_visible_resources (fx->store, acme, bob, NULL, &error);
  g_assert_cmpuint (visible->len, ==, 0);
  g_clear_pointer (&visible, g_ptr_array_unref);

  /* Update and delete, scoped by organization. */
  g_free (resource->name);
  resource->name = g_strdup ("Prices");
  g_assert_true (fd_store_update_resource (fx->store, resource, &error));
  resource->organization_id = beta;
  resource->level = FD_LEVEL_ORGANIZATION;
  resource->owner_id = 0;
  g_assert_false (fd_store_update_resource (fx->store, resource, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (fd_store_delete_resource (fx->store, beta, resource->id, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autoptr(FdResource) got = fd_store_get_resource (fx->store, acme, resource->id, &error);

    g_assert_cmpstr (got->name, ==, "Prices");
  }

  /* Deleting the Sales queue's stream owner: deleting the agent Alice takes
   * her canned reply along. */
  g_assert_true (fd_store_delete_agent (fx->store, acme, alice, &error));
  visible = fd_store_list_canned_replies (fx->store, acme, &error);
  g_assert_cmpuint (visible->len, ==, G_N_ELEMENTS (replies) - 1);
}

static void
test_canned_reply_crud (StoreFixture  *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  g_autoptr(FdCannedReply) reply = fd_canned_reply_new ();
  g_autoptr(FdCannedReply) got = NULL;
  g_autoptr(GPtrArray) list = NULL;

  reply->organization_id = acme;
  reply->level = FD_LEVEL_QUEUE;
  reply->owner_id = sales;
  reply->name = g_strdup ("Hi");
  reply->text = g_strdup ("");
  g_assert_false (fd_store_create_canned_reply (fx->store, reply, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_free (reply->text);
  reply->text = g_strdup ("Hello there");
  g_assert_true (fd_store_create_canned_reply (fx->store, reply, &error));
  g_assert_no_error (error);

  reply->level = FD_LEVEL_ORGANIZATION;
  reply->owner_id = 0;
  g_assert_true (fd_store_update_canned_reply (fx->store, reply, &error));
  got = fd_store_get_canned_reply (fx->store, acme, reply->id, &error);
  g_assert_no_error (error);
  g_assert_true (fd_canned_reply_equal (got, reply));
  g_clear_pointer (&got, fd_canned_reply_free);
  got = fd_store_get_canned_reply (fx->store, beta, reply->id, &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting the queue takes its queue-level replies along. */
  reply->level = FD_LEVEL_QUEUE;
  reply->owner_id = sales;
  g_assert_true (fd_store_update_canned_reply (fx->store, reply, &error));
  g_assert_true (fd_store_delete_queue (fx->store, acme, sales, &error));
  g_assert_no_error (error);
  list = fd_store_list_canned_replies (fx->store, acme, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_false (fd_store_delete_canned_reply (fx->store, acme, reply->id, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST_ADD ("library-visibility", test_library_visibility);
  STORE_TEST_ADD ("canned-reply-crud", test_canned_reply_crud);

  return g_test_run ();
}
