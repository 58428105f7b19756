#pragma once

/* The SQLite store of frontdeskd.
 *
 * One FdStore per process, used from the server's main loop only: it is not
 * thread-safe, and it needs no locking because nothing else touches it.
 * Every call is one transaction of its own unless the caller opened one with
 * fd_store_begin(): then calls nest inside it (as savepoints) and become
 * visible together at fd_store_commit().
 *
 * Conventions:
 *  - Every entity call is scoped by organization_id: asking for a row of
 *    another organization gives FD_STORE_ERROR_NOT_FOUND, never the row.
 *  - Getters return owned structs of fd-types.h (free with fd_*_free or
 *    g_autoptr); lists return a GPtrArray that owns its elements.
 *  - create() takes the caller's struct, validates it, inserts it and writes
 *    back what the store assigned (id, created_at, stream key, positions).
 *  - update() writes the mutable fields of the struct, identified by its
 *    organization_id and id.
 *  - Times are microseconds since the Unix epoch, as in fd-types.h.
 *
 * See docs/store.md for the schema, durability and limits.
 */

#include <glib.h>
#include "fd-messages.h"
#include "fd-types.h"

G_BEGIN_DECLS

#define FD_STORE_ERROR (fd_store_error_quark ())

typedef enum {
  FD_STORE_ERROR_NOT_FOUND,
  FD_STORE_ERROR_CONFLICT,   /* a unique value already taken (e.g. email) */
  FD_STORE_ERROR_INVALID,    /* a value the store refuses (empty, too long, wrong organization) */
  FD_STORE_ERROR_TOO_NEW,    /* the database was written by a newer frontdeskd */
  FD_STORE_ERROR_CORRUPT,    /* not a SQLite database, or a damaged one */
  FD_STORE_ERROR_FAILED,     /* any other SQLite failure */
} FdStoreError;

GQuark fd_store_error_quark (void);

/* The schema version this code writes (PRAGMA user_version). */
#define FD_STORE_SCHEMA_VERSION 13

/* Size limits, in Unicode characters for strings and elements for lists;
 * the same as the protocol's (fd-codec.h), checked again here as defence in
 * depth. */
#define FD_STORE_MAX_ID            FD_LIMIT_ID       /* client_id, keys, labels */
#define FD_STORE_MAX_NAME          FD_LIMIT_NAME     /* names, emails, phones, handles, reasons, ip, browser, os, department, mime type */
#define FD_STORE_MAX_STRING        FD_LIMIT_STRING   /* URLs, comments, descriptions, subjects, callback time */
#define FD_STORE_MAX_TEXT          FD_LIMIT_TEXT     /* message and canned reply text */
#define FD_STORE_MAX_LIST          FD_LIMIT_SMALL_ARRAY /* departments, origins, phases, phase agents, attachments */
/* An organization's authorization addresses (docs/admin.md, "Email streams"). */
#define FD_ORG_MAX_AUTHORIZATION_ADDRESSES 10
#define FD_STORE_MAX_JSON          (FD_LIMIT_TEXT * 4) /* settings_json: 16 384 characters of UTF-8, in bytes */
#define FD_STORE_MAX_EVENT_PAYLOAD FD_LIMIT_EVENT_PAYLOAD /* in bytes; docs/protocol.md, "Limits" */
#define FD_STORE_MAX_TYPE          64                /* event type names */
#define FD_STORE_MIN_STREAM_KEY    8                 /* a stream key chosen by an import */
/* A queue's service level threshold in seconds (docs/statistics.md). */
#define FD_STORE_SERVICE_LEVEL_DEFAULT 20
#define FD_STORE_SERVICE_LEVEL_MAX     3600

/* How many conversations fd_store_list_contact_history() returns by default. */
#define FD_STORE_HISTORY_LIMIT     10

/* Event pruning defaults (fd_store_prune_events()). */
#define FD_STORE_EVENTS_KEEP       10000
#define FD_STORE_EVENTS_MAX_AGE    (24 * G_TIME_SPAN_HOUR)

typedef struct _FdStore FdStore;

