#define G_LOG_DOMAIN "fd-widget-api"

#include "fd-config.h"
#include "fd-widget-api.h"
#include "fd-api-http.h"
#include "fd-center-actions.h"
#include "fd-cors.h"
#include "fd-protocol.h"

#include <string.h>

/* The widget script names its own version so that it links the stylesheet of
 * the same release; the file on disk carries this placeholder instead. */
#define VERSION_PLACEHOLDER "@FD_VERSION@"
#define WIDGETS_PLACEHOLDER "@FD_WIDGETS@"

#define CACHE_SHORT     "public, max-age=300, must-revalidate"
#define CACHE_IMMUTABLE "public, max-age=31536000, immutable"

#define DEMO_CSP "default-src 'self'; script-src 'self'; connect-src 'self'; " \
                 "style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"

typedef struct {
  const char *file;          /* below the data directory */
  const char *name;          /* as served below /widget/VERSION/ */
  const char *content_type;
  GBytes     *bytes;         /* NULL when the file could not be read */
  char       *etag;
} Asset;

enum { ASSET_SCRIPT, ASSET_STYLE, ASSET_DEMO, ASSET_DEMO_STYLE, N_ASSETS };

struct _FdWidgetApi
{
  GObject     parent_instance;

  FdStore    *store;
  FdCenter   *center;
  FdApiMount  mount;
  gboolean    demo;
  Asset       assets[N_ASSETS];
};

G_DEFINE_FINAL_TYPE (FdWidgetApi, fd_widget_api, G_TYPE_OBJECT)

static const Asset asset_table[N_ASSETS] = {
  [ASSET_SCRIPT] = { "widget/widget.js", "widget.js", "text/javascript; charset=utf-8", NULL, NULL },
  [ASSET_STYLE] = { "widget/widget.css", "widget.css", "text/css; charset=utf-8", NULL, NULL },
  [ASSET_DEMO] = { "demo/index.html", NULL, "text/html; charset=utf-8", NULL, NULL },
  [ASSET_DEMO_STYLE] = { "demo/demo.css", NULL, "text/css; charset=utf-8", NULL, NULL },
};

/* The data directory holding widget/ and demo/: the source tree while
 * developing and testing ($FD_SOURCE_DATADIR, then the configured one), else
 * the installed copy. */
static char *
find_asset (const char *file)
{
  const char *dirs[] = { g_getenv ("FD_SOURCE_DATADIR"), FD_SOURCE_DATADIR, FD_DATADIR };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = NULL;

      if (dirs[i] == NULL || dirs[i][0] == '\0')
        continue;
      path = g_build_filename (dirs[i], file, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

static void
load_asset (Asset *asset)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = find_asset (asset->file);
  g_autofree char *contents = NULL;
  g_autofree char *hash = NULL;
  gsize len = 0;

  if (path == NULL)
    {
      g_warning ("The widget file %s is missing; it will not be served.", asset->file);
      return;
    }
  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      g_warning ("Cannot read %s: %s", path, error->message);
      return;
    }
  if (strstr (contents, VERSION_PLACEHOLDER) != NULL)
    {
      g_autoptr(GString) text = g_string_new_len (contents, len);

      g_string_replace (text, VERSION_PLACEHOLDER, PACKAGE_VERSION, 0);
      len = text->len;
      g_free (contents);
      contents = g_string_free (g_steal_pointer (&text), FALSE);
    }
  hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
  asset->etag = g_strdup_printf ("\"%.32s\"", hash);
  asset->bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

/* GET and HEAD only; anything else is answered here. */
static gboolean
check_method (SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_strcmp0 (method, "GET") == 0 || g_strcmp0 (method, "HEAD") == 0)
    return TRUE;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
  respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Only GET and HEAD are allowed here.\n");
  return FALSE;
}

static gboolean
etag_matches (SoupServerMessage *msg,
              const char        *etag)
{
  const char *header = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                      "If-None-Match");

  g_autofree char *trimmed = NULL;

  if (header == NULL)
    return FALSE;
  trimmed = g_strstrip (g_strdup (header));
  if (g_strcmp0 (trimmed, "*") == 0)
    return TRUE;
  /* A list of tags, possibly weak (W/"…"): ours matches by its opaque part. */
  return strstr (header, etag) != NULL;
}

static void
serve_asset (SoupServerMessage *msg,
             const Asset       *asset,
             const char        *cache_control)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (asset->bytes == NULL)
    {
      respond_text (msg, SOUP_STATUS_NOT_FOUND, "The widget is not installed on this server.\n");
      return;
    }
  soup_message_headers_replace (headers, "Cache-Control", cache_control);
  soup_message_headers_replace (headers, "ETag", asset->etag);
  /* Public files without credentials: any site may load them with
   * crossorigin="anonymous", which Subresource Integrity needs. */
  soup_message_headers_replace (headers, "Access-Control-Allow-Origin", "*");
  soup_message_headers_replace (headers, "Cross-Origin-Resource-Policy", "cross-origin");
  if (etag_matches (msg, asset->etag))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, asset->content_type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (asset->bytes, NULL),
                                    g_bytes_get_size (asset->bytes));
}

