#pragma once

/* The web widget's static files and the demo page (docs/widget.md):
 *
 *   /widget.js                      the embed URL: short max-age + ETag
 *   /widget/VERSION/widget.js       stable per release: immutable, a year
 *   /widget/VERSION/widget.css      the stylesheet the script links
 *   /demo                           a made-up business page embedding the
 *                                   demo site's widgets (only with --demo)
 *   /api/visitor/v1/streams/KEY     what the widget shows before a chat starts
 *                                   (kind, title, departments, agents online)
 */

#include <libsoup/soup.h>

#include "fd-center.h"
#include "fd-store.h"

G_BEGIN_DECLS

#define FD_WIDGET_API_SCRIPT     "/widget.js"
#define FD_WIDGET_API_VERSIONED  "/widget/"
#define FD_WIDGET_API_DEMO       "/demo"
#define FD_WIDGET_API_STREAMS    "/api/visitor/v1/streams/"

#define FD_TYPE_WIDGET_API (fd_widget_api_get_type ())
G_DECLARE_FINAL_TYPE (FdWidgetApi, fd_widget_api, FD, WIDGET_API, GObject)

/* @store and @center must outlive the object; the server owns all three. */
FdWidgetApi *fd_widget_api_new      (FdStore     *store,
                                     FdCenter    *center);
/* Adds the handlers to @server. */
void         fd_widget_api_attach   (FdWidgetApi *self,
                                     SoupServer  *server);
/* Serves /demo from now on (frontdeskd --demo). */
void         fd_widget_api_set_demo (FdWidgetApi *self,
                                     gboolean     demo);

G_END_DECLS