/* Opens (creating when missing) and migrates the database at @path. */
FdStore    *fd_store_open                      (const char      *path,
                                                GError         **error);
void        fd_store_free                      (FdStore         *self);
int         fd_store_get_schema_version        (FdStore         *self);

/* Transactions for callers composing several calls (site import, an event
 * with the change it describes). Nested begin/commit pairs are savepoints.
 * fd_store_rollback() undoes everything since the matching begin. */
gboolean    fd_store_begin                     (FdStore         *self,
                                                GError         **error);
gboolean    fd_store_commit                    (FdStore         *self,
                                                GError         **error);
void        fd_store_rollback                  (FdStore         *self);
gboolean    fd_store_in_transaction            (FdStore         *self);

/* Durability (docs/architecture.md, "Durability"): FULL syncs the WAL at
 * every commit, so a commit that returned survives a power cut (with
 * background sync, a group's COMMIT is synced by a worker thread after it
 * returned: see fd_store_set_background_sync()); FULL_INLINE is FULL that
 * never syncs in the background; NORMAL survives a crash of the process
 * only. Setting FULL_INLINE or NORMAL turns background sync off. */
typedef enum {
  FD_STORE_DURABILITY_FULL,
  FD_STORE_DURABILITY_NORMAL,
  FD_STORE_DURABILITY_FULL_INLINE,
} FdStoreDurability;

gboolean    fd_store_set_durability            (FdStore          *self,
                                                FdStoreDurability durability,
                                                GError          **error);
FdStoreDurability fd_store_get_durability      (FdStore          *self);

/* Group commit. Between fd_store_group_enter() and _leave(), a transaction
 * begun at depth 0 runs as a savepoint of one shared transaction (the
 * group), opened by the first of them: its fd_store_commit() releases the
 * savepoint (it becomes part of the group, not yet durable), its
 * fd_store_rollback() undoes it alone. fd_store_group_commit() commits the
 * group with one synced COMMIT. A transaction begun at depth 0 outside
 * enter/leave commits an open group first, so it never waits behind it and
 * never joins it. The group function hears when a group opens (call the
 * commit soon), and when it ended: committed (@error NULL) or lost with
 * everything in it (@error set). */
typedef enum {
  FD_STORE_GROUP_OPENED,
  FD_STORE_GROUP_ENDED,
  FD_STORE_GROUP_COMMITTED,
} FdStoreGroupEvent;

typedef void (*FdStoreGroupFunc) (FdStoreGroupEvent  event,
                                  const GError      *error,
                                  gpointer           user_data);

void        fd_store_set_group_func            (FdStore          *self,
                                                FdStoreGroupFunc  func,
                                                gpointer          user_data);
void        fd_store_group_enter               (FdStore          *self);
void        fd_store_group_leave               (FdStore          *self);
gboolean    fd_store_group_is_open             (FdStore          *self);
/* Transactions released into the open group so far. */
guint       fd_store_group_get_size            (FdStore          *self);
/* Commits the open group (nothing to do when none is open). On failure the
 * group is rolled back whole and the group function hears it. */
gboolean    fd_store_group_commit              (FdStore          *self,
                                                GError          **error);

/* Background sync (docs/architecture.md, "Durability"). With @background
 * and FULL durability, a group's COMMIT appends its frames to the WAL
 * without syncing it (synchronous = NORMAL for that COMMIT only), and a
 * worker thread then fdatasync()s the WAL: the group function hears
 * FD_STORE_GROUP_COMMITTED when the COMMIT returned and, on the main
 * context of the caller, FD_STORE_GROUP_ENDED when a sync started after it
 * completed (@error set: the sync failed, the group is not known to be
 * saved). Groups end in the order they committed, one ENDED each; the
 * next group may open (and commit) before the last one ended. A group
 * lost at its COMMIT ends (with @error) only after every group committed
 * before it ended. Transactions outside groups keep synchronous = FULL,
 * and a statement run outside a group first waits until every committed
 * group is synced, so that nothing outside a group reads what is not
 * saved. At most FD_STORE_UNSYNCED_MAX groups wait for their sync: the
 * next COMMIT waits for the sync in flight. */
