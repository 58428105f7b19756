#define G_LOG_DOMAIN "fd-fuzz"

/* libFuzzer target: every input is an uploaded file's name (and its first
 * bytes) for the attachment policy (src/server/api/fd-file-policy.c). The
 * normalized name must be valid UTF-8 without an NTFS stream or a trailing
 * dot or space, the extension must have no dot, and a refusal always comes
 * with a reason; anything else is a bug and aborts. */

#include <string.h>

#include "fd-file-policy.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_decision (const char          *name,
                const char * const  *blocked)
{
  g_autofree char *reason = NULL;
  gboolean allowed = fd_file_policy_name_allowed (name, blocked, &reason);

  if (allowed != (reason == NULL))
    g_error ("A policy decision and its reason disagree.");
  if (!allowed && !g_utf8_validate (reason, -1, NULL))
    g_error ("A refusal's reason is not valid UTF-8.");
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const char * const own_list[] = { "default", "zip", NULL };
  static const char * const short_list[] = { "txt", NULL };
  g_autofree char *name = g_strndup ((const char *) data, size);
  g_autofree char *normal = fd_file_policy_normalize_name (name);
  g_autofree char *ext = fd_file_policy_dup_extension (name);
  g_autofree char *reason = NULL;
  gsize len = strlen (normal);

  if (!g_utf8_validate (normal, -1, NULL) || !g_utf8_validate (ext, -1, NULL))
    g_error ("A normalized name is not valid UTF-8.");
  if (len > 0 && (normal[len - 1] == '.' || normal[len - 1] == ' '))
    g_error ("A normalized name ends in a dot or a space.");
  if (strchr (normal, ':') != NULL || strchr (ext, '.') != NULL)
    g_error ("A normalized name keeps a stream, or an extension a dot.");
  /* What the default list blocks, the list "default,zip" blocks too. */
  if (!fd_file_policy_name_allowed (name, NULL, NULL) &&
      fd_file_policy_name_allowed (name, own_list, NULL))
    g_error ("The word “default” did not stand for the default list.");
  check_decision (name, NULL);
  check_decision (name, own_list);
  check_decision (name, short_list);
  if (fd_file_policy_content_allowed (data, size, NULL, &reason) != (reason == NULL))
    g_error ("A content decision and its reason disagree.");
  return 0;
}
