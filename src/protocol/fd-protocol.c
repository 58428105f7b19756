#define G_LOG_DOMAIN "fd-protocol"

#include "fd-config.h"
#include "fd-protocol.h"

const char *
fd_protocol_version_string (void)
{
  return PACKAGE_VERSION;
}
