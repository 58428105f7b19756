#pragma once

/* What the files of test-x-authorize share: the fixture (started in
 * test-x-authorize.c, which has main() and the whole flow), the stream's
 * settings and secrets, the authorization mail, the browser's consent,
 * and the tests each other file holds. */

#include <libsoup/soup.h>

#include "fd-test-browser.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-smtpd.h"
#include "fd-test-x-fake.h"

G_BEGIN_DECLS

#define ACCOUNT_ID    "1580661436132757506"
#define HANDLE        "@KakapoSystems"
#define STREAM_NAME   "Kakapo on X"
#define CLIENT_ID     "a2FrYXBvLXgtYXBw0Q"
#define CLIENT_SECRET "x-app-secret-7Hq"
#define ADMIN_A       "it@kakapo.example"

typedef struct {
  FdTestXFake  *fake;
  FdTestSmtpd  *relay;
  FdTestServer *server;
  SoupSession  *browser;
  gint64        org_id;
  gint64        stream_id;
} Fixture;

/* test-x-authorize.c: the server, the stream, the mail, the browser. */
void        start_server            (Fixture          *f,
                                     const char       *link_seconds);
void        fixture_tear_down       (Fixture          *f);
char       *stream_path             (Fixture          *f);
JsonObject *stream_settings         (Fixture          *f);
void        set_settings            (Fixture          *f,
                                     const char       *settings,
                                     const char       *client_secret);
char       *new_link                (Fixture          *f);
gint64      count_secret            (Fixture          *f,
                                     const char       *name);
char       *open_secret             (Fixture          *f,
                                     const char       *name);
char       *wait_authorization_mail (Fixture          *f,
                                     guint             n);
char       *consent                 (Fixture          *f,
                                     const FdTestPage *redirect,
                                     const char       *client_id);
void        assert_tokens_work      (Fixture          *f);

/* Polls the stream's health until it is @wanted, for at most 30 s. */
#define wait_health(f, wanted) \
  fd_test_admin_wait_health ((f)->server, (f)->org_id, (f)->stream_id, (wanted), 100, 30)

/* test-x-authorize-pages.c */
void test_form_confidential (void);
void test_handle_mismatch   (void);
void test_escaped           (void);

/* test-x-authorize-hostile.c */
void test_hostile           (void);

/* test-x-authorize-revoked.c */
void test_revoked_new_link  (void);

G_END_DECLS
