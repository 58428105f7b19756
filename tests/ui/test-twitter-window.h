#pragma once

#include <gtk/gtk.h>

#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-twitter-window.h"

G_BEGIN_DECLS

/* Shared by the pieces of test-twitter-window: the seeded mention's ids
 * and text, the fixture, and the waits and helpers on a Twitter window
 * (test-twitter-window.c). */

#define ACCOUNT_ID  "1500000000000000001"
#define CUSTOMER_ID "2244668800"
#define MENTION_ID  "1866000000000000001"
#define MENTION     "@KakapoSystems my order 7 is late"

typedef struct {
  FdTestServer *server;
  FdConnection *jenna;
  gint64        conversation_id;
} Fixture;

/* The window's conversation loaded, with its messages and its request
 * icon. */
gboolean       is_loaded                (gpointer             data);
/* The Direct Message request icon hidden (a refusal fails the test). */
gboolean       dm_request_gone          (gpointer             data);
gboolean       status_is_length_refusal (gpointer             data);
/* The last message of @model (the model keeps it), NULL when none. */
FdMessageItem *last_item                (FdConversationModel *model);
void           type_text                (FdTwitterWindow     *window,
                                         const char          *text);
/* A GtkListBox has rows. */
gboolean       has_rows                 (gpointer             list);

/* test-twitter-window-app.c */
void test_from_activity_list (Fixture       *f,
                              gconstpointer  data);

/* test-twitter-window-live.c */
void test_live (void);

G_END_DECLS
