/* Linked into every libFuzzer binary (not the replays). A failed check of
 * a target (g_error) or a GLib critical under G_DEBUG=fatal-criticals
 * stops the process with SIGTRAP, which libFuzzer does not handle: it
 * would die without saving the input that did it. Turn the trap into
 * abort(), which libFuzzer handles by writing the input to its
 * -artifact_prefix, so that every finding can become a seed. */

#include <signal.h>
#include <stdlib.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);

static void
on_trap (int signum)
{
  abort ();
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  signal (SIGTRAP, on_trap);
  return 0;
}
