#include "fd-test-seed.h"

#include <sqlite3.h>

static void
check (sqlite3 *db,
       int      rc,
       int      expected)
{
  if (rc != expected)
    g_error ("Seeding the database failed: %s", sqlite3_errmsg (db));
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  check (db, sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), SQLITE_OK);
  return stmt;
}

static gint64
select_id (sqlite3    *db,
           const char *sql,
           const char *key,
           gint64     *out_second)
{
  sqlite3_stmt *stmt = prepare (db, sql);
  gint64 id;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("Seeding: nothing matches %s", key);
  id = sqlite3_column_int64 (stmt, 0);
  if (out_second != NULL)
    *out_second = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  return id;
}

gint64
fd_test_seed_reserved_chats (const char *db_path,
                             const char *agent_email,
                             const char *stream_key,
                             guint       n)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *contact, *conversation, *message;
  gint64 org_id, agent_id, stream_id, queue_id = 0;
  gint64 now = g_get_real_time ();
  gint64 first = 0;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    g_error ("Seeding: cannot open %s", db_path);
  sqlite3_busy_timeout (db, 5000);
  agent_id = select_id (db, "SELECT id, organization_id FROM agents WHERE email = ?", agent_email, &org_id);
  stream_id = select_id (db, "SELECT id, queue_id FROM streams WHERE key = ?", stream_key, &queue_id);
  check (db, sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
  contact = prepare (db, "INSERT INTO contacts (organization_id, name, created_at) VALUES (?, ?, ?)");
  conversation = prepare (db,
    "INSERT INTO conversations (organization_id, stream_id, queue_id, kind, state, contact_id, agent_id, "
    "visitor_name, created_at, first_assigned_at, reserved_at, last_customer_message_at, unread) "
    "VALUES (?, ?, ?, 'webchat', 'reserved', ?, ?, ?, ?, ?, ?, ?, 1)");
  message = prepare (db,
    "INSERT INTO messages (organization_id, conversation_id, direction, author_name, text, created_at) "
    "VALUES (?, ?, 'in', ?, 'Hello, I have a question about my order.', ?)");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Seeded visitor %u", i + 1);
      gint64 at = now - (gint64) (i + 1) * G_USEC_PER_SEC;
      gint64 contact_id, conversation_id;

      sqlite3_bind_int64 (contact, 1, org_id);
      sqlite3_bind_text (contact, 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (contact, 3, at);
      check (db, sqlite3_step (contact), SQLITE_DONE);
      contact_id = sqlite3_last_insert_rowid (db);
      sqlite3_reset (contact);

      sqlite3_bind_int64 (conversation, 1, org_id);
      sqlite3_bind_int64 (conversation, 2, stream_id);
      sqlite3_bind_int64 (conversation, 3, queue_id);
      sqlite3_bind_int64 (conversation, 4, contact_id);
      sqlite3_bind_int64 (conversation, 5, agent_id);
      sqlite3_bind_text (conversation, 6, name, -1, SQLITE_TRANSIENT);
      for (int c = 7; c <= 10; c++)
        sqlite3_bind_int64 (conversation, c, at);
      check (db, sqlite3_step (conversation), SQLITE_DONE);
      conversation_id = sqlite3_last_insert_rowid (db);
      sqlite3_reset (conversation);
      if (first == 0)
        first = conversation_id;

      sqlite3_bind_int64 (message, 1, org_id);
      sqlite3_bind_int64 (message, 2, conversation_id);
      sqlite3_bind_text (message, 3, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (message, 4, at);
      check (db, sqlite3_step (message), SQLITE_DONE);
      sqlite3_reset (message);
    }
  sqlite3_finalize (contact);
  sqlite3_finalize (conversation);
  sqlite3_finalize (message);
  /* The store keeps the full-text index of the messages itself (not by
   * triggers, docs/store.md): rows written behind its back need it built. */
  check (db, sqlite3_exec (db, "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')", NULL, NULL, NULL),
         SQLITE_OK);
  check (db, sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (db);
  return first;
}

gint64
fd_test_seed_log (const char *db_path,
                  guint       n,
                  gint64      base)
{
  static const char * const keys[] = {
    "kakapo-website-chat", "kakapo-website-callback", "kakapo-support-email", "kakapo-twitter",
  };
  static const char * const kinds[] = { "webchat", "callback", "email", "twitter" };
  static const char * const names[] = FD_TEST_SEED_LOG_NAMES;
  sqlite3 *db = NULL;
  sqlite3_stmt *contact, *conversation, *transfer, *message;
  gint64 org_id, jenna, natalie, stream_ids[4], queue_ids[4];
  gint64 first = 0;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    g_error ("Seeding: cannot open %s", db_path);
  sqlite3_busy_timeout (db, 5000);
  jenna = select_id (db, "SELECT id, organization_id FROM agents WHERE email = ?", "jenna@kakapo.example", &org_id);
  natalie = select_id (db, "SELECT id, organization_id FROM agents WHERE email = ?", "natalie@kakapo.example", NULL);
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    stream_ids[k] = select_id (db, "SELECT id, queue_id FROM streams WHERE key = ?", keys[k], &queue_ids[k]);
  check (db, sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
  contact = prepare (db, "INSERT INTO contacts (organization_id, name, created_at) VALUES (?, ?, ?)");
  conversation = prepare (db,
    "INSERT INTO conversations (organization_id, stream_id, queue_id, kind, state, contact_id, agent_id, "
    "created_at, first_assigned_at, reserved_at, first_reply_at, closed_at, rating, comment) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13)");
  transfer = prepare (db, "UPDATE conversations SET agent_id = ? WHERE id = ?");
  message = prepare (db,
    "INSERT INTO messages (organization_id, conversation_id, direction, agent_id, author_name, text, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *question = g_strdup_printf ("Hello, question tok%u about my order", i);
      g_autofree char *comment = g_strdup_printf ("Comment %u", i);
      guint k = i % 4;
      gboolean missed = i % 13 == 12;
      gint64 assigned = missed ? 0 : base + (gint64) (i / 3) * 60 * G_USEC_PER_SEC;
      gint64 created = base + (gint64) (i / 3) * 60 * G_USEC_PER_SEC - 5 * G_USEC_PER_SEC;
      gint64 closed = missed ? 0 : assigned + (gint64) (i % 7 + 1) * 30 * G_USEC_PER_SEC;
      gint64 holder = i % 2 == 0 || i % 10 == 9 ? jenna : natalie;
      gint64 contact_id, conversation_id;

      sqlite3_bind_int64 (contact, 1, org_id);
      sqlite3_bind_text (contact, 2, names[i % G_N_ELEMENTS (names)], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (contact, 3, created);
      check (db, sqlite3_step (contact), SQLITE_DONE);
      contact_id = sqlite3_last_insert_rowid (db);
      sqlite3_reset (contact);

      sqlite3_bind_int64 (conversation, 1, org_id);
      sqlite3_bind_int64 (conversation, 2, stream_ids[k]);
      sqlite3_bind_int64 (conversation, 3, queue_ids[k]);
      sqlite3_bind_text (conversation, 4, kinds[k], -1, SQLITE_STATIC);
      sqlite3_bind_text (conversation, 5, missed ? "missed" : "closed", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (conversation, 6, contact_id);
      if (missed)
        sqlite3_bind_null (conversation, 7);
      else
        sqlite3_bind_int64 (conversation, 7, holder);
      sqlite3_bind_int64 (conversation, 8, created);
      sqlite3_bind_int64 (conversation, 9, assigned);
      sqlite3_bind_int64 (conversation, 10, missed ? 0 : assigned + 15 * G_USEC_PER_SEC);
      sqlite3_bind_int64 (conversation, 11, closed);
      sqlite3_bind_int (conversation, 12, missed ? 0 : (int) (i % 5 + 1));
      if (missed)
        sqlite3_bind_null (conversation, 13);
      else
        sqlite3_bind_text (conversation, 13, comment, -1, SQLITE_STATIC);
      check (db, sqlite3_step (conversation), SQLITE_DONE);
      conversation_id = sqlite3_last_insert_rowid (db);
      sqlite3_reset (conversation);
      if (first == 0)
        first = conversation_id;
      if (!missed && i % 10 == 9)
        {
          /* The triggers of schema version 9 keep both holders. */
          sqlite3_bind_int64 (transfer, 1, natalie);
          sqlite3_bind_int64 (transfer, 2, conversation_id);
          check (db, sqlite3_step (transfer), SQLITE_DONE);
          sqlite3_reset (transfer);
          holder = natalie;
        }

      sqlite3_bind_int64 (message, 1, org_id);
      sqlite3_bind_int64 (message, 2, conversation_id);
      sqlite3_bind_text (message, 3, "in", -1, SQLITE_STATIC);
      sqlite3_bind_null (message, 4);
      sqlite3_bind_text (message, 5, names[i % G_N_ELEMENTS (names)], -1, SQLITE_STATIC);
      sqlite3_bind_text (message, 6, question, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (message, 7, created);
      check (db, sqlite3_step (message), SQLITE_DONE);
      sqlite3_reset (message);
      if (!missed)
        {
          sqlite3_bind_int64 (message, 1, org_id);
          sqlite3_bind_int64 (message, 2, conversation_id);
          sqlite3_bind_text (message, 3, "out", -1, SQLITE_STATIC);
          sqlite3_bind_int64 (message, 4, holder);
          sqlite3_bind_text (message, 5, "Agent", -1, SQLITE_STATIC);
          sqlite3_bind_text (message, 6, "Thanks, we will look into it.", -1, SQLITE_STATIC);
          sqlite3_bind_int64 (message, 7, assigned + 15 * G_USEC_PER_SEC);
          check (db, sqlite3_step (message), SQLITE_DONE);
          sqlite3_reset (message);
        }
    }
  sqlite3_finalize (contact);
  sqlite3_finalize (conversation);
  sqlite3_finalize (transfer);
  sqlite3_finalize (message);
  /* The store keeps the full-text index of the messages itself (not by
   * triggers, docs/store.md): rows written behind its back need it built. */
  check (db, sqlite3_exec (db, "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')", NULL, NULL, NULL),
         SQLITE_OK);
  check (db, sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (db);
  return first;
}
