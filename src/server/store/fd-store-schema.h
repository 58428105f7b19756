#pragma once

/* The schema migrations of the store, private to fd-store.c.
 *
 * fd_store_migrations[i] turns a database of version i into version i + 1
 * and ends by setting PRAGMA user_version to i + 1. A step is never edited
 * once released: a change is a new step (and a new fixture in
 * tests/store/fixtures/). See docs/store.md, "Migrations".
 *
 * Conventions of the schema: ids are INTEGER PRIMARY KEY rowids; times are
 * INTEGER microseconds since the epoch, 0 = not yet; enums are TEXT holding
 * their wire names (fd-types.h); lists of strings are JSON arrays in TEXT.
 * Every child names its parent together with organization_id through a
 * composite foreign key, so a row can never point into another
 * organization.
 */

#include <glib.h>

G_BEGIN_DECLS

/* 'FDK1': tells a Frontdesk database from another application's. */
#define FD_STORE_APPLICATION_ID 0x46444b31

static const char fd_store_migration_1[] =
  "PRAGMA application_id = 1178880817;\n"
  "CREATE TABLE organizations (\n"
  "  id          INTEGER PRIMARY KEY,\n"
  "  name        TEXT NOT NULL,\n"
  "  reserve_acd TEXT NOT NULL,\n"
  "  created_at  INTEGER NOT NULL\n"
  ");\n"
  "CREATE TABLE event_counters (\n"
  "  organization_id INTEGER PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,\n"
  "  last_seq        INTEGER NOT NULL\n"
  ");\n"
  "CREATE TABLE agents (\n"
  "  id              INTEGER PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,\n"
  "  email           TEXT NOT NULL UNIQUE,\n"
  "  name            TEXT NOT NULL,\n"
  "  password_hash   TEXT NOT NULL,\n"
  "  role            TEXT NOT NULL,\n"
  "  acd_state       TEXT NOT NULL,\n"
  "  acd_reason      TEXT,\n"
  "  idle_since      INTEGER NOT NULL DEFAULT 0,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  UNIQUE (organization_id, id)\n"
  ");\n"
  "CREATE TABLE queues (\n"
  "  id              INTEGER PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,\n"
  "  name            TEXT NOT NULL,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  UNIQUE (organization_id, id)\n"
  ");\n"
  "CREATE TABLE queue_members (\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  queue_id        INTEGER NOT NULL,\n"
  "  agent_id        INTEGER NOT NULL,\n"
  "  joined          INTEGER NOT NULL DEFAULT 0,\n"
  "  PRIMARY KEY (queue_id, agent_id),\n"
  "  FOREIGN KEY (organization_id, queue_id) REFERENCES queues (organization_id, id) ON DELETE CASCADE,\n"
  "  FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE INDEX queue_members_agent ON queue_members (agent_id);\n"
  "CREATE TABLE streams (\n"
  "  id              INTEGER PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,\n"
  "  queue_id        INTEGER NOT NULL,\n"
  "  kind            TEXT NOT NULL,\n"
  "  name            TEXT NOT NULL,\n"
  "  key             TEXT NOT NULL UNIQUE,\n"
  "  departments     TEXT,\n"
  "  allowed_origins TEXT,\n"
  "  settings_json   TEXT,\n"
  "  deleted         INTEGER NOT NULL DEFAULT 0,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  UNIQUE (organization_id, id),\n"
  "  FOREIGN KEY (organization_id, queue_id) REFERENCES queues (organization_id, id)\n"
  ");\n"
  "CREATE INDEX streams_queue ON streams (queue_id);\n"
  "CREATE TABLE phases (\n"
  "  id               INTEGER PRIMARY KEY,\n"
  "  organization_id  INTEGER NOT NULL,\n"
  "  stream_id        INTEGER NOT NULL,\n"
  "  position         INTEGER NOT NULL,\n"
  "  strategy         TEXT NOT NULL,\n"
  "  bounce_seconds   INTEGER NOT NULL DEFAULT 0,\n"
  "  duration_seconds INTEGER NOT NULL DEFAULT 0,\n"
  "  UNIQUE (stream_id, position),\n"
  "  UNIQUE (organization_id, id),\n"
  "  FOREIGN KEY (organization_id, stream_id) REFERENCES streams (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE TABLE phase_agents (\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  phase_id        INTEGER NOT NULL,\n"
  "  agent_id        INTEGER NOT NULL,\n"
  "  position        INTEGER NOT NULL,\n"
  "  PRIMARY KEY (phase_id, agent_id),\n"
  "  FOREIGN KEY (organization_id, phase_id) REFERENCES phases (organization_id, id) ON DELETE CASCADE,\n"
  "  FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE INDEX phase_agents_agent ON phase_agents (agent_id);\n"
  "CREATE TABLE contacts (\n"
  "  id              INTEGER PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,\n"
  "  name            TEXT,\n"
  "  email           TEXT,\n"
  "  email_key       TEXT,\n"
  "  phone           TEXT,\n"
  "  phone_key       TEXT,\n"
  "  twitter_handle  TEXT,\n"
  "  crm_label       TEXT,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  UNIQUE (organization_id, id)\n"
  ");\n"
  "CREATE INDEX contacts_email ON contacts (organization_id, email_key);\n"
  "CREATE INDEX contacts_phone ON contacts (organization_id, phone_key);\n"
  "CREATE TABLE conversations (\n"
  "  id                       INTEGER PRIMARY KEY,\n"
  "  organization_id          INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,\n"
  "  stream_id                INTEGER NOT NULL,\n"
  "  queue_id                 INTEGER NOT NULL,\n"
  "  kind                     TEXT NOT NULL,\n"
  "  state                    TEXT NOT NULL,\n"
  "  contact_id               INTEGER NOT NULL,\n"
  "  agent_id                 INTEGER REFERENCES agents (id) ON DELETE SET NULL,\n"
  "  subject                  TEXT,\n"
  "  department               TEXT,\n"
  "  page_url                 TEXT,\n"
  "  ip                       TEXT,\n"
  "  browser                  TEXT,\n"
  "  os                       TEXT,\n"
  "  callback_number          TEXT,\n"
  "  callback_time            TEXT,\n"
  "  created_at               INTEGER NOT NULL,\n"
  "  first_assigned_at        INTEGER NOT NULL DEFAULT 0,\n"
  "  reserved_at              INTEGER NOT NULL DEFAULT 0,\n"
  "  first_reply_at           INTEGER NOT NULL DEFAULT 0,\n"
  "  last_customer_message_at INTEGER NOT NULL DEFAULT 0,\n"
  "  closed_at                INTEGER NOT NULL DEFAULT 0,\n"
  "  rating                   INTEGER NOT NULL DEFAULT 0,\n"
  "  comment                  TEXT,\n"
  "  unread                   INTEGER NOT NULL DEFAULT 0,\n"
  "  UNIQUE (organization_id, id),\n"
  "  FOREIGN KEY (organization_id, stream_id) REFERENCES streams (organization_id, id),\n"
  "  FOREIGN KEY (organization_id, queue_id) REFERENCES queues (organization_id, id),\n"
  "  FOREIGN KEY (organization_id, contact_id) REFERENCES contacts (organization_id, id)\n"
  ");\n"
  "CREATE INDEX conversations_state ON conversations (organization_id, state);\n"
  "CREATE INDEX conversations_stream ON conversations (stream_id, state);\n"
  "CREATE INDEX conversations_queue ON conversations (queue_id);\n"
  "CREATE INDEX conversations_agent ON conversations (agent_id, state);\n"
  "CREATE INDEX conversations_contact ON conversations (contact_id, created_at);\n"
  "CREATE TABLE messages (\n"
  "  id              INTEGER PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  conversation_id INTEGER NOT NULL,\n"
  "  direction       TEXT NOT NULL,\n"
  "  agent_id        INTEGER REFERENCES agents (id) ON DELETE SET NULL,\n"
  "  author_name     TEXT,\n"
  "  text            TEXT,\n"
  "  client_id       TEXT,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  UNIQUE (organization_id, id),\n"
  "  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE INDEX messages_conversation ON messages (conversation_id, id);\n"
  "CREATE INDEX messages_agent ON messages (agent_id);\n"
  "CREATE UNIQUE INDEX messages_client_id ON messages (conversation_id, client_id) WHERE client_id IS NOT NULL;\n"
  "CREATE TABLE attachments (\n"
  "  id              INTEGER PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  message_id      INTEGER NOT NULL,\n"
  "  position        INTEGER NOT NULL,\n"
  "  name            TEXT,\n"
  "  url             TEXT,\n"
  "  mime_type       TEXT,\n"
  "  size            INTEGER NOT NULL DEFAULT 0,\n"
  "  FOREIGN KEY (organization_id, message_id) REFERENCES messages (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE INDEX attachments_message ON attachments (message_id, position);\n"
  "CREATE TABLE offers (\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  conversation_id INTEGER NOT NULL,\n"
  "  agent_id        INTEGER NOT NULL,\n"
  "  phase           INTEGER NOT NULL,\n"
  "  offered_at      INTEGER NOT NULL,\n"
  "  bounce_at       INTEGER NOT NULL DEFAULT 0,\n"
  "  PRIMARY KEY (conversation_id, agent_id),\n"
  "  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE,\n"
  "  FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE INDEX offers_agent ON offers (agent_id);\n"
  "CREATE TABLE canned_replies (\n"
  "  id              INTEGER PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,\n"
  "  level           TEXT NOT NULL,\n"
  "  owner_id        INTEGER NOT NULL DEFAULT 0,\n"
  "  name            TEXT NOT NULL,\n"
  "  text            TEXT NOT NULL,\n"
  "  created_at      INTEGER NOT NULL\n"
  ");\n"
  "CREATE INDEX canned_replies_owner ON canned_replies (organization_id, level, owner_id);\n"
  "CREATE TABLE resources (\n"
  "  id              INTEGER PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,\n"
  "  level           TEXT NOT NULL,\n"
  "  owner_id        INTEGER NOT NULL DEFAULT 0,\n"
  "  name            TEXT NOT NULL,\n"
  "  url             TEXT NOT NULL,\n"
  "  description     TEXT,\n"
  "  mime_type       TEXT,\n"
  "  size            INTEGER NOT NULL DEFAULT 0,\n"
  "  created_at      INTEGER NOT NULL\n"
  ");\n"
  "CREATE INDEX resources_owner ON resources (organization_id, level, owner_id);\n"
  "CREATE TABLE agent_tokens (\n"
  "  hash            TEXT PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  agent_id        INTEGER NOT NULL,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  revoked_at      INTEGER NOT NULL DEFAULT 0,\n"
  "  FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE INDEX agent_tokens_agent ON agent_tokens (agent_id);\n"
  "CREATE TABLE visitor_tokens (\n"
  "  hash            TEXT PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  conversation_id INTEGER NOT NULL,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  revoked_at      INTEGER NOT NULL DEFAULT 0,\n"
  "  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE INDEX visitor_tokens_conversation ON visitor_tokens (conversation_id);\n"
  "CREATE TABLE admin_tokens (\n"
  "  hash        TEXT PRIMARY KEY,\n"
  "  label       TEXT,\n"
  "  created_at  INTEGER NOT NULL,\n"
  "  revoked_at  INTEGER NOT NULL DEFAULT 0\n"
  ");\n"
  "CREATE TABLE events (\n"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,\n"
  "  seq             INTEGER NOT NULL,\n"
  "  type            TEXT NOT NULL,\n"
  "  queue_id        INTEGER NOT NULL DEFAULT 0,\n"
  "  agent_id        INTEGER NOT NULL DEFAULT 0,\n"
  "  conversation_id INTEGER NOT NULL DEFAULT 0,\n"
  "  payload_json    TEXT,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  PRIMARY KEY (organization_id, seq)\n"
  ");\n"
  "CREATE INDEX events_created ON events (created_at);\n"
  "PRAGMA user_version = 1;\n";