static void
on_widget_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  FdWidgetApi *self = user_data;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "X-Content-Type-Options", "nosniff");
  if (!check_method (msg))
    return;

  if (g_strcmp0 (path, FD_WIDGET_API_SCRIPT) == 0)
    {
      serve_asset (msg, &self->assets[ASSET_SCRIPT], CACHE_SHORT);
      return;
    }
  if (g_str_has_prefix (path, FD_WIDGET_API_VERSIONED PACKAGE_VERSION "/"))
    {
      const char *name = path + strlen (FD_WIDGET_API_VERSIONED PACKAGE_VERSION "/");

      for (guint i = 0; i < N_ASSETS; i++)
        if (self->assets[i].name != NULL && g_str_equal (name, self->assets[i].name))
          {
            serve_asset (msg, &self->assets[i], CACHE_IMMUTABLE);
            return;
          }
    }
  /* Another release's files are not here: a year-long cache must never
   * hold this release's bytes under another version's URL. */
  respond_text (msg, SOUP_STATUS_NOT_FOUND, "There is no such widget file on this server.\n");
}

/* --- Stream info (docs/widget.md, proposed for docs/protocol.md) ---------- */

/* Only the settings a visitor may see: the title and greeting of the panel. */
static void
add_public_settings (JsonBuilder    *builder,
                     const FdStream *stream)
{
  static const char *const visible[] = { "title", "greeting" };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *settings;

  if (stream->settings_json == NULL ||
      !json_parser_load_from_data (parser, stream->settings_json, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  settings = json_node_get_object (root);
  for (guint i = 0; i < G_N_ELEMENTS (visible); i++)
    {
      JsonNode *member = json_object_get_member (settings, visible[i]);

      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING)
        {
          json_builder_set_member_name (builder, visible[i]);
          json_builder_add_string_value (builder, json_node_get_string (member));
        }
    }
}

static void
on_stream_info_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  FdWidgetApi *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *origin = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Origin");
  const char *key = path + strlen (FD_WIDGET_API_STREAMS);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Vary", "Origin");
  /* Whether a site may use a stream is not a secret: every answer, errors
   * included, is readable by the calling page, so the widget can say why. */
  if (origin != NULL)
    soup_message_headers_replace (headers, "Access-Control-Allow-Origin", origin);
  if (!check_method (msg))
    return;

  if (*key == '\0' || strchr (key, '/') != NULL || strlen (key) > FD_LIMIT_ID)
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_STREAM_INACTIVE, "This channel is no longer active.", 0);
      return;
    }
  stream = fd_store_get_stream_by_key (self->store, key, &error);
  if (stream == NULL)
    {
      if (g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        fd_api_respond_error (msg, FD_WIRE_ERROR_STREAM_INACTIVE, "This channel is no longer active.", 0);
      else
        fd_api_respond_gerror (msg, error);
      return;
    }
  if (stream->kind != FD_STREAM_WEBCHAT && stream->kind != FD_STREAM_CALLBACK)
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_STREAM_INACTIVE, "This channel is no longer active.", 0);
      return;
    }
  if (!fd_visitor_origin_allowed (stream, origin))
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_FORBIDDEN, "This channel is not available on this website.", 0);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, fd_stream_kind_to_string (stream->kind));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, stream->name != NULL ? stream->name : "");
  add_public_settings (builder, stream);
  json_builder_set_member_name (builder, "departments");
  json_builder_begin_array (builder);
  for (guint i = 0; stream->departments != NULL && stream->departments[i] != NULL; i++)
    json_builder_add_string_value (builder, stream->departments[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "agents_online");
  json_builder_add_boolean_value (builder, fd_center_count_joined (self->center, stream->queue_id) > 0);
  json_builder_end_object (builder);
  fd_api_respond_json (msg, SOUP_STATUS_OK, json_builder_get_root (builder));
}

/* With --demo the database was empty before the demo import, so the demo
 * organization is the first one; its first web chat and callback streams are
 * the ones the page embeds. */
