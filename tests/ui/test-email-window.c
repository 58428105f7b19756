#define G_LOG_DOMAIN "test-email-window"

/* The agent's Email window (docs/app.md, "The Email window") end to end:
 * a real frontdeskd with the demo site and an email stream on Sales, a
 * real Dovecot (the stream's mailbox, where customers' mails arrive) and a
 * real aiosmtpd (where replies go), the window in-process under Xvfb. A
 * missing dovecot or aiosmtpd fails, never skips. */

#include <glib/gstdio.h>
#include <string.h>

#include "fd-application.h"
#include "fd-email-window.h"
#include "fd-mail-parse.h"
#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-dovecot.h"
#include "fd-test-server.h"
#include "fd-test-smtpd.h"
#include "fd-test-ui.h"
#include "fd-window.h"

#define MAILBOX_PASSWORD "mailbox-secret-1"
#define STREAM_ADDRESS   "support@example.test"
#define CUSTOMER         "alice@customer.test"
#define MAIL_WAIT_MS     30000

typedef struct {
  FdTestDovecot *dovecot;
  FdTestSmtpd   *smtpd;
  FdTestServer  *server;
  FdConnection  *jenna;
  gint64         org_id;
  gint64         stream_id;
} Fixture;

/* The demo site; an email stream on Sales ringing every member, reading
 * the Dovecot mailbox and sending to aiosmtpd (or to @data's port, where
 * nothing listens); Jenna signed in and joined to Sales. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dovecot = fd_test_dovecot_new_started (MAILBOX_PASSWORD);
  f->smtpd = fd_test_smtpd_new_mailbox ();
  f->server = fd_test_server_new ();
  /* One quick retry, then failed: the failure test sees both states. */
  fd_test_server_add_args (f->server, "--email-backoff-ms", "300", "--email-max-backoff-ms", "300",
                           "--email-idle-seconds", "5", "--email-smtp-attempts", "2", NULL);
  fd_test_server_start (f->server);
  f->stream_id = fd_test_dovecot_add_stream (f->dovecot, f->server, MAILBOX_PASSWORD, STREAM_ADDRESS,
                                             data != NULL ? fd_test_free_port () : fd_test_smtpd_get_port (f->smtpd),
                                             &f->org_id);

  f->jenna = fd_test_ui_sign_in (fd_test_server_get_url (f->server), FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  fd_test_ui_join_queue (f->jenna, "Sales");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  fd_connection_stop (f->jenna);
  fd_test_ui_spin (50);
  g_assert_finalize_object (g_steal_pointer (&f->jenna));
  g_clear_pointer (&f->server, fd_test_server_free);
  g_clear_pointer (&f->smtpd, fd_test_smtpd_free);
  g_clear_pointer (&f->dovecot, fd_test_dovecot_free);
}

/* --- mail ---------------------------------------------------------------------- */

/* A customer's mail: an HTML part with a script and a remote image, and a
 * small text attachment. */
static void
deliver_html_with_attachment (Fixture *f)
{
  static const char raw[] =
    "From: Alice Customer <" CUSTOMER ">\r\n"
    "To: " STREAM_ADDRESS "\r\n"
    "Subject: My order is late\r\n"
    "Message-ID: <order-1@customer.test>\r\n"
    "Date: Mon, 7 Dec 2026 09:00:00 +0000\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<html><body><p>Hello, my <b>order 7</b> is late.</p>"
    "<script>alert('stolen')</script>"
    "<img src=\"https://tracker.example/pixel.png\" alt=\"\">"
    "<p>Details: https://shop.example/orders/7</p></body></html>\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; name=\"receipt.txt\"\r\n"
    "Content-Disposition: attachment; filename=\"receipt.txt\"\r\n"
    "\r\n"
    "Order 7, paid.\r\n"
    "--b1--\r\n";

  fd_test_dovecot_deliver (f->dovecot, NULL, raw, -1);
}

static void
deliver_text (Fixture    *f,
              const char *message_id,
              const char *subject,
              const char *extra_headers,
              const char *text)
{
  fd_test_dovecot_deliver_text (f->dovecot, STREAM_ADDRESS, subject, message_id, "Mon, 7 Dec 2026 10:00:00 +0000",
                                extra_headers, text);
}

