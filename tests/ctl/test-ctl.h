#pragma once

/* Shared by test-ctl's files: the fixture, frontdeskctl run against it,
 * and the tests that test-ctl-streams.c and test-ctl-entities.c hold,
 * which test-ctl.c's main() registers. */

#include "fd-admin-test.h"
#include "fd-test-client.h"

G_BEGIN_DECLS

typedef struct {
  FdTestServer *server;
  char         *out;
  char         *err;
} Fixture;

/* Runs frontdeskctl with @args (NULL-terminated) and @input on stdin;
 * keeps its stdout and stderr in the fixture and returns its exit status.
 * With @connect, --server and --db point at the fixture's server. */
int       run_ctlv   (Fixture            *f,
                      gboolean            connect,
                      const char         *input,
                      const char * const *args);

#define run_ctl(f, ...) run_ctlv ((f), TRUE, NULL, (const char * const []) { __VA_ARGS__, NULL })

/* frontdeskctl's stdout as JSON. */
JsonNode *out_json   (Fixture            *f);
/* Fails the test, with frontdeskctl's stderr, unless @status is 0. */
void      assert_ok  (Fixture            *f,
                      int                 status);
/* Creates the organization @name; returns its id. */
gint64    create_org (Fixture            *f,
                      const char         *name);

/* test-ctl-streams.c */
void test_stream_snippet     (Fixture       *f,
                              gconstpointer  data);
void test_email_stream       (Fixture       *f,
                              gconstpointer  data);
void test_email_stream_oauth (Fixture       *f,
                              gconstpointer  data);
void test_twitter_stream     (Fixture       *f,
                              gconstpointer  data);

/* test-ctl-entities.c */
void test_help_lines     (Fixture       *f,
                          gconstpointer  data);
void test_entity_options (Fixture       *f,
                          gconstpointer  data);
void test_entity_output  (Fixture       *f,
                          gconstpointer  data);

G_END_DECLS
