#pragma once

/* What the files of test-x-client share: the fixture (set up in
 * test-x-client.c, which has main()), the helpers that run one call of
 * the client to its end, and the tests each other file holds. */

#include <libsoup/soup.h>

#include "fd-test-x-fake.h"
#include "fd-x-client.h"

G_BEGIN_DECLS

#define ACCOUNT "1500000000000000001"
#define HANDLE  "@KakapoSystems"

typedef struct {
  FdTestXFake *fake;
  SoupSession *session;
  FdXClient   *client;
} Fixture;

/* test-x-client.c: one async call run to its end. */
void          on_done     (GObject             *source,
                           GAsyncResult        *result,
                           gpointer             user_data);
GAsyncResult *wait_result (GAsyncResult       **slot);
FdXPage      *mentions    (Fixture             *f,
                           const char          *since_id,
                           const char          *token,
                           FdXRateLimit        *rate,
                           GError             **error);
FdXPage      *dm_events   (Fixture             *f,
                           const char          *token,
                           FdXRateLimit        *rate,
                           GError             **error);
FdXUser      *get_me      (Fixture             *f,
                           FdXRateLimit        *rate,
                           GError             **error);
FdXCreated   *create_post (Fixture             *f,
                           const char          *text,
                           const char          *in_reply_to,
                           const char * const  *media,
                           GError             **error);
FdXCreated   *send_dm     (Fixture             *f,
                           const char          *to,
                           const char          *text,
                           const char * const  *media,
                           GError             **error);
FdXMedia     *upload      (Fixture             *f,
                           gsize                size,
                           gboolean             direct,
                           GError             **error);

/* test-x-client-reading.c */
void test_mentions_paged   (Fixture       *f,
                            gconstpointer  data);
void test_mention_media    (Fixture       *f,
                            gconstpointer  data);
void test_dm_events_paged  (Fixture       *f,
                            gconstpointer  data);
void test_text_bounds      (Fixture       *f,
                            gconstpointer  data);

/* test-x-client-posting.c */
void test_post_with_media  (Fixture       *f,
                            gconstpointer  data);
void test_forbidden_detail (Fixture       *f,
                            gconstpointer  data);
void test_weighted_length  (Fixture       *f,
                            gconstpointer  data);
void test_dm_with_media    (Fixture       *f,
                            gconstpointer  data);
void test_upload_bounds    (Fixture       *f,
                            gconstpointer  data);

/* test-x-client-failures.c */
void test_rate_limited     (Fixture       *f,
                            gconstpointer  data);
void test_unauthorized     (Fixture       *f,
                            gconstpointer  data);
void test_invalid_request  (Fixture       *f,
                            gconstpointer  data);
void test_hostile_answers  (Fixture       *f,
                            gconstpointer  data);
void test_network_down     (Fixture       *f,
                            gconstpointer  data);

G_END_DECLS