/* --- waits ------------------------------------------------------------------------ */

typedef struct {
  FdConnection *connection;
  gint64        id;    /* found */
} EmailLookup;

static gboolean
has_email_item (gpointer data)
{
  EmailLookup *lookup = data;
  GListModel *model = G_LIST_MODEL (fd_session_get_activity_model (fd_connection_get_session (lookup->connection)));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FdConversationItem) item = g_list_model_get_item (model, i);

      if (fd_conversation_item_get_conversation (item)->kind == FD_STREAM_EMAIL)
        {
          lookup->id = fd_conversation_item_get_id (item);
          return TRUE;
        }
    }
  return FALSE;
}

static gint64
wait_email (Fixture *f)
{
  EmailLookup lookup = { f->jenna, 0 };

  fd_test_ui_wait_ms (has_email_item, &lookup, MAIL_WAIT_MS, "the mail in the Activity List");
  return lookup.id;
}

static gboolean
is_loaded (gpointer window)
{
  return fd_conversation_model_get_loaded (fd_email_window_get_model (window)) &&
         fd_email_thread_get_shown (fd_email_window_get_thread (window)) != NULL &&
         g_list_model_get_n_items (fd_email_thread_get_shown (fd_email_window_get_thread (window))) > 0;
}

static gboolean
is_reserved (gpointer window)
{
  return fd_conversation_model_get_reserved (fd_email_window_get_model (window));
}

static FdEmailWindow *
open_window (Fixture *f,
             gint64   id)
{
  FdEmailWindow *window = fd_email_window_new (NULL, f->jenna, id);

  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (is_loaded, window, "the mail in the window");
  fd_test_ui_spin (100);
  return window;
}

static FdEmailMessageView *
view_at (FdEmailWindow *window,
         guint          position)
{
  FdEmailMessageView *view = NULL;

  for (guint i = 0; i < 50 && view == NULL; i++)
    {
      view = fd_email_thread_get_view (fd_email_window_get_thread (window), position);
      if (view == NULL)
        fd_test_ui_spin (20);
    }
  g_assert_nonnull (view);
  return view;
}

static guint
n_shown (FdEmailWindow *window)
{
  return g_list_model_get_n_items (fd_email_thread_get_shown (fd_email_window_get_thread (window)));
}

typedef struct {
  FdEmailWindow *window;
  guint          position;
  const char    *prefix;
} StateWait;

static gboolean
has_state (gpointer data)
{
  StateWait *wait = data;
  FdEmailMessageView *view = fd_email_thread_get_view (fd_email_window_get_thread (wait->window), wait->position);

  return view != NULL && g_str_has_prefix (fd_email_message_view_get_state_text (view), wait->prefix);
}

static void
wait_state (FdEmailWindow *window,
            const char    *prefix)
{
  StateWait wait = { window, 0, prefix };

  fd_test_ui_wait_ms (has_state, &wait, MAIL_WAIT_MS, prefix);
}

typedef struct {
  FdEmailWindow *window;
  guint          n;
} CountWait;

static gboolean
has_n_shown (gpointer data)
{
  CountWait *wait = data;

  return n_shown (wait->window) >= wait->n;
}

static gboolean
has_attachments (gpointer composer)
{
  return fd_email_composer_get_attachments (composer)->len > 0 && fd_email_composer_get_n_uploading (composer) == 0;
}

static gboolean
has_rows (gpointer list)
{
  return fd_test_ui_count_rows (list) > 0;
}

static gboolean
has_one_row (gpointer list)
{
  return fd_test_ui_count_rows (list) == 1;
}

static char *
reply_text (FdEmailWindow *window)
{
  return fd_email_composer_dup_text (fd_email_window_get_composer (window));
}

/* Ctrl+Enter in the reply, as its key controller sees a real key press. */
static gboolean
press_ctrl_enter (FdEmailWindow *window)
{
  GtkWidget *view = GTK_WIDGET (fd_email_composer_get_view (fd_email_window_get_composer (window)));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (view);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        {
          g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Return, 0, GDK_CONTROL_MASK, &handled);
          return handled;
        }
    }
  g_assert_not_reached ();
}

