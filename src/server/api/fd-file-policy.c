#define G_LOG_DOMAIN "fd-file-policy"

#include "fd-file-policy.h"

#include <string.h>

G_DEFINE_QUARK (fd-file-policy-error-quark, fd_file_policy_error)

/* Sorted, lower case. Outlook's blocked list (as Microsoft documents it for
 * Outlook on the web and Microsoft 365), then what it leaves out that a
 * desktop still runs or installs when opened: Windows packages and
 * libraries (apk appx appxbundle dll drv msix msixbundle ocx sys), macOS
 * scripts and installers (applescript command dmg mpkg pkg scpt tool) and
 * Linux launchers, scripts and packages (appimage bash deb desktop
 * flatpakref run rpm sh snap zsh), Windows search and library shortcuts. */
static const char * const default_extensions[] = {
  "ade", "adp", "apk", "app", "appcontent", "appimage", "applescript", "application",
  "appref-ms", "appx", "appxbundle", "asp", "aspx", "asx", "bas", "bash", "bat", "bgi",
  "cab", "cer", "chm", "cmd", "cnt", "com", "command", "cpl", "crt", "csh", "deb", "der",
  "desktop", "diagcab", "dll", "dmg", "drv", "exe", "flatpakref", "fxp", "gadget", "grp",
  "hlp", "hpj", "hta", "htc", "inf", "ins", "iso", "isp", "its", "jar", "jnlp", "js", "jse",
  "ksh", "library-ms", "lnk", "mad", "maf", "mag", "mam", "maq", "mar", "mas", "mat", "mau",
  "mav", "maw", "mcf", "mda", "mdb", "mde", "mdt", "mdw", "mdz", "mpkg", "msc", "msh",
  "msh1", "msh1xml", "msh2", "msh2xml", "mshxml", "msi", "msix", "msixbundle", "msp", "mst",
  "msu", "ocx", "ops", "osd", "pcd", "pif", "pkg", "pl", "plg", "prf", "prg",
  "printerexport", "ps1", "ps1xml", "ps2", "ps2xml", "psc1", "psc2", "psd1", "psdm1",
  "psm1", "pssc", "pst", "py", "pyc", "pyo", "pyw", "pyz", "pyzw", "reg", "rpm", "run",
  "scf", "scpt", "scr", "sct", "searchconnector-ms", "settingcontent-ms", "sh", "shb",
  "shs", "snap", "sys", "theme", "tmp", "tool", "udl", "url", "vb", "vbe", "vbp", "vbs",
  "vhd", "vhdx", "vsmacros", "vsw", "webpagecache", "ws", "wsc", "wsf", "wsh", "xbap",
  "xll", "xnk", "zsh",
  NULL
};

/* Types g_content_type_guess() gives programs and scripts. */
static const char * const blocked_types[] = {
  "application/x-executable",
  "application/x-pie-executable",
  "application/x-sharedlib",
  "application/x-mach-binary",
  "application/x-msdownload",
  "application/x-ms-dos-executable",
  "application/x-msdos-program",
  "application/x-dosexec",
  "application/x-msi",
  "application/x-ms-installer",
  "application/x-shellscript",
  "application/x-sh",
  "application/x-csh",
  "application/x-perl",
  "application/x-python",
  "text/x-python",
  "text/x-python3",
  "application/javascript",
  "application/x-javascript",
  "text/javascript",
  "application/x-bat",
  "application/x-java-archive",
  "application/java-archive",
  "application/x-java",
  "application/x-java-jnlp-file",
  "application/vnd.android.package-archive",
  "application/x-ms-shortcut",
  "application/x-mswinurl",
  "text/x-ms-regedit",
  "application/x-desktop",
  "application/x-appimage",
  "application/vnd.debian.binary-package",
  "application/x-rpm",
  "application/x-ms-ne-executable",
  "application/x-ole-storage-msi",
};

const char * const *
fd_file_policy_default_extensions (void)
{
  return default_extensions;
}

/* --- Names ------------------------------------------------------------------- */

/* Characters that show nothing, or turn the text around, and so can hide
 * the real end of a name. */
static gboolean
is_invisible (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  if (type == G_UNICODE_FORMAT || type == G_UNICODE_CONTROL ||
      type == G_UNICODE_UNASSIGNED || type == G_UNICODE_PRIVATE_USE ||
      type == G_UNICODE_SURROGATE)
    return TRUE;
  return c == 0x034F ||                         /* combining grapheme joiner */
         (c >= 0xFE00 && c <= 0xFE0F) ||        /* variation selectors */
         (c >= 0xE0100 && c <= 0xE01EF) ||
         c == 0x115F || c == 0x1160 ||          /* Hangul fillers */
         c == 0x3164 || c == 0xFFA0 ||
         c == 0x2800;                           /* braille blank */
}

