#pragma once

/* One frame of the agent or visitor websocket protocol (docs/protocol.md):
 *
 *   {"type": "reserve", "id": "r17", "body": {"conversation_id": 42}}
 *   {"type": "ack", "id": "r17", "for": "reserve", "body": {…conversation…}}
 *   {"type": "offer", "seq": 1234, "body": {"offer": {…}, "conversation": {…}}}
 *
 * A frame is decoded for one FdFrameSet (who sends it on which socket): the
 * same wire name may mean different frames in different sets ("typing" from
 * the app is a request, from the server an event). */

#include "fd-messages.h"

G_BEGIN_DECLS

typedef enum {
  FD_FRAMES_AGENT_CLIENT,    /* app → server */
  FD_FRAMES_AGENT_SERVER,    /* server → app */
  FD_FRAMES_VISITOR_CLIENT,  /* widget → server */
  FD_FRAMES_VISITOR_SERVER,  /* server → widget */
} FdFrameSet;

typedef enum {
  /* Agent requests (app → server); each gets one ack or error. */
  FD_FRAME_HELLO,
  FD_FRAME_JOIN,
  FD_FRAME_LEAVE,
  FD_FRAME_SET_ACD,
  FD_FRAME_RESERVE,
  FD_FRAME_REJECT,
  FD_FRAME_SEND_MESSAGE,
  FD_FRAME_TYPING,
  FD_FRAME_MARK_READ,
  FD_FRAME_TRANSFER,
  FD_FRAME_CLOSE,
  FD_FRAME_LIST_CANNED_REPLIES,
  FD_FRAME_LIST_RESOURCES,
  FD_FRAME_CONTACT_HISTORY,
  FD_FRAME_GET_CONVERSATION,
  FD_FRAME_STATS,
  FD_FRAME_CALLBACK_ATTEMPT,
  FD_FRAME_CRM_LOG,
  FD_FRAME_DM_REQUEST,
  FD_FRAME_LIST_COLLEAGUES,
  FD_FRAME_RETRY_DELIVERY,
  FD_FRAME_LIST_STREAM_HEALTH,
  FD_FRAME_STATS_HISTORY,
  FD_FRAME_LIST_AGENT_STATES,
  FD_FRAME_LIST_CONVERSATION_LOG,
  FD_FRAME_PING,

  /* Server → app: replies, then events (with seq). */
  FD_FRAME_ACK,
  FD_FRAME_ERROR,
  FD_FRAME_PONG,
  FD_FRAME_SNAPSHOT,
  FD_FRAME_OFFER,
  FD_FRAME_WITHDRAW,
  FD_FRAME_CONVERSATION,
  FD_FRAME_MESSAGE,
  FD_FRAME_TYPING_EVENT,
  FD_FRAME_AGENT_STATE,
  FD_FRAME_QUEUE_STATE,
  FD_FRAME_STATS_EVENT,
  FD_FRAME_DELIVERY,
  FD_FRAME_STREAM_HEALTH,
  FD_FRAME_SUPERVISED_AGENT_STATE,

  /* Widget → server. */
  FD_FRAME_VISITOR_HELLO,
  FD_FRAME_VISITOR_SEND_MESSAGE,
  FD_FRAME_VISITOR_TYPING,
  FD_FRAME_VISITOR_CLOSE,
  FD_FRAME_VISITOR_RATE,
  FD_FRAME_VISITOR_PING,

  /* Server → widget. */
  FD_FRAME_VISITOR_WELCOME,
  FD_FRAME_VISITOR_MESSAGE,
  FD_FRAME_VISITOR_TYPING_EVENT,
  FD_FRAME_VISITOR_AGENT_JOINED,
  FD_FRAME_VISITOR_CLOSED,
  FD_FRAME_VISITOR_ERROR,
  FD_FRAME_VISITOR_PONG,

  FD_FRAME_N_TYPES,
} FdFrameType;

typedef enum {
  FD_FRAME_ROLE_REQUEST,  /* agent app → server: "id" required */
  FD_FRAME_ROLE_REPLY,    /* ack, error, pong: "id" of the request ("for" on ack) */
  FD_FRAME_ROLE_EVENT,    /* server → app: "seq" > 0 required */
  FD_FRAME_ROLE_VISITOR,  /* visitor socket: "id" optional, no "seq" */
} FdFrameRole;

typedef struct {
  FdFrameType  type;
  char        *id;        /* request id; NULL when none */
  gint64       seq;       /* events: per-organization sequence number */
  FdFrameType  ack_for;   /* FD_FRAME_ACK only: the acknowledged request type */
  gpointer     body;      /* the struct of fd_frame_type_get_body_info() */
} FdFrame;

const char       *fd_frame_type_to_string       (FdFrameType  type);
gboolean          fd_frame_type_from_string     (FdFrameSet   set,
                                                 const char  *name,
                                                 FdFrameType *out);
FdFrameSet        fd_frame_type_get_set         (FdFrameType  type);
FdFrameRole       fd_frame_type_get_role        (FdFrameType  type);
/* The body's table, NULL when the frame has no body. For FD_FRAME_ACK see
 * fd_frame_type_get_result_info() of the acknowledged request. */
const FdTypeInfo *fd_frame_type_get_body_info   (FdFrameType  type);
const FdTypeInfo *fd_frame_type_get_result_info (FdFrameType  request);

/* Constructors take ownership of @body / @result. A NULL body becomes an
 * empty body when the type has one. */
FdFrame  *fd_frame_new          (FdFrameType   type,
                                 gpointer      body);
FdFrame  *fd_frame_new_request  (FdFrameType   type,
                                 const char   *id,
                                 gpointer      body);
FdFrame  *fd_frame_new_event    (FdFrameType   type,
                                 gint64        seq,
                                 gpointer      body);
FdFrame  *fd_frame_new_ack      (const char   *id,
                                 FdFrameType   request,
                                 gpointer      result);
/* @type is FD_FRAME_ERROR or FD_FRAME_VISITOR_ERROR; @id may be NULL. */
FdFrame  *fd_frame_new_error    (FdFrameType   type,
                                 const char   *id,
                                 FdWireError   code,
                                 const char   *message);
/* The error frame answering a frame that failed to decode. */
FdFrame  *fd_frame_new_error_from_gerror (FdFrameType   type,
                                          const char   *id,
                                          const GError *error);
void      fd_frame_free         (FdFrame      *frame);
FdFrame  *fd_frame_copy         (const FdFrame *frame);
gboolean  fd_frame_equal        (const FdFrame *a,
                                 const FdFrame *b);

JsonNode *fd_frame_to_json      (const FdFrame *frame);
/* Compact JSON text, NUL-terminated; @len may be NULL. */
char     *fd_frame_encode       (const FdFrame *frame,
                                 gsize         *len);
FdFrame  *fd_frame_from_json    (FdFrameSet     set,
                                 JsonNode      *node,
                                 GError       **error);
/* Checks size (FD_LIMIT_FRAME_SIZE from clients, FD_LIMIT_SERVER_FRAME_SIZE
 * from the server), UTF-8 and depth, then parses and decodes. */
FdFrame  *fd_frame_decode       (FdFrameSet     set,
                                 const char    *data,
                                 gsize          len,
                                 GError       **error);
gsize     fd_frame_set_max_size (FdFrameSet     set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdFrame, fd_frame_free)

G_END_DECLS