static gboolean
has_part_named (FdMail     *mail,
                const char *name)
{
  for (guint i = 0; i < mail->parts->len; i++)
    if (g_strcmp0 (((FdMailPart *) g_ptr_array_index (mail->parts, i))->filename, name) == 0)
      return TRUE;
  return FALSE;
}

/* The position of the thread's first system note ("Reserved by …"), -1
 * when none is shown yet. */
static int
find_note (FdEmailWindow *window)
{
  GListModel *shown = fd_email_thread_get_shown (fd_email_window_get_thread (window));

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(FdMessageItem) item = g_list_model_get_item (shown, i);

      if (fd_message_item_get_direction (item) == FD_DIRECTION_SYSTEM)
        return (int) i;
    }
  return -1;
}

static gboolean
has_note (gpointer window)
{
  return find_note (window) >= 0;
}

static gboolean
is_visible_expander (gpointer      widget,
                     gconstpointer data)
{
  return GTK_IS_EXPANDER (widget) && gtk_widget_is_visible (widget);
}

static gboolean
is_visible_label_with (gpointer      widget,
                       gconstpointer text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_is_visible (widget) &&
         g_str_has_prefix (gtk_label_get_text (widget), text);
}

/* The status line names the blocked extension (the server's sentence). */
static gboolean
has_blocked_status (gpointer window)
{
  return strstr (fd_email_window_get_status (window), "txt") != NULL;
}

static void
set_blocked_extensions (Fixture    *f,
                        const char *json)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT, f->org_id);
  g_autofree char *body = g_strdup_printf ("{\"blocked_extensions\":%s}", json);

  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, body, 200));
}

/* The customer's attachment downloads with its bytes; once its type is
 * blocked, Open is refused with the server's reason and writes nothing. */
static void
check_attachment_download (Fixture            *f,
                           FdEmailWindow      *window,
                           FdEmailMessageView *view)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (fd_email_message_view_get_attachments (view), 0);
  const FdAttachment *attachment = g_object_get_data (G_OBJECT (row), "fd-attachment");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cached = g_build_filename (g_get_user_cache_dir (), "frontdesk", "attachments", "receipt.txt",
                                              NULL);
  GtkWidget *open;

  fd_connection_download_file_async (f->jenna, attachment->url, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "the attachment's download");
  bytes = fd_connection_download_file_finish (f->jenna, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "Order 7, paid."));

  set_blocked_extensions (f, "[\"default\",\"txt\"]");
  /* The row: the name, Open, Save. */
  open = gtk_widget_get_next_sibling (gtk_widget_get_first_child (gtk_list_box_row_get_child (row)));
  g_assert_true (GTK_IS_BUTTON (open));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (open), ==, "Open “receipt.txt”");
  g_signal_emit_by_name (open, "clicked");
  g_assert_null (strstr (fd_email_window_get_status (window), "txt"));
  fd_test_ui_wait (has_blocked_status, window, "the refusal to open a blocked file");
  g_test_message ("blocked: %s", fd_email_window_get_status (window));
  g_assert_false (g_file_test (cached, G_FILE_TEST_EXISTS));
  set_blocked_extensions (f, "null");
}

/* --- tests -------------------------------------------------------------------------- */