#define FD_STORE_UNSYNCED_MAX 4
void        fd_store_set_background_sync       (FdStore          *self,
                                                gboolean          background);
/* Whether a committed group waits for its sync. */
gboolean    fd_store_group_sync_pending        (FdStore          *self);
/* Waits until every committed group is synced (and ended). */
void        fd_store_group_wait_synced         (FdStore          *self);
/* For tests: @func runs in the worker thread instead of fdatasync (@fd)
 * and returns 0 or an errno value. NULL restores fdatasync. */
typedef int (*FdStoreSyncFunc) (int fd, gpointer user_data);
void        fd_store_set_sync_func             (FdStore          *self,
                                                FdStoreSyncFunc   func,
                                                gpointer          user_data);
/* For tests: how many times the worker synced the directory of a WAL
 * file it opened (once per new WAL file, after its first sync). */
guint       fd_store_get_directory_syncs       (FdStore          *self);

/* Checkpoints (docs/architecture.md, "Durability"). With background sync
 * on a file, a commit that leaves the WAL at FD_STORE_CHECKPOINT_FRAMES
 * or more asks a worker thread for a checkpoint instead of copying the
 * WAL into the database inside that COMMIT (SQLite's automatic checkpoint,
 * at the same size, without background sync); past
 * FD_STORE_CHECKPOINT_BACKSTOP a commit checkpoints inline once the worker
 * is idle, so that the WAL starts again from its beginning and stays
 * within about that size. */
#define FD_STORE_CHECKPOINT_FRAMES   1000
#define FD_STORE_CHECKPOINT_BACKSTOP 10000
/* For tests: other sizes (@backstop >= @frames > 0), while background
 * sync is on. */
void        fd_store_set_checkpoint_frames     (FdStore          *self,
                                                guint             frames,
                                                guint             backstop);
/* For tests: the checkpoints completed in the background and inline;
 * FALSE when the store does not checkpoint in the background. */
gboolean    fd_store_get_checkpoints           (FdStore          *self,
                                                guint            *background,
                                                guint            *inline_);

/* Organizations (the only rows without organization_id). Deleting one
 * deletes everything it owns. */
gboolean        fd_store_create_organization   (FdStore         *self,
                                                FdOrganization  *org,
                                                GError         **error);
FdOrganization *fd_store_get_organization      (FdStore         *self,
                                                gint64           id,
                                                GError         **error);
GPtrArray      *fd_store_list_organizations    (FdStore         *self,
                                                GError         **error);
gboolean        fd_store_update_organization   (FdStore         *self,
                                                const FdOrganization *org,
                                                GError         **error);
gboolean        fd_store_delete_organization   (FdStore         *self,
                                                gint64           id,
                                                GError         **error);

/* Agents. The email is unique server-wide, compared case-insensitively
 * (stored case-folded). @password_hash comes from fd_auth_hash_password(),
 * or is NULL for an agent who cannot sign in until a password is set (the
 * by-email lookup then gives a NULL hash); most callers use
 * fd_auth_create_agent() instead. update() writes email,
 * name, role, acd_state, acd_reason and idle_since. */
gboolean        fd_store_create_agent          (FdStore         *self,
                                                FdAgent         *agent,
                                                const char      *password_hash,
                                                GError         **error);
FdAgent        *fd_store_get_agent             (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                GError         **error);
/* Server-wide lookup for sign-in; @out_password_hash may be NULL. */
FdAgent        *fd_store_get_agent_by_email    (FdStore         *self,
                                                const char      *email,
                                                char           **out_password_hash,
                                                GError         **error);
GPtrArray      *fd_store_list_agents           (FdStore         *self,
                                                gint64           organization_id,
                                                GError         **error);
gboolean        fd_store_update_agent          (FdStore         *self,
                                                const FdAgent   *agent,
                                                GError         **error);
gboolean        fd_store_set_agent_acd         (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           agent_id,
                                                FdAcdState       state,
                                                const char      *reason,
                                                gint64           idle_since,
                                                GError         **error);
gboolean        fd_store_set_agent_password_hash (FdStore       *self,
                                                gint64           organization_id,
                                                gint64           agent_id,
                                                const char      *password_hash,
                                                GError         **error);
