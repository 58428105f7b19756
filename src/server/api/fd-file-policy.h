#pragma once

/* The attachment policy (docs/admin.md, "Attachment policy"): which uploaded
 * files are refused, by name and by content. Pure functions, no I/O, so that
 * uploads, downloads, the admin API and the fuzzer share one definition.
 *
 * A name is judged by the extension a desktop would use to open it, after
 * undoing the tricks that hide one: trailing dots and spaces (Windows drops
 * them), Unicode spaces, invisible and direction-changing characters
 * (U+202E turns "gpj.exe" into "exe.jpg" on screen), look-alike dots,
 * compatibility forms (NFKC: fullwidth letters) and case. */

#include <glib.h>

G_BEGIN_DECLS

/* Entries of a blocked list are extensions without the dot, 1 to this many
 * ASCII letters, digits, "-" or "_"; the word "default" stands for the
 * built-in list. */
#define FD_FILE_POLICY_MAX_EXTENSION  32
#define FD_FILE_POLICY_DEFAULT_WORD   "default"

#define FD_FILE_POLICY_ERROR (fd_file_policy_error_quark ())

typedef enum {
  FD_FILE_POLICY_ERROR_INVALID,   /* a list entry that is not an extension */
} FdFilePolicyError;

GQuark              fd_file_policy_error_quark          (void);

/* The built-in blocked list (NULL-terminated, sorted, lower case): at least
 * every extension Outlook blocks, and Unix scripts. */
const char * const *fd_file_policy_default_extensions   (void);

/* The name as the policy reads it: valid UTF-8, NFKC, case-folded, without
 * invisible or direction-changing characters, look-alike dots as ".", an
 * NTFS stream suffix (":…") cut, and no trailing dots or spaces. Never NULL. */
char               *fd_file_policy_normalize_name       (const char          *name);
/* The extension of @name after fd_file_policy_normalize_name(), without the
 * dot; "" when it has none. Never NULL. */
char               *fd_file_policy_dup_extension        (const char          *name);

/* Checks and normalizes an organization's list (".EXE" → "exe"; duplicates
 * dropped). NULL @entries, and a list of the default word alone, give NULL
 * (the default). A typed error names the first entry that is not an
 * extension. */
gboolean            fd_file_policy_normalize_list       (char * const        *entries,
                                                         char              ***out_list,
                                                         GError             **error);

/* Whether @name may be uploaded or downloaded under @blocked (an
 * organization's list: NULL = the default; "default" inside it adds the
 * default). On FALSE, @out_reason (may be NULL) gets a sentence for the
 * person who sent the file. */
gboolean            fd_file_policy_name_allowed         (const char          *name,
                                                         const char * const  *blocked,
                                                         char               **out_reason);

/* Whether the first bytes of a file (@head, up to 4 KiB is enough) and its
 * sniffed MIME type (may be NULL) are not a program or a script: Windows,
 * ELF and Mach-O executables, Java classes, "#!" scripts, shortcuts and
 * registry files are refused whatever the name says. Not configurable. */
gboolean            fd_file_policy_content_allowed      (const guint8        *head,
                                                         gsize                len,
                                                         const char          *mime_type,
                                                         char               **out_reason);

G_END_DECLS
