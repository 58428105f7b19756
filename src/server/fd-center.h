#pragma once

/* FdCenter: the live contact center of frontdeskd (docs/architecture.md).
 *
 * It owns the routing engine, carries out its decisions on the store and
 * the event log, and is the one writer of what routing depends on: live
 * state and configuration alike. It knows no HTTP and no socket: the APIs
 * of src/server/api call its actions (fd-center-actions.h) and subscribe
 * their sockets through FdCenterSink (fd-center-sink.h). */

#include "fd-center-sink.h"
#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_CENTER (fd_center_get_type ())
G_DECLARE_FINAL_TYPE (FdCenter, fd_center, FD, CENTER, GObject)

/* Errors of the live center: the code is the FdWireError to answer with. */
#define FD_CENTER_ERROR (fd_center_error_quark ())
GQuark    fd_center_error_quark          (void);

/* Loads routing from @store (which must outlive the center): organizations,
 * streams and phases, queue members, who is joined, open conversations. */
FdCenter *fd_center_new                  (FdStore     *store,
                                          GError     **error);
/* Group commit (docs/architecture.md, "Durability"): the changes a
 * websocket request makes between enter and leave are saved by one synced
 * COMMIT shared with the other requests of the same moment, and the
 * socket output is held until that COMMIT returned. */
void        fd_center_group_enter          (FdCenter    *self);
void        fd_center_group_leave          (FdCenter    *self);
/* How long a group collects requests before its COMMIT (frontdeskd
 * --commit-window-ms): 0, the default, commits at the end of the main
 * loop's turn. */
void        fd_center_set_commit_window    (FdCenter    *self,
                                            guint        ms);
/* Commits the open group now (nothing to do when none is open). */
gboolean    fd_center_group_commit         (FdCenter    *self,
                                            GError     **error);

FdStore  *fd_center_get_store            (FdCenter    *self);

/* How often the statistics' history takes its sample (frontdeskd
 * --stats-sample-seconds, 1–60; docs/statistics.md): 60 but in tests. */
void      fd_center_set_stats_sample_seconds (FdCenter  *self,
                                              guint      seconds);
/* An agent's socket finished its hello or closed: the supervisors' table
 * shows the agent online or offline (docs/protocol.md, "agent state"). */
void      fd_center_agent_presence_changed (FdCenter   *self,
                                            gint64      organization_id,
                                            gint64      agent_id);

/* Registers @sink (called with @data) for what the center pushes; @vtable
 * must stay valid until fd_center_remove_sink(). */
void      fd_center_add_sink             (FdCenter           *self,
                                          const FdCenterSink *vtable,
                                          gpointer            data);
void      fd_center_remove_sink          (FdCenter           *self,
                                          gpointer            data);

/* Writes one change of configuration (organization settings, agents,
 * queues and members, streams and phases, a site import) in @write, inside
 * one transaction of the center. @write sets *@out_organization_id to the
 * organization whose routing the change concerns (0: none); the center then
 * reloads that organization's routing in the same transaction (only what
 * changed reaches the engine), commits, and pushes the events routing
 * decided (offers, withdrawals). On failure nothing is written. */
typedef gboolean (*FdCenterConfigWrite) (gpointer   user_data,
                                         gint64    *out_organization_id,
                                         GError   **error);
/* After the commit the center emits ::config-changed (gint64 organization
 * id, 0 for a change no routing depends on): the email workers follow the
 * streams' settings and passwords (fd-email.c). */
gboolean  fd_center_change_config        (FdCenter            *self,
                                          FdCenterConfigWrite  write,
                                          gpointer             user_data,
                                          GError             **error);

/* Closes the sockets of a revoked token (by its hash) with 4401. */
void      fd_center_close_token_sockets  (FdCenter    *self,
                                          const char  *token_hash);
/* Closes every socket of an agent with 4401 and @reason, a sentence the
 * app shows: its sessions were revoked, its password changed, or it is
 * gone. */
void      fd_center_close_agent_sockets  (FdCenter    *self,
                                          gint64       organization_id,
                                          gint64       agent_id,
                                          const char  *reason);

/* The CRM integration's hooks (docs/crm.md): @started after a new
 * conversation is stored (the lookup starts later, on its own; routing
 * never waits), @closed inside the transaction that closes one (the hook
 * queues the automatic log entry in it: fd-center-crm.h). None may fail
 * the caller. */
typedef struct {
  void (*started) (gpointer data, gint64 organization_id, gint64 conversation_id);
  void (*closed)  (gpointer data, gint64 organization_id, gint64 conversation_id);
  /* A manual entry was queued (committed): the sender may start. */
  void (*queued)  (gpointer data);
  /* Entries an organization may have waiting (manual ones beyond: refused). */
  guint (*max_queued) (gpointer data);
} FdCenterCrmHooks;

/* @hooks must stay valid until they are set to NULL. */
void      fd_center_set_crm_hooks        (FdCenter                *self,
                                          const FdCenterCrmHooks  *hooks,
                                          gpointer                 data);
void      fd_center_crm_started          (FdCenter                *self,
                                          gint64                   organization_id,
                                          gint64                   conversation_id);

G_END_DECLS