gboolean        fd_store_delete_agent          (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                GError         **error);

/* Queues. get/list fill member_ids (sorted). update() writes the name. */
gboolean        fd_store_create_queue          (FdStore         *self,
                                                FdQueue         *queue,
                                                GError         **error);
FdQueue        *fd_store_get_queue             (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                GError         **error);
GPtrArray      *fd_store_list_queues           (FdStore         *self,
                                                gint64           organization_id,
                                                GError         **error);
gboolean        fd_store_update_queue          (FdStore         *self,
                                                const FdQueue   *queue,
                                                GError         **error);
/* Refused with CONFLICT while streams (even soft-deleted ones) use it. */
gboolean        fd_store_delete_queue          (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                GError         **error);

/* Queue membership. "joined" is kept in the store so that a restart restores
 * who was joined (green) and who was not (red). A new member is not joined.
 * Adding an existing member is not an error and keeps its joined state. */
typedef struct {
  gint64   queue_id;
  gint64   agent_id;
  gboolean joined;
} FdQueueMember;

gboolean        fd_store_add_queue_member      (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           queue_id,
                                                gint64           agent_id,
                                                GError         **error);
gboolean        fd_store_remove_queue_member   (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           queue_id,
                                                gint64           agent_id,
                                                GError         **error);
gboolean        fd_store_set_queue_member_joined (FdStore       *self,
                                                gint64           organization_id,
                                                gint64           queue_id,
                                                gint64           agent_id,
                                                gboolean         joined,
                                                GError         **error);
/* GArray of FdQueueMember. @queue_id / @agent_id 0 = any. */
GArray         *fd_store_list_queue_members    (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           queue_id,
                                                gint64           agent_id,
                                                GError         **error);

/* Media streams. create() generates the public key when stream->key is NULL
 * or "", or keeps the caller's (a site import): FD_STORE_MIN_STREAM_KEY to
 * FD_STORE_MAX_ID characters of [A-Za-z0-9_-], unique server-wide (CONFLICT).
 * Deleting is soft: the row stays (deleted = TRUE) so old conversations keep
 * their stream, but get_by_key no longer finds it and list() skips it unless
 * @include_deleted. update() writes queue_id, name, departments,
 * allowed_origins and settings_json; the kind never changes, and a deleted
 * stream is NOT_FOUND for update() and delete(). */
gboolean        fd_store_create_stream         (FdStore         *self,
                                                FdStream        *stream,
                                                GError         **error);
FdStream       *fd_store_get_stream            (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                GError         **error);
/* Server-wide lookup for the visitor side; deleted streams are NOT_FOUND. */
FdStream       *fd_store_get_stream_by_key     (FdStore         *self,
                                                const char      *key,
                                                GError         **error);
GPtrArray      *fd_store_list_streams          (FdStore         *self,
                                                gint64           organization_id,
                                                gboolean         include_deleted,
                                                GError         **error);
gboolean        fd_store_update_stream         (FdStore         *self,
                                                const FdStream  *stream,
                                                GError         **error);
gboolean        fd_store_delete_stream         (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                GError         **error);

/* Routing phases, ordered per stream. replace() swaps the whole list in one
 * transaction: element i gets position i, and each element's id,
 * organization_id, stream_id and position are written back. */
GPtrArray      *fd_store_list_phases           (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           stream_id,
                                                GError         **error);
gboolean        fd_store_replace_phases        (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           stream_id,
                                                GPtrArray       *phases,
                                                GError         **error);

/* Contacts. find() looks by email (case-insensitive) first, then by phone;
 * NOT_FOUND when neither matches. */
gboolean        fd_store_create_contact        (FdStore         *self,
                                                FdContact       *contact,
                                                GError         **error);
FdContact      *fd_store_get_contact           (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                GError         **error);
FdContact      *fd_store_find_contact          (FdStore         *self,
                                                gint64           organization_id,
                                                const char      *email,
                                                const char      *phone,
                                                GError         **error);
GPtrArray      *fd_store_list_contacts         (FdStore         *self,
                                                gint64           organization_id,
                                                GError         **error);
