#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The two-line rows of the chat window's lists (canned replies, resources,
 * colleagues, history): @title in bold, @subtitle dim and ellipsized, both
 * plain text; @payload is kept as "fd-payload" and @title is the row's
 * accessible label. */
GtkWidget *fd_list_row_new   (const char *title,
                              const char *subtitle,
                              const char *payload);
/* Removes every row of @list. */
void       fd_list_box_clear (GtkListBox *list);

G_END_DECLS
