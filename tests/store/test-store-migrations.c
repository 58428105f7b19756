#include "store-test.h"
#include "fd-store-email.h"
#include "fd-store-log.h"

#include <sqlite3.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

/* Builds a database from a fixture's SQL text, as an older frontdeskd left
 * it. */
static void
build_db_from_sql (const char *path,
                   const char *sql)
{
  sqlite3 *db = NULL;
  char *errmsg = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &errmsg) != SQLITE_OK)
    g_error ("fixture SQL failed: %s", errmsg);
  sqlite3_close (db);
}

/* Builds the database a version `version` frontdeskd left: v1.sql is a
 * whole version 1 database, each later vN.sql what version N added to the
 * one before, so they are run in order. */
static void
build_db_from_fixtures (const char *path,
                        int         version)
{
  for (int step = 1; step <= version; step++)
    {
      g_autofree char *name = g_strdup_printf ("v%d.sql", step);
      g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "store", "fixtures", name, NULL);
      g_autofree char *sql = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (g_file_get_contents (fixture, &sql, NULL, &error));
      g_assert_no_error (error);
      build_db_from_sql (path, sql);
    }
}

static int
raw_pragma (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int value;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
test_empty_to_current (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "new.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(GPtrArray) orgs = NULL;

  store = fd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd_store_get_schema_version (store), ==, FD_STORE_SCHEMA_VERSION);
  orgs = fd_store_list_organizations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orgs->len, ==, 0);
  g_clear_pointer (&store, fd_store_free);

  g_assert_cmpint (raw_pragma (path, "PRAGMA user_version"), ==, FD_STORE_SCHEMA_VERSION);
  g_assert_cmpint (raw_pragma (path, "PRAGMA application_id"), ==, 0x46444b31);
  /* WAL is a property of the file: it stays after closing. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }

  /* Opening again migrates nothing and keeps working. */
  store = fd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd_store_get_schema_version (store), ==, FD_STORE_SCHEMA_VERSION);
  g_clear_pointer (&store, fd_store_free);
  fd_test_rm_rf (dir);
}

/* What every fixture holds (see tests/store/fixtures/), checked through the
 * current API after migration. */