gboolean        fd_store_update_contact        (FdStore         *self,
                                                const FdContact *contact,
                                                GError         **error);
/* Refused with CONFLICT while conversations name the contact. */
gboolean        fd_store_delete_contact        (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                GError         **error);

/* Conversations. create() takes queue_id and kind from the stream (which must
 * belong to the organization and not be deleted). When conv->contact_id is 0
 * and conv->contact is set, the contact is found by email or phone within
 * the organization or created, and conv->contact_id / conv->contact->id are
 * written back. created_at is set when 0. */
gboolean        fd_store_create_conversation   (FdStore         *self,
                                                FdConversation  *conv,
                                                GError         **error);
FdConversation *fd_store_get_conversation      (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                gboolean         with_contact,
                                                GError         **error);
GPtrArray      *fd_store_list_conversations_by_state (FdStore   *self,
                                                gint64           organization_id,
                                                FdConversationState state,
                                                GError         **error);
/* @open_only: only reserved ones (the agent's current work). */
GPtrArray      *fd_store_list_conversations_by_agent (FdStore   *self,
                                                gint64           organization_id,
                                                gint64           agent_id,
                                                gboolean         open_only,
                                                GError         **error);
/* Unreserved conversations of the streams of the given queues, oldest first. */
GPtrArray      *fd_store_list_unreserved_conversations (FdStore *self,
                                                gint64           organization_id,
                                                const gint64    *queue_ids,
                                                guint            n_queue_ids,
                                                GError         **error);
/* The last @limit (0 = FD_STORE_HISTORY_LIMIT) conversations with a contact,
 * any channel, newest first, contacts loaded. */
GPtrArray      *fd_store_list_contact_history  (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           contact_id,
                                                guint            limit,
                                                GError         **error);
/* Writes state, agent_id, subject, department, first_assigned_at,
 * reserved_at, first_reply_at, last_customer_message_at, closed_at, rating,
 * comment and unread. */
gboolean        fd_store_update_conversation   (FdStore         *self,
                                                const FdConversation *conv,
                                                GError         **error);

/* Messages. append() is idempotent by client_id within a conversation: when
 * a message with the same client_id is already stored it returns that
 * EXISTING message and sets *out_duplicate. Returns the stored message
 * (with id and created_at; created_at is set when 0). */
FdMessage      *fd_store_append_message        (FdStore         *self,
                                                const FdMessage *msg,
                                                gboolean        *out_duplicate,
                                                GError         **error);
/* Messages with id > @after_id (0 = all), oldest first. */
GPtrArray      *fd_store_list_messages         (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           conversation_id,
                                                gint64           after_id,
                                                GError         **error);
gboolean        fd_store_count_messages        (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           conversation_id,
                                                gint64          *out_count,
                                                GError         **error);

/* Offers (routing state). put() inserts or replaces the offer of
 * (conversation, agent). delete() with @agent_id 0 deletes every offer of
 * the conversation. list_offers() with @organization_id 0 lists every
 * organization's (to rebuild routing at start-up). */
gboolean        fd_store_put_offer             (FdStore         *self,
                                                gint64           organization_id,
                                                const FdOffer   *offer,
                                                GError         **error);
gboolean        fd_store_delete_offer          (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           conversation_id,
                                                gint64           agent_id,
                                                GError         **error);
GPtrArray      *fd_store_list_offers_by_agent  (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           agent_id,
                                                GError         **error);
GPtrArray      *fd_store_list_offers           (FdStore         *self,
                                                gint64           organization_id,
                                                GError         **error);

/* Canned replies and resources. level + owner_id say who sees them: the
 * organization (owner 0), a queue, a stream or an agent, all of the same
 * organization. update() writes everything but id and organization_id. */
gboolean        fd_store_create_canned_reply   (FdStore         *self,
                                                FdCannedReply   *reply,
                                                GError         **error);
FdCannedReply  *fd_store_get_canned_reply      (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                GError         **error);
GPtrArray      *fd_store_list_canned_replies   (FdStore         *self,
                                                gint64           organization_id,
                                                GError         **error);