/* Version 2: uploaded files (attachments and resources). The bytes live in
 * a directory beside the database, named by the row's id; conversation_id
 * is NULL for an organization's file (a resource), agent_id NULL for an
 * administrator's upload or after the agent was deleted. */
static const char fd_store_migration_2[] =
  "CREATE TABLE files (\n"
  "  id              TEXT PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,\n"
  "  conversation_id INTEGER,\n"
  "  agent_id        INTEGER REFERENCES agents (id) ON DELETE SET NULL,\n"
  "  name            TEXT NOT NULL,\n"
  "  mime_type       TEXT NOT NULL,\n"
  "  size            INTEGER NOT NULL,\n"
  "  sha256          TEXT NOT NULL,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE INDEX files_organization ON files (organization_id);\n"
  "CREATE INDEX files_conversation ON files (conversation_id);\n"
  "CREATE INDEX files_agent ON files (agent_id);\n"
  "PRAGMA user_version = 2;\n";

/* Version 3: hardening. Agent tokens expire (expires_at, 0 = never, as for
 * tokens made before this version until their next use) and record their
 * last use for the idle expiry; an organization may replace the default list
 * of blocked attachment extensions (NULL = the documented default). */
static const char fd_store_migration_3[] =
  "ALTER TABLE agent_tokens ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;\n"
  "ALTER TABLE agent_tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;\n"
  "ALTER TABLE organizations ADD COLUMN blocked_extensions TEXT;\n"
  "PRAGMA user_version = 3;\n";

