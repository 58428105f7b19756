#pragma once

/* The table-driven JSON codec behind every entity and frame body.
 *
 * Each struct has one FdTypeInfo: a row per field giving its JSON name, kind,
 * offset, whether it is required and its length limit. Encoding, decoding,
 * copying, comparing and freeing all walk that table, so a field is declared
 * once. FD_DECLARE_CODEC_TYPE / FD_DEFINE_CODEC_TYPE give every struct the
 * same typed API (fd_x_new, _free, _copy, _equal, _to_json, _from_json and
 * the list helpers).
 */

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Limits (docs/protocol.md, "Limits"). Lengths of strings count Unicode
 * characters; array limits count elements. */
#define FD_LIMIT_DEPTH             32                 /* nested arrays + objects */
#define FD_LIMIT_ID                128                /* request ids, client_id, keys, tokens */
#define FD_LIMIT_NAME              200                /* names, emails, phone numbers, reasons */
#define FD_LIMIT_STRING            2048               /* URLs, comments, descriptions */
#define FD_LIMIT_TEXT              16384              /* message and canned reply text */
#define FD_LIMIT_ARRAY             1000               /* default array length */
#define FD_LIMIT_SMALL_ARRAY       100                /* departments, attachments, … */

/* Byte limits, all derived from the character limits above so that text at
 * its character limit fits whatever carries it (docs/protocol.md, "Limits",
 * shows the arithmetic).
 *
 * One character in JSON text takes at most FD_JSON_CHAR_IN_MAX bytes as a
 * client may write it (a surrogate pair escape, "\ud83d\ude00") and at most
 * FD_JSON_CHAR_OUT_MAX bytes as the server writes it (a control character,
 * "\u0001"; UTF-8 takes at most 4). */
#define FD_JSON_CHAR_IN_MAX        12
#define FD_JSON_CHAR_OUT_MAX       6
/* Room in a frame for everything around its one long text. */
#define FD_LIMIT_FRAME_ROOM        (64 * 1024)
/* Frames (and HTTP bodies) a client sends: a text at its limit, every
 * character escaped, plus the room: 16 384 × 12 + 65 536 = 262 144. */
#define FD_LIMIT_FRAME_SIZE        (FD_LIMIT_TEXT * FD_JSON_CHAR_IN_MAX + FD_LIMIT_FRAME_ROOM)
/* The characters of the largest event body, a message at every limit: its
 * text, author name, note and client_id, its attachments' names, URLs and
 * types, an email's header (sender's name and address, To and Cc, subject)
 * and its delivery reason. */
#define FD_LIMIT_MESSAGE_CHARS     (FD_LIMIT_TEXT + FD_LIMIT_NAME + 2 * FD_LIMIT_ID + \
                                    FD_LIMIT_SMALL_ARRAY * (2 * FD_LIMIT_NAME + FD_LIMIT_STRING) + \
                                    2 * FD_LIMIT_NAME + 2 * FD_LIMIT_SMALL_ARRAY * FD_LIMIT_STRING + \
                                    2 * FD_LIMIT_STRING)
/* The room of an event body beside the message's characters: the names,
 * numbers and times, and the conversation a message event carries with its
 * contact's CRM fields (together at most 78 194 bytes). */
#define FD_LIMIT_EVENT_ROOM        (128 * 1024)
/* An event body as the server writes and stores it: 675 736 × 6 + 131 072 =
 * 4 185 488 bytes. tests/protocol checks that every event body fits. */