gboolean        fd_store_update_canned_reply   (FdStore         *self,
                                                const FdCannedReply *reply,
                                                GError         **error);
gboolean        fd_store_delete_canned_reply   (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                GError         **error);
/* What an agent sees: organization level, the queues the agent is a member
 * of, the streams of those queues and the agent's own. @search (NULL or ""
 * = everything) matches name or text, case-insensitively, as a substring:
 * % and _ in it are literal. Sorted by name. */
GPtrArray      *fd_store_list_visible_canned_replies (FdStore   *self,
                                                gint64           organization_id,
                                                gint64           agent_id,
                                                const char      *search,
                                                GError         **error);

gboolean        fd_store_create_resource       (FdStore         *self,
                                                FdResource      *resource,
                                                GError         **error);
FdResource     *fd_store_get_resource          (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                GError         **error);
GPtrArray      *fd_store_list_resources        (FdStore         *self,
                                                gint64           organization_id,
                                                GError         **error);
gboolean        fd_store_update_resource       (FdStore         *self,
                                                const FdResource *resource,
                                                GError         **error);
gboolean        fd_store_delete_resource       (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           id,
                                                GError         **error);
/* As for canned replies; @search matches name, url or description. */
GPtrArray      *fd_store_list_visible_resources (FdStore        *self,
                                                gint64           organization_id,
                                                gint64           agent_id,
                                                const char      *search,
                                                GError         **error);

/* Tokens, stored only as hashes (fd-auth computes them; use fd-auth's API).
 * A revoked token stays as a row so that checking it can say "revoked". */
/* NOT_FOUND when unknown; *out_revoked tells a revoked one. */
gboolean        fd_store_lookup_agent_token    (FdStore         *self,
                                                const char      *token_hash,
                                                gint64          *out_organization_id,
                                                gint64          *out_agent_id,
                                                gboolean        *out_revoked,
                                                GError         **error);
gboolean        fd_store_revoke_agent_token    (FdStore         *self,
                                                const char      *token_hash,
                                                GError         **error);
gboolean        fd_store_revoke_agent_tokens   (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           agent_id,
                                                GError         **error);
/* An agent token's row (docs/store.md, "Tokens"): times in microseconds,
 * expires_at 0 = not set yet (a token made before schema version 3). */
typedef struct {
  gint64    organization_id;
  gint64    agent_id;
  gint64    created_at;
  gint64    last_used_at;
  gint64    expires_at;
  gboolean  revoked;
} FdStoreAgentToken;

/* Inserts a token that expires at @expires_at (absolute lifetime); its
 * last use is now. */
gboolean        fd_store_insert_agent_token_full (FdStore       *self,
                                                gint64           organization_id,
                                                gint64           agent_id,
                                                const char      *token_hash,
                                                gint64           expires_at,
                                                GError         **error);
/* NOT_FOUND when unknown. */
gboolean        fd_store_get_agent_token       (FdStore         *self,
                                                const char      *token_hash,
                                                FdStoreAgentToken *out_token,
                                                GError         **error);
/* Records a use at @last_used_at and sets the expiry (a rotation shortens
 * it to the grace period). */
gboolean        fd_store_touch_agent_token     (FdStore         *self,
                                                const char      *token_hash,
                                                gint64           last_used_at,
                                                gint64           expires_at,
                                                GError         **error);
/* Revokes the agent's live tokens (not revoked, not expired at @now) beyond
 * the @keep newest; adds the hashes it revoked to @revoked_hashes (char*,
 * when not NULL) so that their sockets can be closed. */
gboolean        fd_store_limit_agent_tokens    (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           agent_id,
                                                guint            keep,
                                                gint64           now,
                                                GPtrArray       *revoked_hashes,
                                                GError         **error);
/* Deletes the agent's tokens revoked or expired before @before: a dead
 * token's row is kept a while so that it is refused as "revoked" or
 * "expired" rather than "unknown", then goes, which bounds the table. */
gboolean        fd_store_purge_agent_tokens    (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           agent_id,
                                                gint64           before,
                                                GError         **error);
gboolean        fd_store_insert_visitor_token  (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           conversation_id,
                                                const char      *token_hash,
                                                GError         **error);