static void
assert_fixture_rows (FdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOrganization) org = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(GArray) members = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdStream) old_stream = NULL;
  g_autoptr(GPtrArray) phases = NULL;
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) offers = NULL;
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GPtrArray) resources = NULL;
  g_autoptr(GPtrArray) events = NULL;
  const FdMessage *out;
  const FdPhase *phase;
  gint64 org_id = 0, agent_id = 0, conv_id = 0, seq = 0;
  gboolean revoked = TRUE;

  org = fd_store_get_organization (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (org->name, ==, "Acme Fixture");

  agents = fd_store_list_agents (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agents->len, ==, 2);
  g_assert_cmpstr (((FdAgent *) agents->pdata[1])->acd_reason, ==, "lunch");
  g_assert_cmpint (((FdAgent *) agents->pdata[0])->role, ==, FD_ROLE_ADMIN);

  members = fd_store_list_queue_members (store, 1, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, 2);
  g_assert_true (g_array_index (members, FdQueueMember, 0).joined);
  g_assert_false (g_array_index (members, FdQueueMember, 1).joined);

  stream = fd_store_get_stream_by_key (store, "fixturekey0000000000000", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stream->departments[1], ==, "Support");
  g_assert_cmpstr (stream->allowed_origins[0], ==, "https://acme.test");
  old_stream = fd_store_get_stream (store, 1, 2, &error);
  g_assert_no_error (error);
  g_assert_true (old_stream->deleted);

  phases = fd_store_list_phases (store, 1, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (phases->len, ==, 1);
  phase = phases->pdata[0];
  g_assert_cmpint (phase->strategy, ==, FD_STRATEGY_RING_ALL);
  g_assert_cmpint (phase->bounce_seconds, ==, 30);
  g_assert_cmpuint (phase->agent_ids->len, ==, 1);
  g_assert_cmpint (g_array_index (phase->agent_ids, gint64, 0), ==, 2);

  conv = fd_store_get_conversation (store, 1, 1, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (conv->state, ==, FD_CONVERSATION_CLOSED);
  g_assert_cmpint (conv->rating, ==, 5);
  g_assert_cmpstr (conv->contact->email, ==, "carol@example.test");
  g_assert_cmpint (conv->first_reply_at, ==, G_GINT64_CONSTANT (1700000220000000));

  messages = fd_store_list_messages (store, 1, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 2);
  out = messages->pdata[1];
  g_assert_cmpint (out->direction, ==, FD_DIRECTION_OUT);
  g_assert_cmpstr (out->client_id, ==, "a-1");
  g_assert_nonnull (out->attachments);
  g_assert_cmpstr (((FdAttachment *) out->attachments->pdata[0])->name, ==, "price.pdf");

  offers = fd_store_list_offers (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (offers->len, ==, 1);
  g_assert_cmpint (((FdOffer *) offers->pdata[0])->agent_id, ==, 2);

  replies = fd_store_list_canned_replies (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (replies->len, ==, 1);
  resources = fd_store_list_visible_resources (store, 1, 2, "price", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resources->len, ==, 1);

  g_assert_true (fd_store_lookup_agent_token (store, "aa00000000000000000000000000000000000000000000000000000000000000",
                                              &org_id, &agent_id, &revoked, &error));
  g_assert_no_error (error);
  g_assert_cmpint (agent_id, ==, 1);
  g_assert_false (revoked);
  g_assert_true (fd_store_lookup_visitor_token (store, "bb00000000000000000000000000000000000000000000000000000000000000",
                                                &org_id, &conv_id, &revoked, &error));
  g_assert_cmpint (conv_id, ==, 2);
  g_assert_true (fd_store_lookup_admin_token (store, "cc00000000000000000000000000000000000000000000000000000000000000",
                                              &revoked, &error));

  events = fd_store_list_events_since (store, 1, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  /* Numbering continues where the old database stopped. */
  g_assert_true (fd_store_append_event (store, 1, "test", 0, 0, 0, NULL, &seq, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seq, ==, 3);
}

/* The uploaded files of the fixtures from version 2 on; none before. */
static void
assert_fixture_files (FdStore *store,
                      int      version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStoreFile) attachment = fd_store_get_file (store, "0123456789abcdef0123456789abcdef", &error);
  g_autoptr(FdStoreFile) resource = NULL;

  if (version < 2)
    {
      g_assert_null (attachment);
      g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpint (attachment->organization_id, ==, 1);
  g_assert_cmpint (attachment->conversation_id, ==, 1);
  g_assert_cmpint (attachment->agent_id, ==, 2);
  g_assert_cmpstr (attachment->name, ==, "quote.pdf");
  g_assert_cmpstr (attachment->mime_type, ==, "application/pdf");
  g_assert_cmpint (attachment->size, ==, 1234);
  resource = fd_store_get_file (store, "fedcba9876543210fedcba9876543210", &error);
  g_assert_no_error (error);
  g_assert_cmpint (resource->conversation_id, ==, 0);
  g_assert_cmpint (resource->agent_id, ==, 0);
  g_assert_cmpstr (resource->name, ==, "price list.pdf");
}

/* What the visitor typed, kept on the conversation from version 4 on: the
 * fixture's first chat was typed as "Caroline Herschel" and linked to the
 * contact "Carol", whose name stays. Older conversations have nothing
 * typed, and no conversation's address is verified. */
static void
assert_fixture_visitor (FdStore *store,
                        int      version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) typed = fd_store_get_conversation (store, 1, 1, TRUE, &error);
  g_autoptr(FdConversation) callback = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (typed->contact->name, ==, "Carol");
  g_assert_false (typed->address_verified);
  if (version >= 4)
    {
      g_assert_cmpstr (typed->visitor_name, ==, "Caroline Herschel");
      g_assert_cmpstr (typed->visitor_email, ==, "Carol@Example.test");
    }
  else
    {
      g_assert_null (typed->visitor_name);
      g_assert_null (typed->visitor_email);
    }
  callback = fd_store_get_conversation (store, 1, 2, FALSE, &error);
  g_assert_no_error (error);
  g_assert_null (callback->visitor_name);
  g_assert_false (callback->address_verified);
}

/* The kind of a system note, kept from version 5 on: the callback's note
 * "reserved" by Bob. Messages stored before have no kind (NULL) and keep
 * their text. */
static void
assert_fixture_notes (FdStore *store,
                      int      version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) old = fd_store_list_messages (store, 1, 1, 0, &error);
  g_autoptr(GPtrArray) notes = NULL;
  const FdMessage *note;

  g_assert_no_error (error);
  for (guint i = 0; i < old->len; i++)
    g_assert_null (((FdMessage *) old->pdata[i])->note);
  g_assert_cmpstr (((FdMessage *) old->pdata[0])->text, ==, "Hello, how much is it?");
  notes = fd_store_list_messages (store, 1, 2, 0, &error);
  g_assert_no_error (error);
  if (version < 5)
    {
      g_assert_cmpuint (notes->len, ==, 0);
      return;
    }
  g_assert_cmpuint (notes->len, ==, 1);
  note = notes->pdata[0];
  g_assert_cmpint (note->direction, ==, FD_DIRECTION_SYSTEM);
  g_assert_cmpstr (note->note, ==, FD_NOTE_RESERVED);
  g_assert_cmpstr (note->author_name, ==, "Bob");
  g_assert_cmpstr (note->text, ==, "Reserved by Bob");
}

/* An older server stored the English "Unknown" for a system (or browser)
 * its User-Agent table did not know: each older database here gets one on
 * the first chat, which version 5 clears (NULL: the app words it), keeping
 * the names it knew. */
static void
assert_fixture_unknown_cleared (FdStore *store,
                                int      version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) chat = fd_store_get_conversation (store, 1, 1, FALSE, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (chat->browser, ==, "Firefox");
  if (version < 5)
    g_assert_null (chat->os);
  else
    g_assert_cmpstr (chat->os, ==, "Linux");
}

/* The Email channel's rows, kept from version 6 on: a stream's health, a
 * folder position, and the reply the outbox sent; older databases start
 * with none. */
static void
assert_fixture_email (FdStore *store,
                      int      version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStream) callback = fd_store_get_stream (store, 1, 2, &error);
  g_autoptr(FdStoreOutbox) row = NULL;
  guint32 uidvalidity = 1, last_uid = 1;

  g_assert_no_error (error);
  g_assert_true (fd_store_get_folder_position (store, 1, 1, "INBOX", &uidvalidity, &last_uid, &error));
  g_assert_no_error (error);
  row = fd_store_get_outbox (store, 1, 2, version < 6 ? NULL : &error);
  if (version < 6)
    {
      g_assert_null (callback->health);
      g_assert_cmpuint (uidvalidity, ==, 0);
      g_assert_cmpuint (last_uid, ==, 0);
      g_assert_null (row);
      return;
    }
  g_assert_cmpstr (callback->health, ==, "needs-attention");
  g_assert_cmpstr (callback->health_reason, ==, "The mail server refused the password.");
  g_assert_cmpuint (uidvalidity, ==, 1700000000);
  g_assert_cmpuint (last_uid, ==, 7);
  g_assert_no_error (error);
  g_assert_cmpint (row->state, ==, FD_DELIVERY_SENT);
  g_assert_cmpstr (row->mail_message_id, ==, "reply@acme.test");

  /* From version 8 on a mail keeps what a person reads; older mails have
   * only their subject, and a reply its delivery state, on the message. */
  {
    g_autoptr(GPtrArray) messages = fd_store_list_messages (store, 1, 1, 0, &error);
    const FdMessage *question = NULL, *reply = NULL;

    g_assert_no_error (error);
    for (guint i = 0; i < messages->len; i++)
      {
        const FdMessage *m = g_ptr_array_index (messages, i);

        if (m->id == 1)
          question = m;
        else if (m->id == 2)
          reply = m;
      }
    g_assert_nonnull (question);
    g_assert_nonnull (reply);
    g_assert_nonnull (question->mail);
    g_assert_cmpstr (question->mail->subject, ==, "Price");
    g_assert_null (question->delivery);
    g_assert_nonnull (reply->delivery);
    g_assert_cmpint (reply->delivery->state, ==, FD_DELIVERY_SENT);
    g_assert_cmpint (reply->delivery->attempts, ==, 1);
    if (version < 8)
      {
        g_assert_null (question->mail->from);
        g_assert_null (question->mail->cc);
        g_assert_cmpint (question->mail->date, ==, 0);
      }
    else
      {
        g_assert_cmpstr (question->mail->from_name, ==, "Ada Customer");
        g_assert_cmpstr (question->mail->from, ==, "ada@customer.test");
        g_assert_cmpstrv (question->mail->to, ((const char *[]) { "Acme Support <support@acme.test>", NULL }));
        g_assert_cmpstrv (question->mail->cc, ((const char *[]) { "boss@customer.test", NULL }));
        g_assert_cmpint (question->mail->date, ==, 1700000200000000);
      }
  }
}

/* The authorization flow's rows, kept from version 7 on: the
 * organization's authorization addresses and a stream's used link. */
static void
assert_fixture_authorization (FdStore *store,
                              int      version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOrganization) org = fd_store_get_organization (store, 1, &error);
  FdStoreAuthorization link;
  gboolean found;

  g_assert_no_error (error);
  found = fd_store_find_authorization (store, "abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcd",
                                       &link, &error);
  if (version < 7)
    {
      g_assert_null (org->authorization_addresses);
      g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
      g_assert_false (found);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_nonnull (org->authorization_addresses);
  g_assert_cmpuint (g_strv_length (org->authorization_addresses), ==, 2);
  g_assert_cmpstr (org->authorization_addresses[0], ==, "it@acme.test");
  g_assert_cmpint (link.stream_id, ==, 1);
  g_assert_cmpint (link.used_at, ==, 1700000400000000);
  g_assert_cmpint (link.attempts, ==, 1);
  fd_store_authorization_clear (&link);
}

/* Version 10: every queue has a service level threshold, 20 s unless the
 * fixture of version 10 set 45 s. */
static void
assert_fixture_service_level (FdStore *store,
                              int      version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdQueue) queue = fd_store_get_queue (store, 1, 1, &error);

  g_assert_no_error (error);
  g_assert_cmpint (queue->service_level_seconds, ==, version >= 10 ? 45 : 20);
}

/* Schema version 11 (CRM): the contact's CRM fields come back with it;
 * older databases have none. */
static void
assert_fixture_crm (FdStore *store,
                    int      version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) conv = fd_store_get_conversation (store, 1, 1, TRUE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (conv->contact);
  if (version >= 11)
    {
      g_assert_cmpstr (conv->contact->crm_provider, ==, "salesforce");
      g_assert_cmpstr (conv->contact->crm_kind, ==, "Lead");
      g_assert_cmpstr (conv->contact->crm_company, ==, "Acme");
    }
  else
    {
      g_assert_null (conv->contact->crm_provider);
      g_assert_null (conv->contact->crm_record_url);
    }
}

/* Schema version 9 (the Activity Log): whatever version the database came
 * from, the agent who held conversation 1 (agent 1, who also answered in
 * it) finds it in their log, with its handle time, and the words of its
 * messages find it (the index was built for the rows there were). */
static void
assert_fixture_log (FdStore *store)
{
  FdStoreLogQuery query = { .holder_id = 1, .limit = 10, .now = 1800000000000000 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *match = fd_store_log_match ("much");
  const FdLogEntry *entry;

  rows = fd_store_list_conversation_log (store, 1, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  entry = g_ptr_array_index (rows, 0);
  g_assert_cmpint (entry->id, ==, 1);
  g_assert_cmpint (entry->handle_seconds, ==, 90);
  g_assert_cmpint (entry->rating, ==, 5);
  g_clear_pointer (&rows, g_ptr_array_unref);

  query.match = match;
  rows = fd_store_list_conversation_log (store, 1, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Agent 2 held nothing. */
  query.holder_id = 2;
  query.match = NULL;
  rows = fd_store_list_conversation_log (store, 1, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);
}

/* Schema version 13: the event log keeps its events and loses the index
 * on created_at (no query reads it; every event wrote it); the index of
 * the messages' agent holds the agents' messages only (checked on the
 * file after closing). */
static void
assert_fixture_events (FdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = fd_store_list_events_since (store, 1, 0, 0, &error);
  gint64 seq = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (events->len, >=, 2);
  g_assert_cmpint (((FdStoreEvent *) events->pdata[0])->seq, ==, 1);
  g_assert_cmpstr (((FdStoreEvent *) events->pdata[0])->type, ==, "conversation-created");
  g_assert_cmpint (((FdStoreEvent *) events->pdata[1])->seq, ==, 2);
  g_assert_cmpstr (((FdStoreEvent *) events->pdata[1])->type, ==, "offer");
  g_assert_true (fd_store_append_event (store, 1, "agent-state", 0, 1, 0, "{}", &seq, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seq, ==, ((FdStoreEvent *) events->pdata[events->len - 1])->seq + 1);
}

static void
test_fixtures_to_current (void)
{
  for (int version = 1; version <= FD_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *dir = fd_test_make_tmpdir ();
      g_autofree char *path = g_build_filename (dir, "old.db", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(FdStore) store = NULL;

      g_test_message ("Migrating fixture v%d.sql", version);
      build_db_from_fixtures (path, version);
      g_assert_cmpint (raw_pragma (path, "PRAGMA user_version"), ==, version);
      if (version < 5)
        build_db_from_sql (path, "UPDATE conversations SET os = 'Unknown' WHERE id = 1;");

      store = fd_store_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (fd_store_get_schema_version (store), ==, FD_STORE_SCHEMA_VERSION);
      assert_fixture_rows (store);
      assert_fixture_files (store, version);
      assert_fixture_visitor (store, version);
      assert_fixture_notes (store, version);
      assert_fixture_unknown_cleared (store, version);
      assert_fixture_email (store, version);
      assert_fixture_authorization (store, version);
      assert_fixture_service_level (store, version);
      assert_fixture_log (store);
      assert_fixture_crm (store, version);
      assert_fixture_events (store);
      g_clear_pointer (&store, fd_store_free);
      g_assert_cmpint (raw_pragma (path, "PRAGMA user_version"), ==, FD_STORE_SCHEMA_VERSION);
      g_assert_cmpint (raw_pragma (path, "SELECT count(*) FROM sqlite_master WHERE name = 'events_created'"), ==, 0);
      g_assert_cmpint (raw_pragma (path, "SELECT count(*) FROM sqlite_master WHERE name = 'messages_agent' "
                                         "AND sql LIKE '%WHERE agent_id IS NOT NULL'"), ==, 1);
      fd_test_rm_rf (dir);
    }
}

static void
test_newer_refused (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "newer.db", NULL);
  g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = 1178880817;"
                                          "CREATE TABLE future (x);"
                                          "PRAGMA user_version = %d;", FD_STORE_SCHEMA_VERSION + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;

  build_db_from_sql (path, sql);
  store = fd_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer"));
  /* Refusing must not touch the file. */
  g_assert_cmpint (raw_pragma (path, "PRAGMA user_version"), ==, FD_STORE_SCHEMA_VERSION + 1);
  fd_test_rm_rf (dir);
}

static void
test_garbage_refused (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "garbage.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  GString *junk = g_string_new (NULL);

  for (int i = 0; i < 4096; i++)
    g_string_append_c (junk, (char) ('A' + i % 23));
  g_assert_true (g_file_set_contents (path, junk->str, junk->len, NULL));
  g_string_free (junk, TRUE);

  store = fd_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CORRUPT);
  fd_test_rm_rf (dir);
}

static void
test_foreign_sqlite_refused (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "other.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;

  build_db_from_sql (path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);");
  store = fd_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CORRUPT);
  fd_test_rm_rf (dir);
}

/* What a commit acknowledged survives the process being killed at once,
 * without closing the database (WAL + synchronous=NORMAL). */
static void
test_durable_after_kill (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(GPtrArray) orgs = NULL;

  if (g_test_subprocess ())
    {
      gint64 seq = 0;

      path = g_build_filename (g_getenv ("FD_TEST_KILL_DIR"), "killed.db", NULL);
      store = fd_store_open (path, &error);
      g_assert_no_error (error);
      g_assert_true (fd_store_begin (store, &error));
      g_assert_cmpint (make_org (store, "Survivor"), ==, 1);
      g_assert_true (fd_store_append_event (store, 1, "created", 0, 0, 0, NULL, &seq, &error));
      g_assert_true (fd_store_commit (store, &error));
      /* Uncommitted work must vanish. */
      g_assert_true (fd_store_begin (store, &error));
      make_org (store, "Never committed");
      raise (SIGKILL);
      return;
    }

  dir = fd_test_make_tmpdir ();
  g_setenv ("FD_TEST_KILL_DIR", dir, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();

  path = g_build_filename (dir, "killed.db", NULL);
  store = fd_store_open (path, &error);
  g_assert_no_error (error);
  orgs = fd_store_list_organizations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orgs->len, ==, 1);
  g_assert_cmpstr (((FdOrganization *) orgs->pdata[0])->name, ==, "Survivor");
  {
    gint64 last = 0;

    g_assert_true (fd_store_get_last_event_seq (store, 1, &last, &error));
    g_assert_cmpint (last, ==, 1);
  }
  g_clear_pointer (&store, fd_store_free);
  fd_test_rm_rf (dir);
  g_clear_pointer (&dir, g_free);
}

/* The database holds password hashes: a file others can read is made the
 * server user's alone, with a warning, side files included. */
/* The database holds password hashes: a file others can read is made the
 * server user's alone, with a warning, side files included. Runs in a
 * subprocess where warnings are not fatal, and checks what it logged. */
static void
test_permissions_tightened (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  GStatBuf st;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr ("*wide.db was readable by other users (mode 0644)*"
                                 "*wide.db-wal was readable by other users (mode 0666)*");
      return;
    }

  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  dir = fd_test_make_tmpdir ();
  path = g_build_filename (dir, "wide.db", NULL);
  wal = g_strconcat (path, "-wal", NULL);
  build_db_from_sql (path, "PRAGMA journal_mode = DELETE;");
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_true (g_file_set_contents (wal, "", 0, &error));
  g_assert_cmpint (g_chmod (wal, 0666), ==, 0);
  store = fd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_pointer (&store, fd_store_free);
  fd_test_rm_rf (dir);
}

static void
test_unopenable_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;

  store = fd_store_open ("/nonexistent-dir-for-frontdesk/x/db.sqlite", &error);
  g_assert_null (store);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED);
}

/* A file is written before its row: what a crash leaves (a file without a
 * row, a temporary file) is removed by the clean-up at start, and a file
 * with a row is kept. */
static void
test_files_add_get_clean (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "files.db", NULL);
  g_autofree char *files_dir = g_strconcat (path, FD_STORE_FILES_SUFFIX, NULL);
  g_autofree char *orphan = g_build_filename (files_dir, "00112233445566778899aabbccddeeff", NULL);
  g_autofree char *temp = g_build_filename (files_dir, ".tmp-Q1W2E3", NULL);
  g_autofree char *kept_path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = fd_store_open (path, &error);
  g_autoptr(FdOrganization) org = fd_organization_new ();
  g_autoptr(FdStoreFile) file = g_new0 (FdStoreFile, 1);
  g_autoptr(FdStoreFile) bad = g_new0 (FdStoreFile, 1);
  g_autoptr(FdStoreFile) got = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static ("abc", 3);
  gsize length = 0;
  guint removed = 99;

  g_assert_no_error (error);
  org->name = g_strdup ("Files");
  g_assert_true (fd_store_create_organization (store, org, &error));

  /* Nothing there yet: nothing to clean. */
  g_assert_true (fd_store_clean_files (store, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 0);

  file->organization_id = org->id;
  file->name = g_strdup ("abc.txt");
  file->mime_type = g_strdup ("text/plain");
  g_assert_true (fd_store_add_file (store, file, bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (file->id), ==, FD_STORE_FILE_ID_LENGTH);
  g_assert_cmpint (file->size, ==, 3);
  g_assert_cmpstr (file->sha256, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  kept_path = fd_store_dup_file_path (store, file->id);
  g_assert_true (g_file_get_contents (kept_path, &contents, &length, &error));
  g_assert_cmpstr (contents, ==, "abc");

  got = fd_store_get_file (store, file->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->name, ==, "abc.txt");
  g_assert_cmpint (got->organization_id, ==, org->id);
  g_assert_null (fd_store_dup_file_path (store, "../files.db"));

  /* A conversation of no organization, an empty name: refused, no file left. */
  bad->organization_id = org->id;
  bad->conversation_id = 4242;
  bad->name = g_strdup ("x.txt");
  bad->mime_type = g_strdup ("text/plain");
  g_assert_false (fd_store_add_file (store, bad, bytes, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&bad->name, g_free);
  bad->conversation_id = 0;
  g_assert_false (fd_store_add_file (store, bad, bytes, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* What a crash between the file and its row leaves. */
  g_assert_true (g_file_set_contents (orphan, "orphan", -1, &error));
  g_assert_true (g_file_set_contents (temp, "half", -1, &error));
  g_assert_no_error (error);
  g_assert_true (fd_store_clean_files (store, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 2);
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept_path, G_FILE_TEST_IS_REGULAR));

  g_clear_pointer (&store, fd_store_free);
  fd_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Files made here are private, as frontdeskd wants them: it tightens
   * wider ones with a warning (test_permissions_tightened), and warnings
   * fail a test. */
  umask (077);

  g_test_add_func ("/store/migrations/empty-to-current", test_empty_to_current);
  g_test_add_func ("/store/migrations/fixtures-to-current", test_fixtures_to_current);
  g_test_add_func ("/store/migrations/newer-refused", test_newer_refused);
  g_test_add_func ("/store/migrations/garbage-refused", test_garbage_refused);
  g_test_add_func ("/store/migrations/permissions-tightened", test_permissions_tightened);
  g_test_add_func ("/store/migrations/foreign-sqlite-refused", test_foreign_sqlite_refused);
  g_test_add_func ("/store/migrations/unopenable-path", test_unopenable_path);
  g_test_add_func ("/store/durable-after-kill", test_durable_after_kill);
  g_test_add_func ("/store/files/add-get-clean", test_files_add_get_clean);

  return g_test_run ();
}