/* Version 4: what a visitor typed is kept on the conversation, beside the
 * contact it is linked to (whose name the typed one never replaces), and
 * whether the channel proved the address. Conversations from before
 * version 4 have no typed details (NULL: the app shows the contact's) and
 * are unverified, as every web chat and callback request was. */
static const char fd_store_migration_4[] =
  "ALTER TABLE conversations ADD COLUMN visitor_name TEXT;\n"
  "ALTER TABLE conversations ADD COLUMN visitor_email TEXT;\n"
  "ALTER TABLE conversations ADD COLUMN address_verified INTEGER NOT NULL DEFAULT 0;\n"
  "PRAGMA user_version = 4;\n";

/* Version 5: a system message keeps what it notes (FD_NOTE_*), so that
 * the app words it in the agent's language. Notes stored before version 5
 * have none (NULL) and are shown as their text. A browser or system the
 * User-Agent parser did not know is no longer stored as the English
 * "Unknown" but left NULL (the app words it): old rows follow. */
static const char fd_store_migration_5[] =
  "ALTER TABLE messages ADD COLUMN note TEXT;\n"
  "UPDATE conversations SET browser = NULL WHERE browser = 'Unknown';\n"
  "UPDATE conversations SET os = NULL WHERE os = 'Unknown';\n"
  "PRAGMA user_version = 5;\n";

