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

/* The Email window's To and Cc fields (fd_format_parse_addresses()): one
 * mailbox per item, written back in one form; a bad item is named. */
static void
test_addresses (void)
{
  const char *bad[] = { "not an address", "Name <not an address>", "a@b.test c@d.test", "\"open <a@b.test>",
                        "a@b.test\nBcc: c@d.test", "<a@b.test> trailing", "a@@b.test" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) many = g_string_new (NULL);
  g_auto(GStrv) list = NULL;
  g_auto(GStrv) empty = NULL;
  g_auto(GStrv) too_many = NULL;
  g_autofree char *quoted = NULL;

  list = fd_format_parse_addresses (" Ada Lovelace <ada@x.test>; bob@y.test, \"Smith, \\\"Jo\\\"\" <jo@z.test>, "
                                    "<bare@w.test>,", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (list, ((const char *[]) { "Ada Lovelace <ada@x.test>", "bob@y.test",
                                              "\"Smith, \\\"Jo\\\"\" <jo@z.test>", "bare@w.test", NULL }));
  empty = fd_format_parse_addresses ("  , ", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (empty, ((const char *[]) { NULL }));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(GStrv) refused = fd_format_parse_addresses (bad[i], &error);

      g_test_message ("refused: %s", bad[i]);
      g_assert_null (refused);
      g_assert_true (g_error_matches (error, FD_FORMAT_ERROR, FD_FORMAT_ERROR_ADDRESS));
      g_clear_error (&error);
    }

  for (guint i = 0; i <= FD_FORMAT_MAX_ADDRESSES; i++)
    g_string_append_printf (many, "a%u@x.test,", i);
  too_many = fd_format_parse_addresses (many->str, &error);
  g_assert_null (too_many);
  g_assert_error (error, FD_FORMAT_ERROR, FD_FORMAT_ERROR_TOO_MANY);

  quoted = fd_format_mailbox ("Bob, the boss", "bob@x.test");
  g_assert_cmpstr (quoted, ==, "\"Bob, the boss\" <bob@x.test>");
}

/* Issue 15: only an https record with a host is ever opened; the contact
 * pop's text is the name with the label, then the company. */
static void
test_crm_record (void)
{
  static const struct { const char *url; gboolean opened; } cases[] = {
    { "https://example.my.salesforce.com/lightning/r/Lead/00Q5e00000AbCdE/view", TRUE },
    { "https://kakapo.zendesk.com/agent/users/1234", TRUE },
    { "http://example.my.salesforce.com/lightning/r/Lead/1/view", FALSE },
    { "javascript:alert(1)", FALSE },
    { "file:///etc/passwd", FALSE },
    { "https:///nohost", FALSE },
    { "https://user:secret@example.com/r/1", FALSE },
    { "not a url", FALSE },
    { "", FALSE },
  };
  g_autoptr(FdConversation) conv = fd_conversation_new ();
  g_autofree char *details = NULL;
  g_autofree char *without_company = NULL;

  g_assert_null (fd_format_crm_record_url (NULL));
  conv->contact = fd_contact_new ();
  g_assert_null (fd_format_crm_record_url (conv->contact));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_free (conv->contact->crm_record_url);
      conv->contact->crm_record_url = g_strdup (cases[i].url);
      if (cases[i].opened)
        g_assert_cmpstr (fd_format_crm_record_url (conv->contact), ==, cases[i].url);
      else
        g_assert_null (fd_format_crm_record_url (conv->contact));
    }

  conv->contact->name = g_strdup ("Natalie Maines");
  conv->contact->crm_label = g_strdup ("(Salesforce Lead)");
  without_company = fd_format_crm_details (conv);
  g_assert_cmpstr (without_company, ==, "Natalie Maines (Salesforce Lead)");
  conv->contact->crm_company = g_strdup ("Dixie Chicks Ltd");
  details = fd_format_crm_details (conv);
  g_assert_cmpstr (details, ==, "Natalie Maines (Salesforce Lead)\nDixie Chicks Ltd");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agent/format/visitor/typed-name-first", test_typed_name_first);
  g_test_add_func ("/agent/format/visitor/same-name-or-none-typed", test_same_name_or_none_typed);
  g_test_add_func ("/agent/format/visitor/address-note", test_address_note);
  g_test_add_func ("/agent/format/addresses", test_addresses);
  g_test_add_func ("/agent/format/crm-record", test_crm_record);
  return g_test_run ();
}