gboolean        fd_store_lookup_visitor_token  (FdStore         *self,
                                                const char      *token_hash,
                                                gint64          *out_organization_id,
                                                gint64          *out_conversation_id,
                                                gboolean        *out_revoked,
                                                GError         **error);
gboolean        fd_store_revoke_visitor_tokens (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           conversation_id,
                                                GError         **error);
/* Admin tokens are server-wide (no organization). */
gboolean        fd_store_insert_admin_token    (FdStore         *self,
                                                const char      *token_hash,
                                                const char      *label,
                                                GError         **error);
gboolean        fd_store_lookup_admin_token    (FdStore         *self,
                                                const char      *token_hash,
                                                gboolean        *out_revoked,
                                                GError         **error);
gboolean        fd_store_revoke_admin_token    (FdStore         *self,
                                                const char      *token_hash,
                                                GError         **error);
/* Counts tokens that are not revoked. */
gboolean        fd_store_count_admin_tokens    (FdStore         *self,
                                                gint64          *out_count,
                                                GError         **error);

/* The event log. Each organization has its own sequence 1, 2, 3, …
 * assigned atomically with the change when called inside the caller's
 * transaction. @agent_id 0 = everyone allowed to see @queue_id; @queue_id 0 =
 * the whole organization. @payload_json is a JSON object text. */
typedef struct {
  gint64  organization_id;
  gint64  seq;
  char   *type;
  gint64  queue_id;
  gint64  agent_id;
  gint64  conversation_id;
  char   *payload_json;
  gint64  created_at;
} FdStoreEvent;

void            fd_store_event_free            (FdStoreEvent    *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStoreEvent, fd_store_event_free)

gboolean        fd_store_append_event          (FdStore         *self,
                                                gint64           organization_id,
                                                const char      *type,
                                                gint64           queue_id,
                                                gint64           agent_id,
                                                gint64           conversation_id,
                                                const char      *payload_json,
                                                gint64          *out_seq,
                                                GError         **error);
/* fd_store_append_event() for a payload a JSON generator just wrote from
 * an object (the center's events): its size and UTF-8 are checked, and it
 * is not parsed again to learn that it is JSON. */
gboolean        fd_store_append_event_encoded  (FdStore         *self,
                                                gint64           organization_id,
                                                const char      *type,
                                                gint64           queue_id,
                                                gint64           agent_id,
                                                gint64           conversation_id,
                                                const char      *payload_json,
                                                gint64          *out_seq,
                                                GError         **error);
/* Events with seq > @after_seq in order, at most @limit (0 = no limit). */
GPtrArray      *fd_store_list_events_since     (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           after_seq,
                                                guint            limit,
                                                GError         **error);
/* The oldest seq still kept; when none is kept, last seq + 1. A client that
 * saw @seq can resume iff seq + 1 >= oldest; otherwise it needs a snapshot. */
gboolean        fd_store_get_oldest_event_seq  (FdStore         *self,
                                                gint64           organization_id,
                                                gint64          *out_seq,
                                                GError         **error);
/* The last seq assigned (0 when none yet). */
gboolean        fd_store_get_last_event_seq    (FdStore         *self,
                                                gint64           organization_id,
                                                gint64          *out_seq,
                                                GError         **error);
/* For every organization, deletes events beyond the newest @keep (0 =
 * FD_STORE_EVENTS_KEEP) and events older than @now - @max_age (@max_age 0 =
 * FD_STORE_EVENTS_MAX_AGE). Sequence numbers are never reused. */
gboolean        fd_store_prune_events          (FdStore         *self,
                                                gint64           now,
                                                guint            keep,
                                                GTimeSpan        max_age,
                                                guint           *out_pruned,
                                                GError         **error);

/* Statistics (docs/statistics.md): one row per queue (stream_id 0)
 * followed by one per stream of it (not deleted), queues ordered by id.
 * Elements are FdStats (fd_stats_free) with their at = @now; "today" starts
 * at @day_start. One query whatever the number of conversations. The
 * figures of people (agents_joined, agents_available) are left 0: the
 * center knows them. */