/* Address lists as the reply area checks them. */
static void
test_addresses (void)
{
  static const char *const good[] = {
    "a@b.example", "Alice <alice@customer.test>", " a@b.example , c.d+e@f-g.example ", "",
    "a@b.example; \"Doe, Jane\" <jane@c.example>",
  };
  static const char *const bad[] = {
    "not an address", "@b.example", "a@@b.example", "a@b.example, x", "Alice <alice@>",
    "a b@c.example", "Alice <alice@customer.test",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("good: %s", good[i]);
      g_assert_true (fd_email_composer_check_addresses (good[i], FALSE, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("bad: %s", bad[i]);
      g_assert_false (fd_email_composer_check_addresses (bad[i], FALSE, &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "is not an email address"));
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (fd_email_composer_check_addresses (" , ", TRUE, &error));
    g_assert_nonnull (error);
  }
}

/* The end-to-end flow: the mail appears, opens with its attachment
 * under the subject and without the script; reserved, a canned reply and
 * an attachment, Ctrl+Enter; the customer's mailbox gets the reply in the
 * same thread with the attachment; the customer's answer appears in the
 * same window. A bad Cc is refused on the way. */
static void
test_flow (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(FdMail) reply = NULL;
  g_autofree char *canned = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *headers = NULL;
  g_autoptr(GFile) file = NULL;
  FdEmailWindow *window;
  FdEmailComposer *composer;
  FdEmailMessageView *original;
  GtkListBox *list;
  GtkListBoxRow *row;
  CountWait count;
  guint base;
  gint64 id;

  deliver_html_with_attachment (f);
  id = wait_email (f);
  window = open_window (f, id);
  composer = fd_email_window_get_composer (window);

  /* The customer's original: subject, attachment right below it, the text
   * of the HTML part without the script or the remote image. */
  g_assert_cmpuint (n_shown (window), ==, 1);
  original = view_at (window, 0);
  g_assert_true (fd_email_message_view_get_expanded (original));
  g_assert_cmpstr (fd_email_message_view_get_subject (original), ==, "My order is late");
  g_assert_true (fd_email_message_view_attachments_below_subject (original));
  list = fd_email_message_view_get_attachments (original);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (list)));
  g_assert_cmpuint (fd_test_ui_count_rows (list), ==, 1);
  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_cmpstr (((FdAttachment *) g_object_get_data (G_OBJECT (row), "fd-attachment"))->name, ==, "receipt.txt");
  g_test_message ("text: %s", fd_email_message_view_get_text (original));
  g_assert_nonnull (strstr (fd_email_message_view_get_text (original), "order 7"));
  g_assert_nonnull (strstr (fd_email_message_view_get_text (original), "https://shop.example/orders/7"));
  g_assert_null (strstr (fd_email_message_view_get_text (original), "stolen"));
  g_assert_null (strstr (fd_email_message_view_get_text (original), "script"));
  g_assert_null (strstr (fd_email_message_view_get_text (original), "tracker.example"));
  g_assert_nonnull (strstr (fd_email_message_view_get_header (original, "From"), CUSTOMER));
  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (window), "email-window-new.png"));
  check_attachment_download (f, window, original);

  /* Before reserving: nothing can be sent. */
  g_assert_false (fd_email_window_send (window));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (composer)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "email.reserve", NULL));
  fd_test_ui_wait (is_reserved, window, "the reservation");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (composer)));
  /* The mail and the note of the reservation: the note is one plain line,
   * no expander with nothing in it. */
  fd_test_ui_wait (has_note, window, "the reservation's note");
  base = n_shown (window);
  g_assert_cmpuint (base, >=, 2);
  {
    FdEmailMessageView *note = view_at (window, (guint) find_note (window));
    const char *note_text = fd_message_item_get_text (fd_email_message_view_get_item (note));

    g_test_message ("note: %s", note_text);
    g_assert_cmpstr (note_text, !=, "");
    g_assert_null (fd_test_ui_find_widget (GTK_WIDGET (note), is_visible_expander, NULL));
    g_assert_nonnull (fd_test_ui_find_widget (GTK_WIDGET (note), is_visible_label_with, note_text));
  }

  /* Prefilled for a reply. */
  g_assert_cmpstr (gtk_editable_get_text (fd_email_composer_get_to (composer)), ==, "Alice Customer <" CUSTOMER ">");
  g_assert_cmpstr (gtk_editable_get_text (fd_email_composer_get_subject (composer)), ==, "Re: My order is late");
  g_assert_true (gtk_widget_get_visible (fd_email_composer_get_placeholder (composer)));

  /* A canned reply goes into the reply, not out. */
  list = fd_email_window_get_canned_list (window);
  fd_test_ui_wait (has_rows, list, "the canned replies");
  gtk_editable_set_text (fd_email_window_get_canned_search (window), "Pricing");
  fd_test_ui_wait (has_one_row, list, "the search for Pricing");
  row = gtk_list_box_get_row_at_index (list, 0);
  canned = g_strdup (g_object_get_data (G_OBJECT (row), "fd-payload"));
  g_signal_emit_by_name (list, "row-activated", row);
  text = reply_text (window);
  g_assert_cmpstr (text, ==, canned);
  g_assert_cmpuint (fd_conversation_model_get_n_pending (fd_email_window_get_model (window)), ==, 0);
  g_assert_cmpuint (n_shown (window), ==, base);

  /* A bad Cc: the field says so as it is typed, and Send is refused. */
  gtk_editable_set_text (fd_email_composer_get_cc (composer), "bob@partner.test, not an address");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (fd_email_composer_get_cc (composer)), "error"));
  g_assert_true (g_str_has_prefix (fd_email_composer_get_error (composer), "Cc: “not an address” is not an email address."));
  g_assert_true (press_ctrl_enter (window));
  g_assert_true (g_str_has_prefix (fd_email_composer_get_error (composer), "Cc: “not an address” is not an email address."));
  g_assert_cmpuint (n_shown (window), ==, base);
  g_assert_cmpuint (fd_conversation_model_get_n_pending (fd_email_window_get_model (window)), ==, 0);
  gtk_editable_set_text (fd_email_composer_get_cc (composer), "");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (fd_email_composer_get_cc (composer)), "error"));
  g_assert_cmpstr (fd_email_composer_get_error (composer), ==, "");

  /* An attachment, uploaded and listed in the reply. */
  dir = g_dir_make_tmp ("email-window-XXXXXX", NULL);
  path = g_build_filename (dir, "price list.txt", NULL);
  g_assert_true (g_file_set_contents (path, "Widgets: 10 EUR\n", -1, NULL));
  file = g_file_new_for_path (path);
  fd_email_window_attach_file (window, file);
  fd_test_ui_wait (has_attachments, composer, "the upload");
  g_assert_cmpstr (((FdAttachment *) g_ptr_array_index (fd_email_composer_get_attachments (composer), 0))->name, ==,
                   "price list.txt");
  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (window), "email-window-reply-attachments.png"));

  /* Ctrl+Enter sends: shown at once on top, then queued, then sent. */
  g_assert_true (press_ctrl_enter (window));
  g_assert_cmpstr (fd_email_composer_get_error (composer), ==, "");
  g_free (text);
  text = reply_text (window);
  g_assert_cmpstr (text, ==, "");
  g_assert_cmpuint (fd_email_composer_get_attachments (composer)->len, ==, 0);
  count = (CountWait) { window, base + 1 };
  fd_test_ui_wait (has_n_shown, &count, "the reply in the thread");
  wait_state (window, "Sent");
  g_assert_cmpstr (fd_email_message_view_get_text (view_at (window, 0)), ==, canned);
  g_assert_cmpuint (fd_test_ui_count_rows (fd_email_message_view_get_attachments (view_at (window, 0))), ==, 1);
  /* The newest and the original (at the bottom) open. */
  g_assert_true (fd_email_message_view_get_expanded (view_at (window, 0)));
  g_assert_true (fd_email_message_view_get_expanded (view_at (window, base)));
  g_assert_cmpstr (fd_email_message_view_get_subject (view_at (window, base)), ==, "My order is late");

  /* The customer's mailbox: one reply, threaded, with the attachment. */
  sent = fd_test_smtpd_wait_messages (f->smtpd, 1);
  reply = fd_test_smtpd_parse_message (g_ptr_array_index (sent, 0));
  g_assert_cmpstr (((FdMailAddress *) g_ptr_array_index (reply->to, 0))->address, ==, CUSTOMER);
  g_assert_true (g_str_has_prefix (reply->subject, "Re: My order is late"));
  g_assert_cmpstr (reply->in_reply_to, ==, "order-1@customer.test");
  g_assert_cmpuint (reply->references->len, >=, 1);
  g_assert_cmpstr (g_ptr_array_index (reply->references, reply->references->len - 1), ==, "order-1@customer.test");
  g_assert_nonnull (strstr (reply->text, canned));
  g_assert_true (has_part_named (reply, "price list.txt"));

  /* The customer answers: the same window, on top. */
  headers = g_strdup_printf ("In-Reply-To: <%s>\r\nReferences: <order-1@customer.test> <%s>\r\n",
                             reply->message_id, reply->message_id);
  deliver_text (f, "order-2@customer.test", "Re: My order is late", headers, "Thanks, it arrived today.");
  count = (CountWait) { window, base + 2 };
  fd_test_ui_wait_ms (has_n_shown, &count, MAIL_WAIT_MS, "the customer's answer in the window");
  g_assert_cmpstr (fd_email_message_view_get_text (view_at (window, 0)), ==, "Thanks, it arrived today.");
  g_assert_true (fd_email_message_view_get_expanded (view_at (window, 0)));
  /* The agent's reply is now between: collapsed. */
  g_assert_false (fd_email_message_view_get_expanded (view_at (window, 1)));
  g_assert_true (fd_email_message_view_get_expanded (view_at (window, base + 1)));
  g_assert_cmpuint (fd_test_smtpd_count (f->smtpd), ==, 1);

  fd_test_ui_close_window (window);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The stream's SMTP server is down: the reply is queued, then failed with
 * the reason, also after the window was closed and opened again; Retry
 * once the server is back sends it once. */