/* Full stops of other scripts and dot leaders that NFKC leaves alone. */
static gboolean
is_dot_lookalike (gunichar c)
{
  return c == '.' ||
         c == 0x2024 || c == 0xFE52 || c == 0xFF0E ||   /* (NFKC maps these too) */
         c == 0x3002 || c == 0xFF61 ||                   /* ideographic full stops */
         c == 0x0589 || c == 0x06D4 || c == 0x0701 || c == 0x0702 ||
         c == 0x1362 || c == 0x166E || c == 0x1803 || c == 0x1809 ||
         c == 0x2E3C || c == 0xA4F8 || c == 0xA60E || c == 0xA6F3 ||
         c == 0x00B7 || c == 0x2027 || c == 0x2219 || c == 0x22C5 ||
         c == 0x0387 || c == 0x16EB || c == 0x10A50;
}

static gboolean
is_space (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return g_unichar_isspace (c) || type == G_UNICODE_SPACE_SEPARATOR ||
         type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR;
}

char *
fd_file_policy_normalize_name (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name != NULL ? name : "", -1);
  g_autofree char *compat = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKC);
  g_autofree char *folded = g_utf8_casefold (compat != NULL ? compat : "", -1);
  g_autofree char *again = g_utf8_normalize (folded, -1, G_NORMALIZE_NFKC);
  GString *out = g_string_new (NULL);

  for (const char *p = again != NULL ? again : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* "name.exe:stream" or "name.exe::$DATA" is name.exe on NTFS. */
      if (c == ':')
        break;
      if (is_invisible (c))
        continue;
      if (is_dot_lookalike (c))
        g_string_append_c (out, '.');
      else if (is_space (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  /* Windows drops trailing dots and spaces: "run.bat. " is run.bat. */
  while (out->len > 0 && (out->str[out->len - 1] == '.' || out->str[out->len - 1] == ' '))
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

char *
fd_file_policy_dup_extension (const char *name)
{
  g_autofree char *normal = fd_file_policy_normalize_name (name);
  const char *dot = strrchr (normal, '.');

  if (dot == NULL)
    return g_strdup ("");
  dot++;
  while (*dot == ' ')
    dot++;
  return g_strdup (dot);
}

/* --- Lists ------------------------------------------------------------------- */

/* ".EXE", "*.exe", " exe " → "exe"; NULL when not an extension. */
static char *
normalize_entry (const char *entry)
{
  g_autofree char *copy = g_strstrip (g_strdup (entry != NULL ? entry : ""));
  const char *p = copy;
  gsize len;

  if (*p == '*')
    p++;
  while (*p == '.')
    p++;
  len = strlen (p);
  if (len == 0 || len > FD_FILE_POLICY_MAX_EXTENSION)
    return NULL;
  for (const char *q = p; *q != '\0'; q++)
    if (!g_ascii_isalnum (*q) && *q != '-' && *q != '_')
      return NULL;
  return g_ascii_strdown (p, -1);
}

gboolean
fd_file_policy_normalize_list (char * const   *entries,
                               char         ***out_list,
                               GError        **error)
{
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (out_list != NULL, FALSE);

  *out_list = NULL;
  if (entries == NULL)
    return TRUE;
  list = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; entries[i] != NULL; i++)
    {
      char *entry = normalize_entry (entries[i]);

      if (entry == NULL)
        {
          g_set_error (error, FD_FILE_POLICY_ERROR, FD_FILE_POLICY_ERROR_INVALID,
                       "Blocked extension %u is not an extension: write 1 to %d letters, digits, “-” "
                       "or “_”, such as “exe”, or the word “" FD_FILE_POLICY_DEFAULT_WORD "”.",
                       i + 1, FD_FILE_POLICY_MAX_EXTENSION);
          return FALSE;
        }
      if (g_ptr_array_find_with_equal_func (list, entry, g_str_equal, NULL))
        g_free (entry);
      else
        g_ptr_array_add (list, entry);
    }
  /* The default word alone is the default: stored as none of its own. */
  if (list->len == 1 && g_str_equal (list->pdata[0], FD_FILE_POLICY_DEFAULT_WORD))
    return TRUE;
  g_ptr_array_add (list, NULL);
  *out_list = (char **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
  return TRUE;
}

static gboolean
strv_has (const char * const *list,
          const char         *ext)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (g_ascii_strcasecmp (list[i], ext) == 0)
      return TRUE;
  return FALSE;
}

gboolean
fd_file_policy_name_allowed (const char          *name,
                             const char * const  *blocked,
                             char               **out_reason)
{
  g_autofree char *ext = fd_file_policy_dup_extension (name);
  gboolean refused;

  if (out_reason != NULL)
    *out_reason = NULL;
  if (ext[0] == '\0')
    return TRUE;
  if (blocked == NULL)
    refused = strv_has (default_extensions, ext);
  else
    refused = strv_has (blocked, ext) ||
              (strv_has (blocked, FD_FILE_POLICY_DEFAULT_WORD) && strv_has (default_extensions, ext));
  if (refused && out_reason != NULL)
    *out_reason = g_strdup_printf ("Files ending in “.%s” are blocked by the attachment policy, as "
                                   "opening one can run a program; send a document, an image or an "
                                   "archive instead.", ext);
  return !refused;
}

/* --- Content ----------------------------------------------------------------- */

static gboolean
starts_with (const guint8 *head,
             gsize         len,
             const void   *magic,
             gsize         magic_len)
{
  return len >= magic_len && memcmp (head, magic, magic_len) == 0;
}

/* Text launchers: a first line like "[InternetShortcut]", in any case,
 * after an optional UTF-8 byte order mark and blank space. */
static gboolean
starts_with_section (const guint8 *head,
                     gsize         len,
                     const char   *section)
{
  gsize n = strlen (section);

  if (starts_with (head, len, "\xef\xbb\xbf", 3))
    {
      head += 3;
      len -= 3;
    }
  while (len > 0 && g_ascii_isspace (*head))
    {
      head++;
      len--;
    }
  return len >= n && g_ascii_strncasecmp ((const char *) head, section, n) == 0;
}

/* "Windows Registry Editor" in UTF-16LE after its byte order mark. */
static gboolean
is_utf16_registry (const guint8 *head,
                   gsize         len)
{
  static const char text[] = "Windows Registry Editor";

  if (!starts_with (head, len, "\xff\xfe", 2) || len < 2 + 2 * (sizeof text - 1))
    return FALSE;
  for (gsize i = 0; i < sizeof text - 1; i++)
    if (head[2 + 2 * i] != (guint8) text[i] || head[3 + 2 * i] != 0)
      return FALSE;
  return TRUE;
}

static const char *
program_kind (const guint8 *head,
              gsize         len)
{
  const guint8 *text = head;
  gsize text_len = len;

  if (starts_with (text, text_len, "\xef\xbb\xbf", 3))
    {
      text += 3;
      text_len -= 3;
    }
  if (starts_with (head, len, "MZ", 2))
    return "a Windows program";
  if (starts_with (head, len, "\177ELF", 4))
    return "a Linux program";
  if (starts_with (head, len, "\xfe\xed\xfa\xce", 4) || starts_with (head, len, "\xfe\xed\xfa\xcf", 4) ||
      starts_with (head, len, "\xce\xfa\xed\xfe", 4) || starts_with (head, len, "\xcf\xfa\xed\xfe", 4))
    return "a macOS program";
  /* Java classes and universal macOS programs share this mark. */
  if (starts_with (head, len, "\xca\xfe\xba\xbe", 4))
    return "a Java or macOS program";
  if (starts_with (text, text_len, "#!", 2))
    return "a script";
  if (starts_with (head, len, "L\0\0\0\x01\x14\x02\0", 8))
    return "a Windows shortcut";
  if (starts_with (head, len, "ITSF", 4))
    return "compiled Windows help";
  if (starts_with (text, text_len, "REGEDIT4", 8) ||
      starts_with (text, text_len, "Windows Registry Editor", 23) || is_utf16_registry (head, len))
    return "a Windows registry file";
  if (starts_with_section (head, len, "[InternetShortcut]") ||
      starts_with_section (head, len, "[Shell]") ||
      starts_with_section (head, len, "[Desktop Entry]"))
    return "a shortcut";
  return NULL;
}

gboolean
fd_file_policy_content_allowed (const guint8  *head,
                                gsize          len,
                                const char    *mime_type,
                                char         **out_reason)
{
  const char *kind = head != NULL ? program_kind (head, len) : NULL;

  if (out_reason != NULL)
    *out_reason = NULL;
  if (kind == NULL && mime_type != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (blocked_types); i++)
      if (g_ascii_strcasecmp (mime_type, blocked_types[i]) == 0)
        {
          kind = "a program or a script";
          break;
        }
  if (kind == NULL)
    return TRUE;
  if (out_reason != NULL)
    *out_reason = g_strdup_printf ("This file is %s, whatever its name says; programs and scripts "
                                   "cannot be sent as files. Send a document, an image or an archive "
                                   "instead.", kind);
  return FALSE;
}