/* Version 6: the Email channel (docs/email.md). A stream's health
 * ("needs-attention" and why; NULL for a stream nothing watches), its
 * secrets sealed with FdSecretBox (never in settings_json), the position in
 * each IMAP folder (UIDVALIDITY + last UID, advanced in the transaction that
 * stores the mail), every mail seen or sent (dedupe by stream and key; the
 * Message-IDs that thread answers), and the durable outbox of replies. */
static const char fd_store_migration_6[] =
  "ALTER TABLE streams ADD COLUMN health TEXT;\n"
  "ALTER TABLE streams ADD COLUMN health_reason TEXT;\n"
  "CREATE TABLE stream_secrets (\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  stream_id       INTEGER NOT NULL,\n"
  "  name            TEXT NOT NULL,\n"
  "  sealed          TEXT NOT NULL,\n"
  "  updated_at      INTEGER NOT NULL,\n"
  "  PRIMARY KEY (stream_id, name),\n"
  "  FOREIGN KEY (organization_id, stream_id) REFERENCES streams (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE TABLE email_folders (\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  stream_id       INTEGER NOT NULL,\n"
  "  folder          TEXT NOT NULL,\n"
  "  uidvalidity     INTEGER NOT NULL DEFAULT 0,\n"
  "  last_uid        INTEGER NOT NULL DEFAULT 0,\n"
  "  PRIMARY KEY (stream_id, folder),\n"
  "  FOREIGN KEY (organization_id, stream_id) REFERENCES streams (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE TABLE email_mails (\n"
  "  id              INTEGER PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  stream_id       INTEGER NOT NULL,\n"
  "  dedupe_key      TEXT NOT NULL,\n"
  "  direction       TEXT NOT NULL,\n"
  "  mail_message_id TEXT,\n"
  "  references_json TEXT,\n"
  "  subject         TEXT,\n"
  "  conversation_id INTEGER,\n"
  "  message_id      INTEGER,\n"
  "  automatic       INTEGER NOT NULL DEFAULT 0,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  UNIQUE (stream_id, dedupe_key),\n"
  "  FOREIGN KEY (organization_id, stream_id) REFERENCES streams (organization_id, id) ON DELETE CASCADE,\n"
  "  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE,\n"
  "  FOREIGN KEY (organization_id, message_id) REFERENCES messages (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE INDEX email_mails_message_id ON email_mails (stream_id, mail_message_id);\n"
  "CREATE INDEX email_mails_conversation ON email_mails (conversation_id, id);\n"
  "CREATE INDEX email_mails_message ON email_mails (message_id);\n"
  "CREATE TABLE email_outbox (\n"
  "  message_id      INTEGER PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  stream_id       INTEGER NOT NULL,\n"
  "  conversation_id INTEGER NOT NULL,\n"
  "  mail_message_id TEXT NOT NULL,\n"
  "  state           TEXT NOT NULL,\n"
  "  attempts        INTEGER NOT NULL DEFAULT 0,\n"
  "  next_attempt_at INTEGER NOT NULL DEFAULT 0,\n"
  "  reason          TEXT,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  sent_at         INTEGER NOT NULL DEFAULT 0,\n"
  "  FOREIGN KEY (organization_id, stream_id) REFERENCES streams (organization_id, id),\n"
  "  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE,\n"
  "  FOREIGN KEY (organization_id, message_id) REFERENCES messages (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE INDEX email_outbox_due ON email_outbox (state, next_attempt_at);\n"
  "PRAGMA user_version = 6;\n";

/* Version 7: the stream authorization flow (docs/email.md, "Authorization
 * flow"). An organization's authorization addresses (a JSON array; NULL =
 * none), and one authorization link per stream: the hash of its random
 * token (never the token), its expiry, when it was used, the attempts made
 * with it, and the OAuth consent under way (state and the sealed PKCE
 * verifier). A new link replaces the stream's row, which voids the old one. */
static const char fd_store_migration_7[] =
  "ALTER TABLE organizations ADD COLUMN authorization_addresses TEXT;\n"
  "CREATE TABLE stream_authorizations (\n"
  "  stream_id       INTEGER PRIMARY KEY,\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  token_hash      TEXT NOT NULL UNIQUE,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  expires_at      INTEGER NOT NULL,\n"
  "  used_at         INTEGER NOT NULL DEFAULT 0,\n"
  "  attempts        INTEGER NOT NULL DEFAULT 0,\n"
  "  oauth_state     TEXT,\n"
  "  oauth_verifier  TEXT,\n"
  "  FOREIGN KEY (organization_id, stream_id) REFERENCES streams (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "PRAGMA user_version = 7;\n";

