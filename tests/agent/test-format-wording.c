#define G_LOG_DOMAIN "test-format-wording"

/* Issue 18, without GTK: what the server leaves the app to word in the
 * agent's language (docs/app.md, "Translations"): the kinds of system
 * notes, and a browser or system the User-Agent did not name. The German
 * wording is checked in tests/ui/test-german.c. */

#include "fd-format.h"
#include "fd-message-item.h"

static FdMessage *
system_note (const char *note,
             const char *author,
             const char *text)
{
  FdMessage *msg = fd_message_new ();

  msg->id = 7;
  msg->direction = FD_DIRECTION_SYSTEM;
  msg->note = g_strdup (note);
  msg->author_name = g_strdup (author);
  msg->text = g_strdup (text);
  return msg;
}

static void
test_known_kinds (void)
{
  g_autoptr(FdMessage) reserved = system_note (FD_NOTE_RESERVED, "Jenna Wimshurst", "server words");
  g_autoptr(FdMessage) transferred = system_note (FD_NOTE_TRANSFERRED, "Natalie Maines", "server words");
  g_autofree char *reserved_line = fd_format_note (reserved);
  g_autofree char *transferred_line = fd_format_note (transferred);
  g_autoptr(FdMessageItem) item = fd_message_item_new (transferred, NULL, FD_SEND_STATE_SENT);

  /* The app's own words from the kind and the name, not the server's text. */
  g_assert_cmpstr (reserved_line, ==, "Reserved by Jenna Wimshurst");
  g_assert_cmpstr (transferred_line, ==, "Transferred to Natalie Maines");
  g_assert_cmpstr (fd_message_item_get_text (item), ==, "Transferred to Natalie Maines");
  g_assert_cmpint (fd_message_item_get_direction (item), ==, FD_DIRECTION_SYSTEM);
  g_assert_finalize_object (g_steal_pointer (&item));
}

static void
test_other_messages_keep_their_text (void)
{
  g_autoptr(FdMessage) future = system_note ("escalated", "Jenna", "Escalated by Jenna");
  g_autoptr(FdMessage) old = system_note (NULL, "Jenna", "Reserved by Jenna");
  g_autoptr(FdMessage) nameless = system_note (FD_NOTE_RESERVED, NULL, "Reserved by someone");
  g_autoptr(FdMessage) customer = system_note (FD_NOTE_RESERVED, "Rita", "I am Rita");
  g_autoptr(FdMessageItem) future_item = NULL;
  g_autoptr(FdMessageItem) old_item = NULL;

  /* A kind this app does not know, a note stored before the kinds, a note
   * without a name: the server's text. */
  g_assert_null (fd_format_note (future));
  g_assert_null (fd_format_note (old));
  g_assert_null (fd_format_note (nameless));
  /* Only system messages are notes. */
  customer->direction = FD_DIRECTION_IN;
  g_assert_null (fd_format_note (customer));

  future_item = fd_message_item_new (future, NULL, FD_SEND_STATE_SENT);
  old_item = fd_message_item_new (old, NULL, FD_SEND_STATE_SENT);
  g_assert_cmpstr (fd_message_item_get_text (future_item), ==, "Escalated by Jenna");
  g_assert_cmpstr (fd_message_item_get_text (old_item), ==, "Reserved by Jenna");
}

static void
test_unknown_browser (void)
{
  g_autoptr(FdConversation) chat = fd_conversation_new ();
  g_autoptr(FdConversation) email = fd_conversation_new ();
  g_autofree char *none = NULL;
  g_autofree char *no_os = NULL;
  g_autofree char *both = NULL;

  chat->kind = FD_STREAM_WEBCHAT;
  /* The server sends no name for what it did not recognise. */
  none = fd_format_browser (chat);
  g_assert_cmpstr (none, ==, "Unknown");
  chat->browser = g_strdup ("Firefox");
  no_os = fd_format_browser (chat);
  g_assert_cmpstr (no_os, ==, "Firefox on Unknown");
  chat->os = g_strdup ("Linux");
  both = fd_format_browser (chat);
  g_assert_cmpstr (both, ==, "Firefox on Linux");

  /* Other channels have no browser to name. */
  email->kind = FD_STREAM_EMAIL;
  g_assert_null (fd_format_browser (email));
  g_assert_null (fd_format_browser (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agent/format/wording/known-kinds", test_known_kinds);
  g_test_add_func ("/agent/format/wording/other-messages-keep-their-text", test_other_messages_keep_their_text);
  g_test_add_func ("/agent/format/wording/unknown-browser", test_unknown_browser);
  return g_test_run ();
}
