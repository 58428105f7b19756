#pragma once

/* User-Agent parsing: a small ordered table of browsers and systems. */

#include <glib.h>

G_BEGIN_DECLS

/* Reads the browser and OS from a User-Agent header (NULL when the small
 * table of known ones has no match: the conversation carries none, and the
 * app words it). Both outputs are owned. */
void fd_visitor_parse_user_agent (const char  *user_agent,
                                  char       **out_browser,
                                  char       **out_os);

G_END_DECLS
