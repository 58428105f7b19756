/* Preferences > CRM (FdCrmPreferences, docs/app.md "CRM") in the real
 * preferences window under Xvfb, with gnome-keyring as the Secret Service
 * (run-with-keyring.sh): the contact pop switch follows crm-contact-pop
 * (off by default); "Connect Your CRM User" runs the RFC 8252 loopback
 * flow against the fake authorization server (tests/agent/fd-fake-oauth.c),
 * the tokens land in the keyring and a new page finds the user there;
 * Disconnect removes them. Screenshot: crm-preferences.png. */

#include <adwaita.h>
#include <libsecret/secret.h>
#include <string.h>

#include "fd-crm-preferences.h"
#include "fd-fake-oauth.h"
#include "fd-preferences-window.h"

#define APP_ID     "io.github.frontdeskcc.Frontdesk"
#define SERVER_URL "http://frontdesk.test"
#define EMAIL      "agent@example.com"

static void
wait_until (gboolean (*done) (gpointer),
            gpointer  data)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
is_idle (gpointer page)
{
  return !fd_crm_preferences_get_busy (page);
}

static char *
stored_secret (void)
{
  static const SecretSchema schema = {
    FD_CRM_USER_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    { { "server", SECRET_SCHEMA_ATTRIBUTE_STRING }, { "email", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (&schema, NULL, &error, "server", SERVER_URL, "email", EMAIL, NULL);

  g_assert_no_error (error);
  return secret;
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  const char *dir = g_getenv ("FD_ARTIFACTS_DIR");
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (dir == NULL || width <= 0 || height <= 0)
    return;
  g_mkdir_with_parents (dir, 0755);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node, NULL);
  path = g_build_filename (dir, name, NULL);
  gdk_texture_save_to_png (texture, path);
  g_test_message ("screenshot: %s", path);
}

static void
test_connect (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  FdFakeOAuth *oauth = fd_fake_oauth_new ();
  g_autofree char *authorize = fd_fake_oauth_authorize_url (oauth);
  g_autofree char *token = fd_fake_oauth_token_url (oauth);
  g_autofree char *secret = NULL;
  GtkWidget *window;
  FdCrmPreferences *page;
  GtkWidget *again;

  g_settings_set_string (settings, "server-url", SERVER_URL);
  g_settings_set_string (settings, "email", EMAIL);
  g_settings_set_string (settings, "crm-authorize-url", authorize);
  g_settings_set_string (settings, "crm-token-url", token);
  g_settings_set_string (settings, "crm-client-id", FD_FAKE_OAUTH_CLIENT_ID);

  window = fd_preferences_window_new (NULL, settings);
  g_object_ref (window);
  page = FD_CRM_PREFERENCES (fd_preferences_window_get_crm_page (FD_PREFERENCES_WINDOW (window)));
  g_assert_nonnull (page);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (is_idle, page);
  g_assert_null (fd_crm_preferences_get_crm_user (page));

  /* The contact pop is off by default and follows the key. */
  g_assert_false (g_settings_get_boolean (settings, "crm-contact-pop"));
  fd_crm_preferences_set_launcher (page, fd_fake_oauth_browser, oauth);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "crm.connect", NULL));
  g_assert_true (fd_crm_preferences_get_busy (page));
  wait_until (is_idle, page);
  g_assert_null (fd_crm_preferences_get_error (page));
  g_assert_cmpstr (fd_crm_preferences_get_crm_user (page), ==, FD_FAKE_OAUTH_USER_ID);
  g_assert_true (oauth->verifier_ok);
  secret = stored_secret ();
  g_assert_nonnull (secret);
  g_assert_nonnull (strstr (secret, FD_FAKE_OAUTH_ACCESS));

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_parent (GTK_WIDGET (page))), "crm");
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  save_screenshot (window, "crm-preferences.png");

  /* A new page (the app restarted) finds the user in the keyring. */
  again = fd_crm_preferences_new (settings);
  g_object_ref_sink (again);
  wait_until (is_idle, again);
  g_assert_cmpstr (fd_crm_preferences_get_crm_user (FD_CRM_PREFERENCES (again)), ==, FD_FAKE_OAUTH_USER_ID);
  g_object_unref (again);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "crm.disconnect", NULL));
  wait_until (is_idle, page);
  g_assert_null (fd_crm_preferences_get_crm_user (page));
  g_clear_pointer (&secret, g_free);
  secret = stored_secret ();
  g_assert_null (secret);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  fd_fake_oauth_free (oauth);
}

int
main (int   argc,
      char *argv[])
{
  /* As fd_test_ui_init(): no AT-SPI registry writing to the TAP stdout,
   * X11 with the software renderer, settings in memory. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/preferences/crm/connect", test_connect);
  return g_test_run ();
}