/* Version 8: what a person reads of a mail (docs/email.md, "What is
 * stored"): its sender, its To and Cc (JSON arrays of mailboxes as written,
 * at most 100 each) and its Date, for the customer's mails and the agent's
 * replies (the subject was kept already). Mails stored before have none
 * (NULL) and are shown without them. */
static const char fd_store_migration_8[] =
  "ALTER TABLE email_mails ADD COLUMN from_name TEXT;\n"
  "ALTER TABLE email_mails ADD COLUMN from_address TEXT;\n"
  "ALTER TABLE email_mails ADD COLUMN to_json TEXT;\n"
  "ALTER TABLE email_mails ADD COLUMN cc_json TEXT;\n"
  "ALTER TABLE email_mails ADD COLUMN mail_date INTEGER NOT NULL DEFAULT 0;\n"
  "PRAGMA user_version = 8;\n";

/* Version 9: the Activity Log (docs/store.md, "The Activity Log"). Who
 * held a conversation at any time (conversation_holders, one row per agent
 * and conversation, kept by triggers whenever agent_id is set, so that a
 * transferred conversation is in both holders' logs; conversations from
 * before version 9 get their current holder and every agent who wrote in
 * them); the log's sort keys kept on the conversation by triggers
 * (log_queue: the queue's name; log_party: the remote party; log_handle:
 * the handle time in seconds once closed, -1 never assigned, NULL while
 * it runs) with an index per order of the log, and a
 * full-text index of the messages' text (FTS5, external content: the text
 * stays in messages only), built here for existing rows. The store keeps
 * the index in the statements that add or remove messages, not by
 * triggers: with trusted_schema = OFF (fd-store.c) SQLite refuses a
 * trigger that writes to a virtual table. */
