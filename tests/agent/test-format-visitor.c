#define G_LOG_DOMAIN "test-format-visitor"

/* Issue 18, without GTK: how the app names a conversation whose visitor
 * typed something other than the contact on file (docs/app.md, "A
 * returning customer"). */

#include "fd-format.h"

static FdConversation *
returning_customer (void)
{
  FdConversation *conv = fd_conversation_new ();

  conv->contact = fd_contact_new ();
  conv->contact->name = g_strdup ("Ada Lovelace");
  conv->contact->email = g_strdup ("ada@example.test");
  conv->contact->crm_label = g_strdup ("(Salesforce Contact)");
  conv->visitor_name = g_strdup ("Rose Lavelle");
  conv->visitor_email = g_strdup ("ADA@example.test");
  return conv;
}

static void
test_typed_name_first (void)
{
  g_autoptr(FdConversation) conv = returning_customer ();
  g_autofree char *from = fd_format_visitor (conv);
  g_autofree char *on_file = fd_format_on_file (conv);
  g_autofree char *unknown = fd_format_visitor (NULL);

  g_assert_cmpstr (fd_format_visitor_name (conv), ==, "Rose Lavelle");
  g_assert_cmpstr (from, ==, "Rose Lavelle (Salesforce Contact)");
  g_assert_cmpstr (on_file, ==, "On file as Ada Lovelace");
  g_assert_cmpstr (unknown, ==, "Unknown visitor");
  /* The contact itself is untouched by the formatting. */
  g_assert_cmpstr (conv->contact->name, ==, "Ada Lovelace");
}

static void
test_same_name_or_none_typed (void)
{
  g_autoptr(FdConversation) conv = returning_customer ();
  g_autofree char *same = NULL;
  g_autofree char *none = NULL;
  g_autofree char *from = NULL;

  g_free (conv->visitor_name);
  conv->visitor_name = g_strdup ("ada lovelace");
  same = fd_format_on_file (conv);
  g_assert_null (same);

  /* Nothing typed (a conversation from before schema v4): the contact's. */
  g_clear_pointer (&conv->visitor_name, g_free);
  g_clear_pointer (&conv->visitor_email, g_free);
  none = fd_format_on_file (conv);
  g_assert_null (none);
  g_assert_cmpstr (fd_format_visitor_name (conv), ==, "Ada Lovelace");
  from = fd_format_visitor (conv);
  g_assert_cmpstr (from, ==, "Ada Lovelace (Salesforce Contact)");
}

static void
test_address_note (void)
{
  g_autoptr(FdConversation) conv = returning_customer ();
  g_autoptr(FdConversation) anonymous = fd_conversation_new ();

  g_assert_cmpstr (fd_format_address_note (conv), ==, "Not verified");
  /* The contact's address is shown when none was typed: still unproven. */
  g_clear_pointer (&conv->visitor_email, g_free);
  g_assert_cmpstr (fd_format_address_note (conv), ==, "Not verified");
  conv->address_verified = TRUE;
  g_assert_null (fd_format_address_note (conv));
  /* No address shown, nothing to mark. */
  anonymous->contact = fd_contact_new ();
  g_assert_null (fd_format_address_note (anonymous));
  g_assert_null (fd_format_address_note (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agent/format/visitor/typed-name-first", test_typed_name_first);
  g_test_add_func ("/agent/format/visitor/same-name-or-none-typed", test_same_name_or_none_typed);
  g_test_add_func ("/agent/format/visitor/address-note", test_address_note);
  return g_test_run ();
}
