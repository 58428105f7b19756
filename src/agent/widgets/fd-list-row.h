#pragma once

#include <gtk/gtk.h>

#include "fd-recent-files.h"

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
/* Fills @list with the recent attachments of @files (NULL: none), newest
 * first: the name (the path as tooltip and "fd-payload"), or "name
 * (missing)", insensitive, for a file no longer at its path. */
void       fd_list_box_fill_recent_files (GtkListBox    *list,
                                          FdRecentFiles *files);

G_END_DECLS