static char *
demo_widgets (FdWidgetApi  *self,
              GError      **error)
{
  g_autoptr(GPtrArray) orgs = NULL;
  g_autoptr(GPtrArray) streams = NULL;
  g_autoptr(GString) html = g_string_new (NULL);
  gboolean have_chat = FALSE;
  gboolean have_callback = FALSE;

  orgs = fd_store_list_organizations (self->store, error);
  if (orgs == NULL)
    return NULL;
  if (orgs->len == 0)
    return g_strdup ("");
  streams = fd_store_list_streams (self->store, ((FdOrganization *) orgs->pdata[0])->id, FALSE, error);
  if (streams == NULL)
    return NULL;

  for (guint i = 0; i < streams->len; i++)
    {
      const FdStream *stream = streams->pdata[i];
      g_autofree char *key = NULL;

      if ((stream->kind == FD_STREAM_WEBCHAT && have_chat) ||
          (stream->kind == FD_STREAM_CALLBACK && have_callback) ||
          (stream->kind != FD_STREAM_WEBCHAT && stream->kind != FD_STREAM_CALLBACK))
        continue;
      have_chat |= stream->kind == FD_STREAM_WEBCHAT;
      have_callback |= stream->kind == FD_STREAM_CALLBACK;
      key = g_markup_escape_text (stream->key, -1);
      g_string_append_printf (html, "<script src=\"" FD_WIDGET_API_SCRIPT "\" data-stream=\"%s\" async></script>\n",
                              key);
    }
  return g_string_free (g_steal_pointer (&html), FALSE);
}

static void
on_demo_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FdWidgetApi *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const Asset *page = &self->assets[ASSET_DEMO];
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) html = NULL;
  g_autofree char *widgets = NULL;

  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  if (self->demo && g_strcmp0 (path, FD_WIDGET_API_DEMO "/demo.css") == 0)
    {
      if (check_method (msg))
        serve_asset (msg, &self->assets[ASSET_DEMO_STYLE], CACHE_SHORT);
      return;
    }
  if (!self->demo || page->bytes == NULL ||
      (g_strcmp0 (path, FD_WIDGET_API_DEMO) != 0 && g_strcmp0 (path, FD_WIDGET_API_DEMO "/") != 0))
    {
      respond_text (msg, SOUP_STATUS_NOT_FOUND, "There is no demo on this server.\n");
      return;
    }
  if (!check_method (msg))
    return;

  widgets = demo_widgets (self, &error);
  if (widgets == NULL)
    {
      g_warning ("Cannot list the demo streams: %s", error->message);
      respond_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "The demo page is not available right now.\n");
      return;
    }
  html = g_string_new_len (g_bytes_get_data (page->bytes, NULL), g_bytes_get_size (page->bytes));
  g_string_replace (html, WIDGETS_PLACEHOLDER, widgets, 1);

  /* The demo runs under the strict policy the widget promises to work with. */
  soup_message_headers_replace (headers, "Content-Security-Policy", DEMO_CSP);
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, page->content_type, SOUP_MEMORY_COPY, html->str, html->len);
}

static void
fd_widget_api_finalize (GObject *object)
{
  FdWidgetApi *self = FD_WIDGET_API (object);

  fd_api_unmount (&self->mount);
  for (guint i = 0; i < N_ASSETS; i++)
    {
      g_clear_pointer (&self->assets[i].bytes, g_bytes_unref);
      g_clear_pointer (&self->assets[i].etag, g_free);
    }

  G_OBJECT_CLASS (fd_widget_api_parent_class)->finalize (object);
}

static void
fd_widget_api_class_init (FdWidgetApiClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_widget_api_finalize;
}

static void
fd_widget_api_init (FdWidgetApi *self)
{
  memcpy (self->assets, asset_table, sizeof asset_table);
}

FdWidgetApi *
fd_widget_api_new (FdStore  *store,
                   FdCenter *center)
{
  FdWidgetApi *self;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (FD_IS_CENTER (center), NULL);

  self = g_object_new (FD_TYPE_WIDGET_API, NULL);
  self->store = store;
  self->center = center;
  for (guint i = 0; i < N_ASSETS; i++)
    load_asset (&self->assets[i]);
  return self;
}

static const FdApiRoute widget_routes[] = {
  { FD_WIDGET_API_SCRIPT, on_widget_cb, NULL },
  { "/widget", on_widget_cb, NULL },
  { FD_WIDGET_API_DEMO, on_demo_cb, NULL },
  { FD_WIDGET_API_STREAMS, on_stream_info_cb, NULL },
};

void
fd_widget_api_attach (FdWidgetApi *self,
                      SoupServer  *server)
{
  g_return_if_fail (FD_IS_WIDGET_API (self));
  g_return_if_fail (SOUP_IS_SERVER (server));
  g_return_if_fail (self->mount.server == NULL);

  fd_api_mount (&self->mount, server, widget_routes, G_N_ELEMENTS (widget_routes), NULL, 0, self);
}

void
fd_widget_api_set_demo (FdWidgetApi *self,
                        gboolean     demo)
{
  g_return_if_fail (FD_IS_WIDGET_API (self));
  self->demo = demo;
}