#define FD_LIMIT_EVENT_PAYLOAD     (FD_LIMIT_MESSAGE_CHARS * FD_JSON_CHAR_OUT_MAX + FD_LIMIT_EVENT_ROOM)
/* What an event frame adds around its body: type, seq and punctuation. */
#define FD_LIMIT_EVENT_ENVELOPE    256
/* Frames the server sends; an event with the largest body is far below. */
#define FD_LIMIT_SERVER_FRAME_SIZE (8 * 1024 * 1024)
/* A snapshot with more conversations than one frame holds is sent in pages
 * (docs/protocol.md, "snapshot"): at most FD_SNAPSHOT_PAGE_ITEMS
 * conversations per page (fewer when the frame would pass
 * FD_LIMIT_SERVER_FRAME_SIZE), at most FD_LIMIT_SNAPSHOT_PAGES pages. */
#define FD_SNAPSHOT_PAGE_ITEMS     500
#define FD_LIMIT_SNAPSHOT_PAGES    1000

typedef enum {
  FD_FIELD_INT64,
  FD_FIELD_INT,
  FD_FIELD_BOOL,
  FD_FIELD_STRING,
  FD_FIELD_TIMESTAMP,     /* gint64 µs since the epoch ↔ RFC 3339 UTC; 0 ↔ omitted */
  FD_FIELD_ENUM,          /* an int-sized C enum ↔ its wire name */
  FD_FIELD_STRV,          /* char ** */
  FD_FIELD_INT64_ARRAY,   /* GArray of gint64 */
  FD_FIELD_OBJECT,        /* pointer to a child struct */
  FD_FIELD_OBJECT_ARRAY,  /* GPtrArray of child structs, freed with the child's free func */
} FdFieldKind;

typedef struct {
  const char         *what;      /* for error messages: "ACD state" */
  const char * const *names;     /* wire names indexed by value */
  guint               n_names;
} FdEnumInfo;

typedef struct _FdTypeInfo FdTypeInfo;

typedef struct {
  const char        *name;
  FdFieldKind        kind;
  gsize              offset;
  gboolean           required;
  guint              max;        /* string length or array length; 0 = default */
  const FdTypeInfo  *child;      /* OBJECT and OBJECT_ARRAY */
  const FdEnumInfo  *enum_info;  /* ENUM */
} FdFieldInfo;

struct _FdTypeInfo {
  const char        *name;       /* for error messages: "conversation" */
  gsize              size;
  const FdFieldInfo *fields;
  guint              n_fields;
  GDestroyNotify     free_func;  /* frees one struct; used by OBJECT_ARRAY */
};

/* Rows of a field table. */
#define FD_FIELD(T, f, k, req, mx, ch, en) \
  { .name = #f, .kind = (k), .offset = G_STRUCT_OFFSET (T, f), .required = (req), \
    .max = (mx), .child = (ch), .enum_info = (en) }
#define FD_F_INT64(T, f, req)          FD_FIELD (T, f, FD_FIELD_INT64, req, 0, NULL, NULL)
#define FD_F_INT(T, f, req)            FD_FIELD (T, f, FD_FIELD_INT, req, 0, NULL, NULL)
#define FD_F_BOOL(T, f, req)           FD_FIELD (T, f, FD_FIELD_BOOL, req, 0, NULL, NULL)
#define FD_F_STRING(T, f, req, mx)     FD_FIELD (T, f, FD_FIELD_STRING, req, mx, NULL, NULL)
#define FD_F_TIME(T, f, req)           FD_FIELD (T, f, FD_FIELD_TIMESTAMP, req, 0, NULL, NULL)
#define FD_F_ENUM(T, f, req, en)       FD_FIELD (T, f, FD_FIELD_ENUM, req, 0, NULL, en)
#define FD_F_STRV(T, f, req, mx)       FD_FIELD (T, f, FD_FIELD_STRV, req, mx, NULL, NULL)
#define FD_F_INT64S(T, f, req, mx)     FD_FIELD (T, f, FD_FIELD_INT64_ARRAY, req, mx, NULL, NULL)
#define FD_F_OBJECT(T, f, req, ch)     FD_FIELD (T, f, FD_FIELD_OBJECT, req, 0, ch, NULL)
#define FD_F_OBJECTS(T, f, req, mx, ch) FD_FIELD (T, f, FD_FIELD_OBJECT_ARRAY, req, mx, ch, NULL)

