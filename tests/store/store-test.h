#pragma once

/* Helpers shared by the store tests: a store on a real SQLite file in a
 * fresh temporary directory, and quick builders of entities. */

#include "fd-store.h"
#include "fd-test-server.h"

/* A fixed time for rows the tests make (µs since the epoch, 2023-11-14). */
#define T0 G_GINT64_CONSTANT (1700000000000000)

G_BEGIN_DECLS

typedef struct {
  char    *dir;
  char    *path;
  FdStore *store;
} StoreFixture;

static inline void
store_fixture_set_up (StoreFixture  *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->dir = fd_test_make_tmpdir ();
  fx->path = g_build_filename (fx->dir, "frontdesk.db", NULL);
  fx->store = fd_store_open (fx->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->store);
}

static inline void
store_fixture_tear_down (StoreFixture  *fx,
                         gconstpointer  data)
{
  g_clear_pointer (&fx->store, fd_store_free);
  fd_test_rm_rf (fx->dir);
  g_clear_pointer (&fx->dir, g_free);
  g_clear_pointer (&fx->path, g_free);
}

/* Adds a test of the store suite at /store/PATH, on a fresh store. */
#define STORE_TEST_ADD(path, func) \
  g_test_add ("/store/" path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

static inline gint64
make_org (FdStore    *store,
          const char *name)
{
  g_autoptr(FdOrganization) org = fd_organization_new ();
  g_autoptr(GError) error = NULL;

  org->name = g_strdup (name);
  g_assert_true (fd_store_create_organization (store, org, &error));
  g_assert_no_error (error);
  g_assert_cmpint (org->id, >, 0);
  return org->id;
}

static inline gint64
make_agent (FdStore    *store,
            gint64      org_id,
            const char *email)
{
  g_autoptr(FdAgent) agent = fd_agent_new ();
  g_autoptr(GError) error = NULL;

  agent->organization_id = org_id;
  agent->email = g_strdup (email);
  agent->name = g_strdup (email);
  g_assert_true (fd_store_create_agent (store, agent, "$argon2id$not-a-real-hash", &error));
  g_assert_no_error (error);
  return agent->id;
}

static inline gint64
make_queue (FdStore    *store,
            gint64      org_id,
            const char *name)
{
  g_autoptr(FdQueue) queue = fd_queue_new ();
  g_autoptr(GError) error = NULL;

  queue->organization_id = org_id;
  queue->name = g_strdup (name);
  g_assert_true (fd_store_create_queue (store, queue, &error));
  g_assert_no_error (error);
  return queue->id;
}

static inline gint64
make_stream (FdStore      *store,
             gint64        org_id,
             gint64        queue_id,
             FdStreamKind  kind,
             const char   *name)
{
  g_autoptr(FdStream) stream = fd_stream_new ();
  g_autoptr(GError) error = NULL;

  stream->organization_id = org_id;
  stream->queue_id = queue_id;
  stream->kind = kind;
  stream->name = g_strdup (name);
  g_assert_true (fd_store_create_stream (store, stream, &error));
  g_assert_no_error (error);
  return stream->id;
}

/* A conversation on @stream_id with a new or found contact by @email. */
static inline gint64
make_conversation (FdStore    *store,
                   gint64      org_id,
                   gint64      stream_id,
                   const char *email,
                   gint64      created_at)
{
  g_autoptr(FdConversation) conv = fd_conversation_new ();
  g_autoptr(GError) error = NULL;

  conv->organization_id = org_id;
  conv->stream_id = stream_id;
  conv->created_at = created_at;
  conv->contact = fd_contact_new ();
  conv->contact->email = g_strdup (email);
  conv->contact->name = g_strdup ("Visitor");
  g_assert_true (fd_store_create_conversation (store, conv, &error));
  g_assert_no_error (error);
  return conv->id;
}

G_END_DECLS