GPtrArray      *fd_store_get_stats             (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           now,
                                                gint64           day_start,
                                                GError         **error);
/* An agent's own figures today over the conversations it holds or closed
 * (docs/statistics.md): closed_today, held and the averages. The ACD
 * state, state_since and missed_today are the center's. One query. */
FdAgentStats   *fd_store_get_agent_stats       (FdStore         *self,
                                                gint64           organization_id,
                                                gint64           agent_id,
                                                gint64           now,
                                                gint64           day_start,
                                                GError         **error);
/* How many conversations each agent of the organization holds now:
 * agent id (gint64*) → GINT_TO_POINTER (count); agents holding none are
 * absent. One query. */
GHashTable     *fd_store_count_held            (FdStore         *self,
                                                gint64           organization_id,
                                                GError         **error);

/* Uploaded files (fd-store-files.c): attachments of a conversation and an
 * organization's files for resources. The bytes live in the directory
 * "DATABASE.files" beside the database (created 0700), one file per row
 * named by its id; the row says whose it is. A file is written to a
 * temporary name, renamed, and only then its row is committed: a crash
 * leaves at most a file without a row, which fd_store_clean_files() removes
 * at start-up. */
#define FD_STORE_FILES_SUFFIX      ".files"
#define FD_STORE_FILE_ID_LENGTH    32                /* hex digits of 128 random bits */

typedef struct {
  char   *id;                /* FD_STORE_FILE_ID_LENGTH lowercase hex digits */
  gint64  organization_id;
  gint64  conversation_id;   /* 0 = an organization file (resources) */
  gint64  agent_id;          /* the uploading agent; 0 = an administrator */
  char   *name;              /* sanitized by the caller, at most FD_STORE_MAX_NAME */
  char   *mime_type;
  gint64  size;              /* bytes */
  char   *sha256;            /* hex */
  gint64  created_at;
} FdStoreFile;

void            fd_store_file_free             (FdStoreFile     *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStoreFile, fd_store_file_free)

/* The directory of uploaded files (owned string); NULL for a database
 * without a file name (in memory). */
char           *fd_store_dup_files_dir         (FdStore         *self);
/* Where the bytes of file @id are, or NULL when @id is not a file id. */
char           *fd_store_dup_file_path         (FdStore         *self,
                                                const char      *id);
/* Stores @data as a new file: takes organization_id, conversation_id,
 * agent_id, name and mime_type from @file and fills in id, size, sha256 and
 * created_at. The conversation must be of the organization (INVALID
 * otherwise). */
gboolean        fd_store_add_file              (FdStore         *self,
                                                FdStoreFile     *file,
                                                GBytes          *data,
                                                GError         **error);
/* Opens a new temporary file (mode 0600) in the files directory for an
 * upload that arrives in pieces: the descriptor, with its path in
 * @out_path; -1 with an error. The caller writes, syncs and closes it, then
 * hands it to fd_store_adopt_file() or removes it; a crash leaves it to
 * fd_store_clean_files(). */
int             fd_store_create_upload         (FdStore         *self,
                                                char           **out_path,
                                                GError         **error);
/* Stores the complete temporary file @temp_path (from
 * fd_store_create_upload()) as a new file: renames it into place and adds
 * its row. Takes organization_id, conversation_id, agent_id, name,
 * mime_type, size and sha256 from @file and fills in id and created_at. On
 * an error before the rename @temp_path is left for the caller to remove. */
gboolean        fd_store_adopt_file            (FdStore         *self,
                                                FdStoreFile     *file,
                                                const char      *temp_path,
                                                GError         **error);
/* Server-wide lookup by id: the id is the capability. NOT_FOUND when there
 * is no such row. */
FdStoreFile    *fd_store_get_file              (FdStore         *self,
                                                const char      *id,
                                                GError         **error);
/* Removes from the files directory every file without a row (left by a
 * crash, or by a deleted conversation or organization) and every temporary
 * file. Call it when nothing is uploading (at start-up). */
gboolean        fd_store_clean_files           (FdStore         *self,
                                                guint           *out_removed,
                                                GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStore, fd_store_free)

G_END_DECLS
