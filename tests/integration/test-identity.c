#define G_LOG_DOMAIN "test-it-identity"

/* Issue 18: a returning customer who types a new name with an email address
 * already on file. The conversation keeps what the visitor typed and is
 * linked to the contact, whose stored name stays; every conversation the
 * agent sees says its typed address is not verified (docs/protocol.md,
 * "Conversation"; docs/app.md, "A returning customer"). */

#include "fd-integration.h"

#define ADA_EMAIL "ada@example.test"

/* The conversation as the agent's get-conversation returns it. */
static FdConversation *
agent_view (FdTestAgent *agent,
            gint64       conversation_id)
{
  g_autoptr(FdConversationDetail) detail = fd_test_agent_get_conversation (agent, conversation_id);

  g_assert_nonnull (detail->conversation->contact);
  return g_steal_pointer (&detail->conversation);
}

static void
assert_typed (const FdConversation *conv,
              const char           *name,
              const char           *email,
              gint64                contact_id)
{
  g_assert_cmpstr (conv->visitor_name, ==, name);
  g_assert_cmpstr (conv->visitor_email, ==, email);
  g_assert_false (conv->address_verified);
  g_assert_cmpint (conv->contact_id, ==, contact_id);
  g_assert_cmpstr (conv->contact->name, ==, "Ada Lovelace");
  g_assert_cmpstr (conv->contact->email, ==, ADA_EMAIL);
}

static void
test_identity_returning_customer (void)
{
  gint64 org_id;
  g_autoptr(FdTestServer) server = fd_it_start_server (&org_id);
  gint64 sales = fd_test_admin_find_id (server, org_id, "queues", "Sales");
  g_autoptr(FdTestAgent) jenna = fd_it_connect_agent (server, FD_IT_JENNA);
  g_autoptr(FdTestVisitor) ada = NULL;
  g_autoptr(FdTestVisitor) rose = NULL;
  g_autoptr(FdConversation) first = NULL;
  g_autoptr(FdConversation) second = NULL;
  g_autoptr(FdFrame) history = NULL;
  g_autoptr(FdMessage) echo = NULL;
  g_autoptr(FdMessage) seen = NULL;
  FdContactRef *ref = fd_contact_ref_new ();
  const FdConversations *list;
  gint64 contact_id;

  fd_test_agent_join (jenna, sales);

  /* The first visit makes the contact from what was typed. */
  ada = fd_test_visitor_start_with_email (server, FD_IT_CHAT_KEY, "Ada Lovelace", ADA_EMAIL);
  fd_test_visitor_connect (ada);
  fd_it_wait_offer (jenna, ada->conversation_id);
  first = agent_view (jenna, ada->conversation_id);
  contact_id = first->contact_id;
  g_assert_cmpint (contact_id, >, 0);
  assert_typed (first, "Ada Lovelace", ADA_EMAIL, contact_id);

  /* The second types another name and the same address in other case: it
   * is linked to Ada's contact, keeps "Rose Lavelle", and Ada's name stays. */
  rose = fd_test_visitor_start_with_email (server, FD_IT_CHAT_KEY, "Rose Lavelle", "ADA@Example.test");
  fd_test_visitor_connect (rose);
  fd_it_wait_offer (jenna, rose->conversation_id);
  second = agent_view (jenna, rose->conversation_id);
  assert_typed (second, "Rose Lavelle", "ADA@Example.test", contact_id);

  /* The history the server returns carries the same on every entry. */
  ref->contact_id = contact_id;
  history = fd_test_agent_expect_ack (jenna, FD_FRAME_CONTACT_HISTORY, ref);
  list = history->body;
  g_assert_cmpuint (list->conversations->len, ==, 2);
  /* Newest first. */
  assert_typed (g_ptr_array_index (list->conversations, 0), "Rose Lavelle", "ADA@Example.test", contact_id);
  assert_typed (g_ptr_array_index (list->conversations, 1), "Ada Lovelace", ADA_EMAIL, contact_id);

  /* Her messages go under the name she typed, to the agent and in her own
   * echo: the name on file is not told to whoever typed the address. */
  fd_test_visitor_send (rose, "r-1", "Hello again");
  echo = fd_it_visitor_wait_message (rose, "r-1");
  g_assert_cmpstr (echo->author_name, ==, "Rose Lavelle");
  seen = fd_it_agent_wait_message (jenna, "r-1");
  g_assert_cmpstr (seen->author_name, ==, "Rose Lavelle");

  /* Nothing was merged into the contact. */
  g_clear_pointer (&first, fd_conversation_free);
  first = agent_view (jenna, ada->conversation_id);
  assert_typed (first, "Ada Lovelace", ADA_EMAIL, contact_id);
}

int
main (int   argc,
      char *argv[])
{
  fd_it_init (&argc, &argv);
  g_test_add_func ("/integration/identity/returning-customer", test_identity_returning_customer);
  return g_test_run ();
}