static void
test_failed_smtp (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(FdMail) reply = NULL;
  FdEmailWindow *window;
  FdEmailComposer *composer;
  FdEmailMessageView *view;
  const char *state;
  gint64 id;

  deliver_text (f, "q-1@customer.test", "Where is my parcel?", NULL, "It has not arrived.");
  id = wait_email (f);
  window = open_window (f, id);
  composer = fd_email_window_get_composer (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "email.reserve", NULL));
  fd_test_ui_wait (is_reserved, window, "the reservation");
  fd_email_composer_insert (composer, "It left our warehouse yesterday.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "email.send", NULL));
  g_assert_cmpstr (fd_email_composer_get_error (composer), ==, "");

  /* Closed while queued; opened again, the reply shows where it is. */
  wait_state (window, "");
  fd_test_ui_close_window (window);
  window = open_window (f, id);
  view = view_at (window, 0);
  g_assert_cmpstr (fd_email_message_view_get_text (view), ==, "It left our warehouse yesterday.");
  state = fd_email_message_view_get_state_text (view);
  g_test_message ("state after reopening: %s", state);
  g_assert_true (g_str_equal (state, "Queued") || g_str_has_prefix (state, "Failed: "));

  wait_state (window, "Failed: ");
  view = view_at (window, 0);
  g_test_message ("%s", fd_email_message_view_get_state_text (view));
  g_assert_cmpuint (strlen (fd_email_message_view_get_state_text (view)), >, strlen ("Failed: "));
  g_assert_true (gtk_widget_get_visible (fd_email_message_view_get_retry_button (view)));
  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (window), "email-window-failed.png"));
  g_assert_cmpuint (fd_test_smtpd_count (f->smtpd), ==, 0);

  /* The server is back: Retry sends it, once. */
  fd_test_dovecot_set_stream_smtp (f->dovecot, f->server, f->org_id, f->stream_id, STREAM_ADDRESS,
                                   fd_test_smtpd_get_port (f->smtpd));
  gtk_widget_activate (fd_email_message_view_get_retry_button (view));
  wait_state (window, "Sent");
  sent = fd_test_smtpd_wait_messages (f->smtpd, 1);
  reply = fd_test_smtpd_parse_message (g_ptr_array_index (sent, 0));
  g_assert_nonnull (strstr (reply->text, "It left our warehouse yesterday."));
  g_assert_cmpstr (reply->in_reply_to, ==, "q-1@customer.test");
  fd_test_ui_spin (1000);
  g_assert_cmpuint (fd_test_smtpd_count (f->smtpd), ==, 1);
  g_assert_false (gtk_widget_get_visible (fd_email_message_view_get_retry_button (view_at (window, 0))));
  fd_test_ui_close_window (window);
}

