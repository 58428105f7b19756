#pragma once

#include <gtk/gtk.h>

#include "fd-recent-files.h"

G_BEGIN_DECLS

/* The "Add attachment" button with its "Recent attachments" menu button,
 * as the Web Chat compose area, the Twitter composer and the Email window
 * have them, written once: the file chooser, the recent list filled from
 * an FdRecentFiles, the right click on Add attachment that opens the
 * recent ones. A widget embeds one FdRecentAttachments, sets it up with
 * fd_recent_attachments_init() after gtk_widget_init_template(), forwards
 * its template's "show" of the popover and "row-activated" of the list,
 * and calls fd_recent_attachments_dispose() from its dispose. */

/* Whether @owner can take a file now (NULL: always). */
typedef gboolean (*FdRecentAttachmentsReady)  (GtkWidget *owner);
/* Attaches @file in @owner's way. */
typedef void     (*FdRecentAttachmentsAttach) (GtkWidget *owner,
                                               GFile     *file);

typedef struct
{
  GtkWidget                 *owner;
  GtkWidget                 *recent_button;   /* a GtkMenuButton */
  GtkListBox                *recent_list;
  FdRecentAttachmentsReady   ready;
  FdRecentAttachmentsAttach  attach;

  FdRecentFiles             *recent_files;
  GtkFileChooserNative      *chooser;         /* the open "Add Attachment" dialog, or NULL */
} FdRecentAttachments;

void fd_recent_attachments_init              (FdRecentAttachments      *self,
                                              GtkWidget                *owner,
                                              GtkWidget                *attach_button,
                                              GtkWidget                *recent_button,
                                              GtkListBox               *recent_list,
                                              FdRecentAttachmentsReady  ready,
                                              FdRecentAttachmentsAttach attach);
void fd_recent_attachments_set_recent_files  (FdRecentAttachments      *self,
                                              FdRecentFiles            *recent_files);
void fd_recent_attachments_refresh           (FdRecentAttachments      *self);
void fd_recent_attachments_row_activated     (FdRecentAttachments      *self,
                                              GtkListBoxRow            *row);
void fd_recent_attachments_choose            (FdRecentAttachments      *self);
void fd_recent_attachments_dispose           (FdRecentAttachments      *self);

G_END_DECLS
