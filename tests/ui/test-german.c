#define G_LOG_DOMAIN "test-german"

/* The app in German (docs/app.md, "Translations"): the main window and a
 * Web Chat window run with LANGUAGE=de in the C.UTF-8 locale, their text
 * domain bound to the catalogs of this build (FD_TEST_LOCALEDIR); German
 * text is shown (also the transcript's note of the reservation, which the
 * server sends as a kind and the app words), and screenshots go to the
 * artifacts as main-window-de.png and chat-window-de.png. */

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "fd-chat-window.h"
#include "fd-config.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-window.h"

#define JENNA_EMAIL    "jenna@kakapo.example"
#define JENNA_PASSWORD "jenna-demo"
#define CHAT_KEY       "kakapo-website-chat"

static gboolean
shows_list (gpointer window)
{
  return g_strcmp0 (fd_window_get_activity_page (window), "list") == 0;
}

static gboolean
has_size (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

/* The transcript has the German note of Jenna's reservation. */
static gboolean
has_german_note (gpointer window)
{
  g_autofree char *transcript = fd_chat_window_dup_transcript (window);

  return transcript != NULL && strstr (transcript, "Reserviert von Jenna") != NULL;
}

static void
save_screenshot (gpointer    widget,
                 const char *name)
{
  g_autofree char *path = NULL;

  fd_test_ui_wait (has_size, widget, name);
  fd_test_ui_spin (300);
  path = fd_test_ui_save_screenshot (widget, name);
  g_test_message ("Saved %s", path);
}

/* The catalog is the build's, and it is German: without it every
 * assertion below would read English. */
static void
test_german_catalog (void)
{
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, "de");
  g_assert_cmpstr (_("Queues"), ==, "Warteschlangen");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "Conversation Still Open", "Conversations Still Open", 1),
                   ==, "Gespräch noch offen");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "Conversation Still Open", "Conversations Still Open", 2),
                   ==, "Gespräche noch offen");
}

/* The main window of an agent joined to nothing (the queue's indicator),
 * then to Sales with a visitor waiting (the row's status). */
static FdWindow *
show_main_window (FdConnection   *jenna,
                  FdTestServer   *server,
                  FdTestVisitor **visitor)
{
  FdTestUiItemLookup lookup = { jenna, 0 };
  FdWindow *window = fd_window_new (NULL, NULL);
  FdQueueSidebar *sidebar = fd_window_get_queue_sidebar (window);
  g_autofree char *status = NULL;
  int sales = fd_test_ui_find_queue (jenna, "Sales");

  g_object_ref (window);
  fd_window_set_connection (window, jenna);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 640);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "the main page");
  g_assert_cmpint (sales, >=, 0);
  g_assert_cmpstr (fd_queue_sidebar_get_indicator (sidebar, (guint) sales), ==, "Nicht beigetreten");

  fd_test_ui_join_queue (jenna, "Sales");
  *visitor = fd_test_visitor_start (server, CHAT_KEY, "Natalie Maines");
  fd_test_visitor_connect (*visitor);
  fd_test_visitor_send (*visitor, "v1", "Guten Tag, ich habe eine Frage zu meiner Rechnung.");
  lookup.id = (*visitor)->conversation_id;
  fd_test_ui_wait (fd_test_ui_has_activity_item, &lookup, "the offer in the Activity List");
  fd_test_ui_wait (shows_list, window, "the Activity List in the window");
  status = fd_activity_list_dup_cell_text (fd_window_get_activity_list (window), 0, FD_TEST_UI_COL_STATUS);
  g_assert_true (g_str_has_prefix (status, "Nicht reserviert"));
  g_assert_cmpstr (fd_queue_sidebar_get_indicator (sidebar, (guint) sales), ==, "Beigetreten");
  save_screenshot (window, "main-window-de.png");
  return window;
}

static void
test_german_windows (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  FdWindow *window;
  FdChatWindow *chat;

  fd_test_server_add_args (server, "--demo", NULL);
  fd_test_server_start (server);
  jenna = fd_test_ui_sign_in (fd_test_server_get_url (server), JENNA_EMAIL, JENNA_PASSWORD);
  window = show_main_window (jenna, server, &visitor);

  /* The Web Chat window of the waiting visitor: its title in German. */
  chat = fd_chat_window_new (NULL, jenna, visitor->conversation_id);
  gtk_window_present (GTK_WINDOW (chat));
  fd_test_ui_wait (fd_test_ui_chat_is_loaded, chat, "the transcript");
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (chat)), "Gespräch: "));

  /* Reserved: the server's note ("Reserved by …", kind "reserved") reads
   * in German, and its English text is not shown. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (chat), "chat.reserve", NULL));
  fd_test_ui_wait (fd_test_ui_chat_is_reserved, chat, "the reservation");
  fd_test_ui_wait (has_german_note, chat, "the German note of the reservation");
  {
    g_autofree char *transcript = fd_chat_window_dup_transcript (chat);

    g_assert_null (strstr (transcript, "Reserved by"));
  }
  save_screenshot (chat, "chat-window-de.png");

  gtk_window_destroy (GTK_WINDOW (chat));
  gtk_window_destroy (GTK_WINDOW (window));
  fd_test_ui_spin (100);
  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  /* LANGUAGE is honoured in any locale but C and POSIX; C.UTF-8 is in
   * every glibc, a German locale need not be installed. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, FD_TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  fd_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/german/catalog", test_german_catalog);
  g_test_add_func ("/ui/german/windows", test_german_windows);
  return g_test_run ();
}
