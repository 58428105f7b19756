#pragma once

/* What the pieces of frontdeskctl share: the parsed command line, the
 * helpers that send requests and name things, the output, and the entity
 * table that drives list / create / update / delete (fd-ctl-entities.c).
 * Where each behaviour lives:
 *
 *   fd-ctl.c            the command line, the command table, --help, the token
 *   fd-ctl-request.c    requests, messages, ids and names (ORG, QUEUE, AGENT…)
 *   fd-ctl-output.c     tables and JSON on stdout
 *   fd-ctl-entities.c   the entity table and the generic CRUD commands
 *   fd-ctl-fields.c     how an option becomes a member of the JSON body
 *   fd-ctl-members.c    queue add-member / remove-member
 *   fd-ctl-phases.c     phase list / set
 *   fd-ctl-snippet.c    stream snippet
 *   fd-ctl-authorize.c  stream resend-authorization
 *   fd-ctl-show.c       stream show
 *   fd-ctl-site.c       site export / import
 *   fd-ctl-crm.c        crm connect / status / disconnect
 */

#include "fd-admin-client.h"
#include "fd-ctl.h"
#include "fd-types.h"

G_BEGIN_DECLS

/* One parsed command line. Options are "--name value" or "--name=value";
 * every option but the flags takes a value and may repeat. */
typedef struct {
  FdAdminClient *client;
  gboolean       json;
  GHashTable    *options;     /* name → GPtrArray of char* values */
  GPtrArray     *args;        /* positional arguments after noun and verb */
  gint64         org_id;      /* set by fd_ctl_require_org () */
} FdCtl;

typedef int (*FdCtlHandler) (FdCtl *ctl);

/* --- The entity table (fd-ctl-entities.c) ------------------------------- */

typedef enum {
  FD_CTL_ENTITY_ORGANIZATION,
  FD_CTL_ENTITY_AGENT,
  FD_CTL_ENTITY_QUEUE,
  FD_CTL_ENTITY_STREAM,
  FD_CTL_ENTITY_CANNED_REPLY,
  FD_CTL_ENTITY_RESOURCE,
  FD_CTL_N_ENTITIES
} FdCtlEntityId;

typedef enum {
  FD_CTL_VERB_LIST,
  FD_CTL_VERB_CREATE,
  FD_CTL_VERB_UPDATE,
  FD_CTL_VERB_DELETE,
} FdCtlVerb;

/* How the value of an option becomes a member of the JSON body. */
typedef enum {
  FD_CTL_SHOWN,        /* no option: a column of the table only */
  FD_CTL_TEXT,         /* a string member */
  FD_CTL_INT,          /* a positive whole number member (the server checks its range) */
  FD_CTL_ENUM,         /* one of .choices' wire names */
  FD_CTL_TEXTS,             /* repeats or takes a comma list; replaces the whole array */
  FD_CTL_JSON_OBJECT,  /* the text of a JSON object, kept as a string member */
  FD_CTL_REF,          /* an id or a name of .ref, sent as its id */
  FD_CTL_LEVEL,        /* --level with --owner (the next row) naming the owner */
  FD_CTL_OWNER,        /* --owner: applied by the FD_CTL_LEVEL row */
  FD_CTL_PASSWORD,     /* "-" or absent on create: read from stdin */
  FD_CTL_PASSWORD_STDIN, /* a flag: the member read from stdin, never an argument */
  FD_CTL_SETTING,      /* a string member of the JSON object in settings_json */
  FD_CTL_SETTING_INT,  /* an integer member of the JSON object in settings_json */
} FdCtlFieldKind;

typedef enum {
  FD_CTL_REQUIRED = 1 << 0,     /* create needs the option */
  FD_CTL_UPDATE_ONLY = 1 << 1,  /* create takes the member as its NAME argument */
} FdCtlFieldFlags;

/* One row: an option (or NULL), the member it sets, and the column that
 * shows the member in the human table (or NULL). Rows are applied in order
 * and columns shown in order. */
typedef struct {
  const char        *option;
  const char        *member;
  FdCtlFieldKind     kind;
  FdCtlFieldFlags    flags;
  const char        *column;
  const char        *create_usage;  /* in --help; NULL: not shown */
  const char        *update_usage;
  const FdEnumInfo  *choices;       /* FD_CTL_ENUM */
  FdCtlEntityId      ref;           /* FD_CTL_REF */
} FdCtlField;

