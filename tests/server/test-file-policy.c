/* Unit tests of the attachment policy's pure functions
 * (src/server/api/fd-file-policy.c); the server applying them is tested in
 * test-attachment-policy.c. */

#include "fd-file-policy.h"

#include <string.h>

/* Outlook's blocked list as Microsoft documents it: the default must hold
 * every one. */
static const char outlook[] =
  "ade adp app appcontent appref-ms application asp aspx asx bas bat bgi cab cer chm cmd cnt com cpl crt "
  "csh der diagcab exe fxp gadget grp hlp hpj hta htc inf ins iso isp its jar jnlp js jse ksh lnk mad maf "
  "mag mam maq mar mas mat mau mav maw mcf mda mdb mde mdt mdw mdz msc msh msh1 msh2 mshxml msh1xml "
  "msh2xml msi msp mst msu ops osd pcd pif pl plg prf prg printerexport ps1 ps1xml ps2 ps2xml psc1 psc2 "
  "psd1 psdm1 psm1 pssc pst py pyc pyo pyw pyz pyzw reg scf scr sct settingcontent-ms shb shs theme tmp "
  "udl url vb vbe vbp vbs vhd vhdx vsmacros vsw webpagecache ws wsc wsf wsh xbap xll xnk";

static void
test_default_list (void)
{
  const char * const *list = fd_file_policy_default_extensions ();
  g_auto(GStrv) wanted = g_strsplit (outlook, " ", -1);

  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (list[i], -1);

      g_assert_cmpstr (lower, ==, list[i]);
      if (i > 0)
        g_assert_cmpint (strcmp (list[i - 1], list[i]), <, 0);
    }
  for (guint i = 0; wanted[i] != NULL; i++)
    {
      g_autofree char *name = g_strconcat ("file.", wanted[i], NULL);

      g_test_message ("%s", name);
      g_assert_true (g_strv_contains (list, wanted[i]));
      g_assert_false (fd_file_policy_name_allowed (name, NULL, NULL));
    }
}

static void
test_extensions (void)
{
  const struct {
    const char *name;
    const char *ext;
  } cases[] = {
    { "report.pdf", "pdf" },
    { "run.bat.", "bat" },
    { "run.bat . .", "bat" },
    { "run.bat\xc2\xa0", "bat" },
    { "run.bat\xe2\x80\x8b\xe2\x80\x8f", "bat" },
    { "RUN.BAT", "bat" },
    { "run.\xef\xbd\x82\xef\xbd\x81\xef\xbd\x94", "bat" },
    { "run\xe2\x80\xa4" "bat", "bat" },
    { "run\xef\xb9\x92" "bat", "bat" },
    { "run\xe3\x80\x82" "bat", "bat" },
    { "invoice\xe2\x80\xae" "fdp.exe", "exe" },
    { "run.bat::$DATA", "bat" },
    { "report.exe.txt", "txt" },
    { "README", "" },
    { "", "" },
    { "...", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *ext = fd_file_policy_dup_extension (cases[i].name);

      g_assert_cmpstr (ext, ==, cases[i].ext);
    }
}

static void
test_lists (void)
{
  const char *entries[] = { " .ZIP", "*.Exe", "zip", "default", NULL };
  const char *bad[] = { "ok", "e x e", NULL };
  g_auto(GStrv) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;

  g_assert_true (fd_file_policy_normalize_list ((char **) entries, &list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (list), ==, 3);
  g_assert_cmpstr (list[0], ==, "zip");
  g_assert_cmpstr (list[1], ==, "exe");
  g_assert_cmpstr (list[2], ==, "default");
  g_clear_pointer (&list, g_strfreev);
  g_assert_false (fd_file_policy_normalize_list ((char **) bad, &list, &error));
  g_assert_error (error, FD_FILE_POLICY_ERROR, FD_FILE_POLICY_ERROR_INVALID);
  g_assert_null (list);

  /* "default" in a list adds the default; without it, only the list. */
  {
    const char *with_default[] = { "default", "zip", NULL };
    const char *only_txt[] = { "txt", NULL };

    g_assert_false (fd_file_policy_name_allowed ("a.zip", with_default, NULL));
    g_assert_false (fd_file_policy_name_allowed ("a.bat", with_default, &reason));
    g_assert_nonnull (strstr (reason, "“.bat”"));
    g_assert_true (fd_file_policy_name_allowed ("a.zip", NULL, NULL));
    g_assert_true (fd_file_policy_name_allowed ("a.bat", only_txt, NULL));
    g_assert_false (fd_file_policy_name_allowed ("a.TXT.", only_txt, NULL));
  }
}

static void
test_content (void)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree char *reason = NULL;

  g_assert_true (fd_file_policy_content_allowed (png, sizeof png, "image/png", NULL));
  g_assert_true (fd_file_policy_content_allowed ((const guint8 *) "hello", 5, "text/plain", NULL));
  g_assert_true (fd_file_policy_content_allowed (NULL, 0, NULL, NULL));
  g_assert_false (fd_file_policy_content_allowed ((const guint8 *) "MZ\x90", 3, NULL, &reason));
  g_assert_nonnull (strstr (reason, "Windows program"));
  g_assert_false (fd_file_policy_content_allowed ((const guint8 *) "\xca\xfe\xba\xbe", 4, NULL, NULL));
  g_assert_false (fd_file_policy_content_allowed ((const guint8 *) " [desktop entry]\n", 17, NULL, NULL));
  g_assert_false (fd_file_policy_content_allowed ((const guint8 *) "x", 1, "application/x-shellscript", NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/file-policy/default-list", test_default_list);
  g_test_add_func ("/file-policy/extensions", test_extensions);
  g_test_add_func ("/file-policy/lists", test_lists);
  g_test_add_func ("/file-policy/content", test_content);

  return g_test_run ();
}
