#pragma once

#include <glib.h>

/* The whole library: entities, frame bodies, frames and their codec. */
#include "fd-frame.h"

G_BEGIN_DECLS

/* The version of the agent and visitor protocols in docs/protocol.md.  */
#define FD_PROTOCOL_VERSION 1

const char *fd_protocol_version_string (void);

G_END_DECLS
