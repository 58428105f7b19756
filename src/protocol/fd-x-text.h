#pragma once

/* How X (Twitter) counts a post's length (docs/twitter.md, "Length"):
 * the weighted length of twitter-text's version 3 configuration, which X
 * applies to every post. The text is NFC-normalized; a code point in
 * U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F or U+2032–U+2037 counts 1,
 * any other 2; an emoji sequence (a base with its modifiers, joiners,
 * variation selectors and tags, a flag's two regional indicators, a
 * keycap) counts 2 in all; a URL counts 23 whatever its length. A public
 * post may weigh at most 280. The app shows the same count as the agent
 * types; the server checks it before sending. */

#include <glib.h>

G_BEGIN_DECLS

#define FD_X_MAX_WEIGHTED_LENGTH 280
#define FD_X_URL_WEIGHT          23

/* The weighted length of @text (UTF-8); -1 when it is not valid UTF-8. */
gint     fd_x_weighted_length (const char *text);

/* TRUE when @text may be posted publicly: valid UTF-8, not empty once
 * trimmed, weighing at most FD_X_MAX_WEIGHTED_LENGTH. @length (may be
 * NULL) receives the weighted length. */
gboolean fd_x_text_fits       (const char *text,
                               gint       *length);

G_END_DECLS