static const char fd_store_migration_9[] =
  "CREATE TABLE conversation_holders (\n"
  "  organization_id INTEGER NOT NULL,\n"
  "  agent_id        INTEGER NOT NULL,\n"
  "  conversation_id INTEGER NOT NULL,\n"
  "  PRIMARY KEY (agent_id, conversation_id),\n"
  "  FOREIGN KEY (organization_id, agent_id) REFERENCES agents (organization_id, id) ON DELETE CASCADE,\n"
  "  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE\n"
  ") WITHOUT ROWID;\n"
  "CREATE INDEX conversation_holders_conversation ON conversation_holders (conversation_id);\n"
  "CREATE TRIGGER conversations_holder_insert AFTER INSERT ON conversations\n"
  "  WHEN NEW.agent_id IS NOT NULL BEGIN\n"
  "  INSERT OR IGNORE INTO conversation_holders (organization_id, agent_id, conversation_id)\n"
  "    VALUES (NEW.organization_id, NEW.agent_id, NEW.id);\n"
  "END;\n"
  "CREATE TRIGGER conversations_holder_update AFTER UPDATE OF agent_id ON conversations\n"
  "  WHEN NEW.agent_id IS NOT NULL BEGIN\n"
  "  INSERT OR IGNORE INTO conversation_holders (organization_id, agent_id, conversation_id)\n"
  "    VALUES (NEW.organization_id, NEW.agent_id, NEW.id);\n"
  "END;\n"
  "INSERT OR IGNORE INTO conversation_holders (organization_id, agent_id, conversation_id)\n"
  "  SELECT organization_id, agent_id, id FROM conversations WHERE agent_id IS NOT NULL;\n"
  "INSERT OR IGNORE INTO conversation_holders (organization_id, agent_id, conversation_id)\n"
  "  SELECT m.organization_id, m.agent_id, m.conversation_id FROM messages m\n"
  "  JOIN agents a ON a.id = m.agent_id AND a.organization_id = m.organization_id\n"
  "  WHERE m.agent_id IS NOT NULL AND m.direction = 'out';\n"
  "CREATE INDEX conversations_log_assigned ON conversations (organization_id, first_assigned_at, id);\n"
  "CREATE INDEX conversations_log_kind ON conversations (organization_id, kind, id);\n"
  "ALTER TABLE conversations ADD COLUMN log_queue TEXT;\n"
  "ALTER TABLE conversations ADD COLUMN log_party TEXT;\n"
  "ALTER TABLE conversations ADD COLUMN log_handle INTEGER;\n"
  "UPDATE conversations SET\n"
  "  log_queue = COALESCE ((SELECT q.name FROM queues q WHERE q.id = conversations.queue_id), ''),\n"
  "  log_party = COALESCE ((SELECT COALESCE (NULLIF (t.name, ''), NULLIF (conversations.visitor_name, ''), NULLIF (t.email, ''), NULLIF (conversations.visitor_email, ''), NULLIF (t.phone, ''), NULLIF (conversations.callback_number, ''), NULLIF (t.twitter_handle, ''), '') FROM contacts t WHERE t.id = conversations.contact_id), ''),\n"
  "  log_handle = CASE WHEN conversations.first_assigned_at = 0 THEN -1 WHEN conversations.closed_at > 0 THEN MAX (0, (conversations.closed_at - conversations.first_assigned_at) / 1000000) ELSE NULL END;\n"
  "CREATE TRIGGER conversations_log_insert AFTER INSERT ON conversations BEGIN\n"
  "  UPDATE conversations SET\n"
  "    log_queue = COALESCE ((SELECT q.name FROM queues q WHERE q.id = NEW.queue_id), ''),\n"
  "    log_party = COALESCE ((SELECT COALESCE (NULLIF (t.name, ''), NULLIF (NEW.visitor_name, ''), NULLIF (t.email, ''), NULLIF (NEW.visitor_email, ''), NULLIF (t.phone, ''), NULLIF (NEW.callback_number, ''), NULLIF (t.twitter_handle, ''), '') FROM contacts t WHERE t.id = NEW.contact_id), ''),\n"
  "    log_handle = CASE WHEN NEW.first_assigned_at = 0 THEN -1 WHEN NEW.closed_at > 0 THEN MAX (0, (NEW.closed_at - NEW.first_assigned_at) / 1000000) ELSE NULL END\n"
  "  WHERE id = NEW.id;\n"
  "END;\n"
  "CREATE TRIGGER conversations_log_update AFTER UPDATE OF first_assigned_at, closed_at, contact_id, visitor_name, visitor_email, callback_number, queue_id ON conversations\n"
  "  WHEN NEW.first_assigned_at IS NOT OLD.first_assigned_at OR NEW.closed_at IS NOT OLD.closed_at\n"
  "    OR NEW.contact_id IS NOT OLD.contact_id OR NEW.visitor_name IS NOT OLD.visitor_name\n"
  "    OR NEW.visitor_email IS NOT OLD.visitor_email OR NEW.callback_number IS NOT OLD.callback_number\n"
  "    OR NEW.queue_id IS NOT OLD.queue_id BEGIN\n"
  "  UPDATE conversations SET\n"
  "    log_queue = COALESCE ((SELECT q.name FROM queues q WHERE q.id = NEW.queue_id), ''),\n"
  "    log_party = COALESCE ((SELECT COALESCE (NULLIF (t.name, ''), NULLIF (NEW.visitor_name, ''), NULLIF (t.email, ''), NULLIF (NEW.visitor_email, ''), NULLIF (t.phone, ''), NULLIF (NEW.callback_number, ''), NULLIF (t.twitter_handle, ''), '') FROM contacts t WHERE t.id = NEW.contact_id), ''),\n"
  "    log_handle = CASE WHEN NEW.first_assigned_at = 0 THEN -1 WHEN NEW.closed_at > 0 THEN MAX (0, (NEW.closed_at - NEW.first_assigned_at) / 1000000) ELSE NULL END\n"
  "  WHERE id = NEW.id;\n"
  "END;\n"
  "CREATE TRIGGER contacts_log_update AFTER UPDATE OF name, email, phone, twitter_handle ON contacts\n"
  "  WHEN NEW.name IS NOT OLD.name OR NEW.email IS NOT OLD.email OR NEW.phone IS NOT OLD.phone\n"
  "    OR NEW.twitter_handle IS NOT OLD.twitter_handle BEGIN\n"
  "  UPDATE conversations SET log_party = COALESCE (NULLIF (NEW.name, ''), NULLIF (conversations.visitor_name, ''), NULLIF (NEW.email, ''), NULLIF (conversations.visitor_email, ''), NULLIF (NEW.phone, ''), NULLIF (conversations.callback_number, ''), NULLIF (NEW.twitter_handle, ''), '')\n"
  "  WHERE contact_id = NEW.id;\n"
  "END;\n"
  "CREATE TRIGGER queues_log_update AFTER UPDATE OF name ON queues WHEN NEW.name IS NOT OLD.name BEGIN\n"
  "  UPDATE conversations SET log_queue = NEW.name WHERE queue_id = NEW.id;\n"
  "END;\n"
  "CREATE INDEX conversations_log_queue ON conversations (organization_id, log_queue COLLATE NOCASE, id);\n"
  "CREATE INDEX conversations_log_party ON conversations (organization_id, log_party COLLATE NOCASE, id);\n"
  "CREATE INDEX conversations_log_handle ON conversations (organization_id, log_handle, id);\n"
  "CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = 'messages', content_rowid = 'id');\n"
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');\n"
  "PRAGMA user_version = 9;\n";