typedef struct {
  const char        *noun;        /* on the command line: "agent" */
  const char        *what;        /* in messages: "media stream" */
  const char        *collection;  /* path segment: "canned-replies" */
  gboolean           in_org;      /* below /organizations/{org}, needs --org */
  const char        *ref_member;  /* names one besides its id: "email"; NULL: id only */
  gboolean           id_only;     /* the REF argument is an id even with a ref_member */
  const char        *ref_usage;   /* the REF argument in --help: "AGENT" */
  const char        *name_arg;    /* create takes this member as its NAME argument */
  const FdTypeInfo  *type;        /* the fd-types.h codec of its JSON */
  const FdCtlField  *fields;
  guint              n_fields;
} FdCtlEntity;

extern const FdCtlEntity fd_ctl_entities[FD_CTL_N_ENTITIES];

int        fd_ctl_entity_run         (FdCtl              *ctl,
                                      const FdCtlEntity  *entity,
                                      FdCtlVerb           verb);
char      *fd_ctl_entity_usage       (const FdCtlEntity  *entity,
                                      FdCtlVerb           verb);
gboolean   fd_ctl_entity_takes       (const FdCtlEntity  *entity,
                                      FdCtlVerb           verb,
                                      const char         *option);
JsonNode  *fd_ctl_entity_get         (FdCtl              *ctl,
                                      const FdCtlEntity  *entity,
                                      gint64              id,
                                      GError            **error);
char      *fd_ctl_entity_path        (FdCtl              *ctl,
                                      const FdCtlEntity  *entity,
                                      gint64              id);
void       fd_ctl_entity_print       (FdCtl              *ctl,
                                      const FdCtlEntity  *entity,
                                      JsonNode           *node);

/* fd-ctl-fields.c: sets @body's members from the options of @field;
 * FD_CTL_EXIT_OK, or the status of the error it reported. */
int        fd_ctl_field_apply        (FdCtl              *ctl,
                                      const FdCtlEntity  *entity,
                                      const FdCtlField   *field,
                                      FdCtlVerb           verb,
                                      JsonObject         *body);

/* --- Requests, messages, ids and names (fd-ctl-request.c) -------------- */

int         fd_ctl_usage_error  (const char  *format,
                                 ...) G_GNUC_PRINTF (1, 2);
int         fd_ctl_failed       (const GError *error);
const char *fd_ctl_opt          (FdCtl       *ctl,
                                 const char  *name);
GPtrArray  *fd_ctl_opt_all      (FdCtl       *ctl,
                                 const char  *name);
gboolean    fd_ctl_parse_id     (const char  *text,
                                 gint64      *out);
JsonNode   *fd_ctl_request      (FdCtl       *ctl,
                                 const char  *method,
                                 JsonNode    *body,
                                 GError     **error,
                                 const char  *path_format,
                                 ...) G_GNUC_PRINTF (5, 6);
gboolean    fd_ctl_resolve      (FdCtl          *ctl,
                                 FdCtlEntityId   entity,
                                 const char     *ref,
                                 gint64         *out,
                                 GError        **error);
int         fd_ctl_require_org  (FdCtl       *ctl);
char       *fd_ctl_join_words   (const char * const *words,
                                 guint               n_words,
                                 const char         *prefix,
                                 const char         *last_joiner);

/* --- Output (fd-ctl-output.c) ------------------------------------------ */

typedef struct {
  const char *header;
  const char *member;
} FdCtlColumn;

void        fd_ctl_print_json   (JsonNode          *node);
void        fd_ctl_print_table  (FdCtl             *ctl,
                                 JsonNode          *node,
                                 const FdCtlColumn *columns,
                                 guint              n_columns);

/* --- Commands that are not CRUD ----------------------------------------- */

int fd_ctl_agent_sign_out      (FdCtl *ctl);
int fd_ctl_queue_add_member    (FdCtl *ctl);
int fd_ctl_queue_remove_member (FdCtl *ctl);
int fd_ctl_stream_snippet      (FdCtl *ctl);
int fd_ctl_stream_resend_authorization (FdCtl *ctl);
int fd_ctl_stream_show        (FdCtl *ctl);
int fd_ctl_phase_list          (FdCtl *ctl);
int fd_ctl_phase_set           (FdCtl *ctl);
int fd_ctl_site_export         (FdCtl *ctl);
int fd_ctl_site_import         (FdCtl *ctl);
int fd_ctl_crm_connect         (FdCtl *ctl);
int fd_ctl_crm_status          (FdCtl *ctl);
int fd_ctl_crm_disconnect      (FdCtl *ctl);

/* fd-ctl-fields.c: a secret from stdin (one line; no echo on a terminal). */
char *fd_ctl_read_password     (const char  *prompt_name,
                                GError     **error);

G_END_DECLS