#define FD_TYPE_INFO(var, wire_name, T, table, free_fn) \
  const FdTypeInfo var = { wire_name, sizeof (T), table, G_N_ELEMENTS (table), (GDestroyNotify) (free_fn) }

/* Generic operations over a table. */
gpointer  fd_codec_new            (const FdTypeInfo *info);
void      fd_codec_clear          (const FdTypeInfo *info,
                                   gpointer          self);
void      fd_codec_free           (const FdTypeInfo *info,
                                   gpointer          self);
gpointer  fd_codec_copy           (const FdTypeInfo *info,
                                   gconstpointer     self);
gboolean  fd_codec_equal          (const FdTypeInfo *info,
                                   gconstpointer     a,
                                   gconstpointer     b);
JsonNode *fd_codec_to_json        (const FdTypeInfo *info,
                                   gconstpointer     self);
gpointer  fd_codec_from_json      (const FdTypeInfo *info,
                                   JsonNode         *node,
                                   GError          **error);
/* The same, naming fields in errors after @path ("body"); NULL = none. */
gpointer  fd_codec_from_json_at   (const FdTypeInfo *info,
                                   JsonNode         *node,
                                   const char       *path,
                                   GError          **error);
JsonNode *fd_codec_list_to_json   (const FdTypeInfo *info,
                                   GPtrArray        *list);
GPtrArray *fd_codec_list_from_json (const FdTypeInfo *info,
                                   JsonNode         *node,
                                   GError          **error);

const char *fd_enum_to_string     (const FdEnumInfo *info,
                                   int               value);
gboolean    fd_enum_from_string   (const FdEnumInfo *info,
                                   const char       *str,
                                   int              *out);

/* gint64 µs since the epoch ↔ RFC 3339 UTC ("2026-11-23T22:57:02.5Z"). */
char     *fd_timestamp_to_string  (gint64            usec);
/* The same into @buf; FALSE (and nothing written) out of the years 1–9999. */
#define FD_TIMESTAMP_BUF_SIZE 32
gboolean  fd_timestamp_format     (gint64            usec,
                                   char              buf[FD_TIMESTAMP_BUF_SIZE]);
gboolean  fd_timestamp_from_string (const char      *str,
                                   gint64           *out);

/* Checks raw bytes before parsing: size, UTF-8, no NUL byte. */
gboolean  fd_json_check_bytes     (const char       *data,
                                   gsize             len,
                                   gsize             max_size,
                                   GError          **error);
/* Checks and parses strict JSON (RFC 8259) into a tree, refusing nesting
 * deeper than FD_LIMIT_DEPTH, lone surrogates and escaped NULs. */
JsonNode *fd_json_parse           (const char       *data,
                                   gsize             len,
                                   gsize             max_size,
                                   GError          **error);
/* The last string value of member @name of the top-level object of @data,
 * found without building a tree and without recursion, so that it is read
 * even from a frame that nests too deeply or is too large to decode. NULL
 * when there is none, when it is not a string or when the text before it is
 * not JSON. The bytes must have passed fd_json_check_bytes(). */
char     *fd_json_peek_string_member (const char *data,
                                      gsize       len,
                                      const char *name);
/* The most bytes fd_codec_to_json() then fd_json_to_string() can write for
 * a struct of @info with every field at its limit. */
gsize     fd_codec_max_json_size  (const FdTypeInfo *info);
/* Serializes a tree compactly; control characters are always escaped. */
char     *fd_json_to_string       (JsonNode         *node,
                                   gsize            *len);
/* The text fd_json_to_string (fd_codec_to_json (@info, @self)) writes,
 * byte for byte, without building the tree: appended to @out, or returned. */
void      fd_codec_write_json     (const FdTypeInfo *info,
                                   gconstpointer     self,
                                   GString          *out);