/* Version 10: each queue's service level threshold (docs/statistics.md,
 * "Service level"): the share of conversations answered within this many
 * seconds of their arrival. 20 s unless an administrator sets 1–3600. */
static const char fd_store_migration_10[] =
  "ALTER TABLE queues ADD COLUMN service_level_seconds INTEGER NOT NULL DEFAULT 20;\n"
  "PRAGMA user_version = 10;\n";

/* Version 11: the CRM integration (docs/crm.md, docs/store.md "CRM").
 * What the lookup found on each contact (provider, record URL, company,
 * kind, the record's id in the CRM; crm_label is from version 1) and when
 * it last looked; the
 * organization's CRM connection (one per organization: its provider and
 * instance, the OAuth client, the tokens and client secret sealed with
 * FdSecretBox as base64, its status, the connect page's link (the hash of
 * its token, never the token) and the consent under way: state and the
 * sealed PKCE verifier); and the durable outbox of log entries, one row
 * per entry, with the CRM's id once accepted (remote_id) and a unique
 * idempotency key. At most one automatic entry per conversation. */
static const char fd_store_migration_11[] =
  "ALTER TABLE contacts ADD COLUMN crm_provider TEXT;\n"
  "ALTER TABLE contacts ADD COLUMN crm_record_url TEXT;\n"
  "ALTER TABLE contacts ADD COLUMN crm_company TEXT;\n"
  "ALTER TABLE contacts ADD COLUMN crm_kind TEXT;\n"
  "ALTER TABLE contacts ADD COLUMN crm_record_id TEXT;\n"
  "ALTER TABLE contacts ADD COLUMN crm_checked_at INTEGER NOT NULL DEFAULT 0;\n"
  "CREATE TABLE crm_connections (\n"
  "  organization_id  INTEGER PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,\n"
  "  provider         TEXT NOT NULL,\n"
  "  instance_url     TEXT NOT NULL,\n"
  "  client_id        TEXT NOT NULL,\n"
  "  client_secret    TEXT,\n"
  "  tokens           TEXT,\n"
  "  status           TEXT NOT NULL,\n"
  "  status_reason    TEXT,\n"
  "  pending_state    TEXT,\n"
  "  pending_verifier TEXT,\n"
  "  pending_expires_at INTEGER NOT NULL DEFAULT 0,\n"
  "  link_hash        TEXT UNIQUE,\n"
  "  link_expires_at  INTEGER NOT NULL DEFAULT 0,\n"
  "  connected_at     INTEGER NOT NULL DEFAULT 0,\n"
  "  updated_at       INTEGER NOT NULL\n"
  ");\n"
  "CREATE TABLE crm_outbox (\n"
  "  id               INTEGER PRIMARY KEY,\n"
  "  organization_id  INTEGER NOT NULL,\n"
  "  conversation_id  INTEGER NOT NULL,\n"
  "  automatic        INTEGER NOT NULL DEFAULT 0,\n"
  "  agent_id         INTEGER,\n"
  "  crm_user         TEXT,\n"
  "  subject          TEXT NOT NULL,\n"
  "  body             TEXT NOT NULL,\n"
  "  idempotency_key  TEXT NOT NULL UNIQUE,\n"
  "  state            TEXT NOT NULL,\n"
  "  attempts         INTEGER NOT NULL DEFAULT 0,\n"
  "  next_attempt_at  INTEGER NOT NULL DEFAULT 0,\n"
  "  reason           TEXT,\n"
  "  remote_id        TEXT,\n"
  "  created_at       INTEGER NOT NULL,\n"
  "  sent_at          INTEGER NOT NULL DEFAULT 0,\n"
  "  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE UNIQUE INDEX crm_outbox_automatic ON crm_outbox (conversation_id) WHERE automatic = 1;\n"
  "CREATE INDEX crm_outbox_due ON crm_outbox (state, next_attempt_at);\n"
  "PRAGMA user_version = 11;\n";

/* Version 12: the Twitter/X channel (docs/twitter.md, docs/store.md).
 * A conversation's Direct Message request (dm_requested, sent once); a
 * contact found by its X handle (case-insensitive, as X compares them);
 * per stream, the polling position (the newest mention seen: the next
 * since_id; the newest direct message event seen) and the X API calls of
 * the UTC day (calls_day: days since the epoch); every X item seen or sent
 * (x_items: the dedupe, unique per stream, kind and X id, and the
 * threading: thread_key is X's conversation_id of a post, or the
 * dm_conversation_id of a direct message); and the durable outbox of
 * replies (x_outbox: the post it answers or the customer's X user id for a
 * direct message; X's id once sent). */