/* --- through the app ------------------------------------------------------------ */

typedef struct {
  Fixture *f;
  gint64   id;
} AppRun;

static gboolean
is_email_window_of (gpointer      object,
                    gconstpointer data)
{
  return FD_IS_EMAIL_WINDOW (object) && fd_email_window_get_id (object) == *(const gint64 *) data;
}

static gboolean
has_email_window (gpointer data)
{
  return fd_test_ui_find_toplevel (is_email_window_of, data) != NULL;
}

static gboolean
is_window_visible (gpointer window)
{
  return gtk_widget_get_visible (window);
}

static gboolean
has_customer_row (gpointer window)
{
  return fd_test_ui_find_row (window, "Alice Customer") >= 0;
}

/* Natalie in the real app: the mail's row activated in the Activity List
 * (double-click and Enter activate activity.open) opens one Email window
 * for it; activated again, the same window is presented. */
static void
run_from_activity_list (FdApplication *app,
                        AppRun        *run)
{
  g_autoptr(FdWindow) window = g_object_ref (fd_test_ui_app_window (app));
  FdActivityList *list = fd_window_get_activity_list (window);
  FdEmailWindow *email;
  EmailLookup lookup;
  int row;

  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), fd_test_server_get_url (run->f->server),
                          FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "the main page after sign-in");
  fd_test_ui_join_queue (fd_window_get_connection (window), "Sales");
  deliver_text (run->f, "question-1@customer.test", "Where is my parcel?", NULL, "It has not come.");
  lookup = (EmailLookup) { fd_window_get_connection (window), 0 };
  fd_test_ui_wait_ms (has_email_item, &lookup, MAIL_WAIT_MS, "the mail in the app's Activity List");
  run->id = lookup.id;
  fd_test_ui_wait (has_customer_row, window, "the mail's row");

  g_assert_cmpuint (fd_test_ui_count_toplevels (FD_TYPE_EMAIL_WINDOW), ==, 0);
  row = fd_test_ui_find_row (window, "Alice Customer");
  fd_activity_list_select (list, (guint) row);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.open", NULL));
  fd_test_ui_wait (has_email_window, &run->id, "the Email window");
  email = fd_test_ui_find_toplevel (is_email_window_of, &run->id);
  g_assert_cmpuint (fd_test_ui_count_toplevels (FD_TYPE_EMAIL_WINDOW), ==, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (email)));
  fd_test_ui_wait (is_loaded, email, "the mail in the Email window");
  g_assert_cmpstr (fd_email_message_view_get_subject (view_at (email, 0)), ==, "Where is my parcel?");

  /* Hidden (its X only hides it), then activated again: the same window. */
  gtk_window_close (GTK_WINDOW (email));
  fd_test_ui_spin (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (email)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.open", NULL));
  fd_test_ui_wait (is_window_visible, email, "the same Email window presented again");
  g_assert_true (fd_test_ui_find_toplevel (is_email_window_of, &run->id) == (gpointer) email);
  g_assert_cmpuint (fd_test_ui_count_toplevels (FD_TYPE_EMAIL_WINDOW), ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.quit", NULL));
  fd_test_ui_spin (100);
  g_assert_null (fd_test_ui_app_window (app));
  g_assert_finalize_object (g_steal_pointer (&window));
}

static void
test_from_activity_list (Fixture       *f,
                         gconstpointer  data)
{
  AppRun run = { f, 0 };

  fd_test_ui_run_app (fd_test_ui_new_app (), (FdTestUiRun) run_from_activity_list, &run);
  g_assert_cmpint (run.id, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  fd_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/email-window/addresses", test_addresses);
  g_test_add ("/ui/email-window/flow", Fixture, NULL, fixture_set_up, test_flow, fixture_tear_down);
  g_test_add ("/ui/email-window/from-activity-list", Fixture, NULL, fixture_set_up, test_from_activity_list,
              fixture_tear_down);
  g_test_add ("/ui/email-window/failed-smtp", Fixture, GINT_TO_POINTER (1), fixture_set_up, test_failed_smtp,
              fixture_tear_down);
  return g_test_run ();
}