char     *fd_codec_to_text        (const FdTypeInfo *info,
                                   gconstpointer     self,
                                   gsize            *len);
/* A JSON string (with its quotes) as fd_json_to_string() writes it. */
void      fd_json_write_string    (GString          *out,
                                   const char       *str);

#define FD_DECLARE_CODEC_TYPE(TypeName, type_name)                              \
  TypeName  *type_name##_new            (void);                                 \
  void       type_name##_free           (TypeName       *self);                 \
  TypeName  *type_name##_copy           (const TypeName *self);                 \
  gboolean   type_name##_equal          (const TypeName *a,                     \
                                         const TypeName *b);                    \
  JsonNode  *type_name##_to_json        (const TypeName *self);                 \
  char      *type_name##_to_text        (const TypeName *self);                 \
  TypeName  *type_name##_from_json      (JsonNode       *node,                  \
                                         GError        **error);                \
  GPtrArray *type_name##_list_new       (void);                                 \
  JsonNode  *type_name##_list_to_json   (GPtrArray      *list);                 \
  GPtrArray *type_name##_list_from_json (JsonNode       *node,                  \
                                         GError        **error);                \
  G_DEFINE_AUTOPTR_CLEANUP_FUNC (TypeName, type_name##_free)

#define FD_DEFINE_CODEC_TYPE(TypeName, type_name, info)                         \
  TypeName *type_name##_new (void)                                              \
  { return fd_codec_new (&(info)); }                                            \
  void type_name##_free (TypeName *self)                                        \
  { fd_codec_free (&(info), self); }                                            \
  TypeName *type_name##_copy (const TypeName *self)                             \
  { g_return_val_if_fail (self != NULL, NULL);                                  \
    return fd_codec_copy (&(info), self); }                                     \
  gboolean type_name##_equal (const TypeName *a, const TypeName *b)             \
  { return fd_codec_equal (&(info), a, b); }                                    \
  JsonNode *type_name##_to_json (const TypeName *self)                          \
  { g_return_val_if_fail (self != NULL, NULL);                                  \
    return fd_codec_to_json (&(info), self); }                                  \
  char *type_name##_to_text (const TypeName *self)                              \
  { g_return_val_if_fail (self != NULL, NULL);                                  \
    return fd_codec_to_text (&(info), self, NULL); }                            \
  TypeName *type_name##_from_json (JsonNode *node, GError **error)              \
  { g_return_val_if_fail (node != NULL, NULL);                                  \
    return fd_codec_from_json (&(info), node, error); }                         \
  GPtrArray *type_name##_list_new (void)                                        \
  { return g_ptr_array_new_with_free_func ((GDestroyNotify) type_name##_free); }\
  JsonNode *type_name##_list_to_json (GPtrArray *list)                          \
  { g_return_val_if_fail (list != NULL, NULL);                                  \
    return fd_codec_list_to_json (&(info), list); }                             \
  GPtrArray *type_name##_list_from_json (JsonNode *node, GError **error)        \
  { g_return_val_if_fail (node != NULL, NULL);                                  \
    return fd_codec_list_from_json (&(info), node, error); }

#define FD_DECLARE_ENUM(EnumType, enum_name)                                    \
  const char *enum_name##_to_string   (EnumType    value);                      \
  gboolean    enum_name##_from_string (const char *str,                         \
                                       EnumType   *out);

#define FD_DEFINE_ENUM(EnumType, enum_name, info)                               \
  const char *enum_name##_to_string (EnumType value)                            \
  { return fd_enum_to_string (&(info), (int) value); }                          \
  gboolean enum_name##_from_string (const char *str, EnumType *out)             \
  { int v;                                                                      \
    if (!fd_enum_from_string (&(info), str, &v)) return FALSE;                  \
    if (out != NULL) *out = (EnumType) v;                                       \
    return TRUE; }

G_END_DECLS