static const char fd_store_migration_12[] =
  "ALTER TABLE conversations ADD COLUMN dm_requested INTEGER NOT NULL DEFAULT 0;\n"
  "CREATE INDEX contacts_twitter ON contacts (organization_id, twitter_handle COLLATE NOCASE);\n"
  "CREATE TABLE x_positions (\n"
  "  stream_id        INTEGER PRIMARY KEY,\n"
  "  organization_id  INTEGER NOT NULL,\n"
  "  mentions_since_id TEXT,\n"
  "  dm_newest_id     TEXT,\n"
  "  calls_day        INTEGER NOT NULL DEFAULT 0,\n"
  "  calls_today      INTEGER NOT NULL DEFAULT 0,\n"
  "  FOREIGN KEY (organization_id, stream_id) REFERENCES streams (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE TABLE x_items (\n"
  "  id               INTEGER PRIMARY KEY,\n"
  "  organization_id  INTEGER NOT NULL,\n"
  "  stream_id        INTEGER NOT NULL,\n"
  "  direct           INTEGER NOT NULL,\n"
  "  x_id             TEXT NOT NULL,\n"
  "  thread_key       TEXT,\n"
  "  conversation_id  INTEGER,\n"
  "  message_id       INTEGER,\n"
  "  author_id        TEXT,\n"
  "  author_handle    TEXT,\n"
  "  in_reply_to      TEXT,\n"
  "  created_at       INTEGER NOT NULL,\n"
  "  UNIQUE (stream_id, direct, x_id),\n"
  "  FOREIGN KEY (organization_id, stream_id) REFERENCES streams (organization_id, id) ON DELETE CASCADE,\n"
  "  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE,\n"
  "  FOREIGN KEY (organization_id, message_id) REFERENCES messages (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE INDEX x_items_thread ON x_items (stream_id, direct, thread_key, id);\n"
  "CREATE INDEX x_items_conversation ON x_items (conversation_id, id);\n"
  "CREATE INDEX x_items_message ON x_items (message_id);\n"
  "CREATE TABLE x_outbox (\n"
  "  message_id       INTEGER PRIMARY KEY,\n"
  "  organization_id  INTEGER NOT NULL,\n"
  "  stream_id        INTEGER NOT NULL,\n"
  "  conversation_id  INTEGER NOT NULL,\n"
  "  direct           INTEGER NOT NULL,\n"
  "  in_reply_to      TEXT,\n"
  "  participant_id   TEXT,\n"
  "  author_handle    TEXT,\n"
  "  state            TEXT NOT NULL,\n"
  "  attempts         INTEGER NOT NULL DEFAULT 0,\n"
  "  next_attempt_at  INTEGER NOT NULL DEFAULT 0,\n"
  "  reason           TEXT,\n"
  "  x_id             TEXT,\n"
  "  created_at       INTEGER NOT NULL,\n"
  "  sent_at          INTEGER NOT NULL DEFAULT 0,\n"
  "  FOREIGN KEY (organization_id, stream_id) REFERENCES streams (organization_id, id),\n"
  "  FOREIGN KEY (organization_id, conversation_id) REFERENCES conversations (organization_id, id) ON DELETE CASCADE,\n"
  "  FOREIGN KEY (organization_id, message_id) REFERENCES messages (organization_id, id) ON DELETE CASCADE\n"
  ");\n"
  "CREATE INDEX x_outbox_due ON x_outbox (state, next_attempt_at);\n"
  "CREATE INDEX x_outbox_conversation ON x_outbox (conversation_id);\n"
  "PRAGMA user_version = 12;\n";

/* Version 13: the indexes of the message path (docs/store.md, "Indexes of
 * the message path"). The event log loses its index on created_at, which
 * no query reads: pruning, the only statement that compares created_at,
 * also deletes by sequence number with a correlated subquery, so SQLite
 * scans the (bounded) log whatever the indexes; every event, two per chat
 * message, wrote an entry of it. The index of the messages' agent, read
 * only by the foreign key's ON DELETE SET NULL when an agent is deleted,
 * holds the agents' messages only: a visitor's message, without an
 * agent, writes no entry (SQLite's lookup of agent_id = ? uses a partial
 * index WHERE agent_id IS NOT NULL). */
static const char fd_store_migration_13[] =
  "DROP INDEX events_created;\n"
  "DROP INDEX messages_agent;\n"
  "CREATE INDEX messages_agent ON messages (agent_id) WHERE agent_id IS NOT NULL;\n"
  "PRAGMA user_version = 13;\n";

static const char * const fd_store_migrations[] = {
  fd_store_migration_1,
  fd_store_migration_2,
  fd_store_migration_3,
  fd_store_migration_4,
  fd_store_migration_5,
  fd_store_migration_6,
  fd_store_migration_7,
  fd_store_migration_8,
  fd_store_migration_9,
  fd_store_migration_10,
  fd_store_migration_11,
  fd_store_migration_12,
  fd_store_migration_13,
};

G_END_DECLS
