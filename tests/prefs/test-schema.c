#define G_LOG_DOMAIN "test-schema"

#include <gio/gio.h>

/* The schema is a contract between the preferences, the window and the
 * alerts (docs/app.md, "Settings and preferences"): every key with its
 * type and default, nothing more, nothing less. */

#define APP_ID "io.github.frontdeskcc.Frontdesk"

static const struct {
  const char *key;
  const char *type;
  const char *default_value;
} contract[] = {
  { "server-url", "s", "'http://127.0.0.1:8080'" },
  { "email", "s", "''" },
  { "join-queues-on-startup", "b", "false" },
  { "warn-last-agent-leaving", "b", "true" },
  { "show-unreplied-duration", "b", "true" },
  { "alert-notification", "b", "true" },
  { "alert-sound", "b", "true" },
  { "alert-sound-loop", "b", "true" },
  { "alert-duration", "u", "uint32 30" },
  { "alert-sound-file", "s", "''" },
  { "presence-idle-minutes", "u", "uint32 15" },
  { "presence-on-return", "s", "'ask'" },
  { "window-width", "i", "1100" },
  { "window-height", "i", "700" },
  { "window-maximized", "b", "false" },
  { "wallboard-agent-columns", "as",
    "['agent.closed-today', 'agent.held', 'agent.average-handle-time', 'agent.time-in-state']" },
  { "wallboard-center-columns", "as",
    "['center.waiting', 'center.longest-wait', 'center.agents-available', 'center.service-level']" },
  { "crm-contact-pop", "b", "false" },
  { "crm-authorize-url", "s", "''" },
  { "crm-token-url", "s", "''" },
  { "crm-client-id", "s", "''" },
};

static GSettingsSchema *
load_schema (void)
{
  const char *dir = g_getenv ("GSETTINGS_SCHEMA_DIR");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettingsSchemaSource) source = NULL;
  GSettingsSchema *schema;

  g_assert_nonnull (dir);
  source = g_settings_schema_source_new_from_directory (dir, NULL, TRUE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, APP_ID, FALSE);
  g_assert_nonnull (schema);
  return schema;
}

static void
test_keys (void)
{
  g_autoptr(GSettingsSchema) schema = load_schema ();
  g_auto(GStrv) keys = g_settings_schema_list_keys (schema);

  g_assert_cmpstr (g_settings_schema_get_path (schema), ==, "/io/github/frontdeskcc/Frontdesk/");
  g_assert_cmpuint (g_strv_length (keys), ==, G_N_ELEMENTS (contract));

  for (gsize i = 0; i < G_N_ELEMENTS (contract); i++)
    {
      g_autoptr(GSettingsSchemaKey) key = NULL;
      g_autoptr(GVariant) value = NULL;
      g_autofree char *printed = NULL;

      g_test_message ("key %s", contract[i].key);
      g_assert_true (g_settings_schema_has_key (schema, contract[i].key));
      key = g_settings_schema_get_key (schema, contract[i].key);
      g_assert_cmpstr ((const char *) g_settings_schema_key_get_value_type (key), ==, contract[i].type);
      value = g_settings_schema_key_get_default_value (key);
      printed = g_variant_print (value, TRUE);
      g_assert_cmpstr (printed, ==, contract[i].default_value);
    }
}

static void
test_alert_duration_range (void)
{
  g_autoptr(GSettingsSchema) schema = load_schema ();
  g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, "alert-duration");
  g_autoptr(GVariant) range = g_settings_schema_key_get_range (key);
  g_autoptr(GVariant) zero = g_variant_ref_sink (g_variant_new_uint32 (0));
  g_autoptr(GVariant) one = g_variant_ref_sink (g_variant_new_uint32 (1));
  g_autoptr(GVariant) max = g_variant_ref_sink (g_variant_new_uint32 (600));
  g_autoptr(GVariant) over = g_variant_ref_sink (g_variant_new_uint32 (601));
  g_autofree char *printed = g_variant_print (range, FALSE);

  g_assert_cmpstr (printed, ==, "('range', <(uint32 1, uint32 600)>)");
  g_assert_false (g_settings_schema_key_range_check (key, zero));
  g_assert_true (g_settings_schema_key_range_check (key, one));
  g_assert_true (g_settings_schema_key_range_check (key, max));
  g_assert_false (g_settings_schema_key_range_check (key, over));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schema/keys", test_keys);
  g_test_add_func ("/schema/alert-duration-range", test_alert_duration_range);

  return g_test_run ();
}
