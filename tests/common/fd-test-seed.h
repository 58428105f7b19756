#pragma once

/* Seeding a stopped frontdeskd's database directly (tests and benchmarks
 * that need thousands of conversations, faster than routing them one by
 * one). Prepared SQL in one transaction; fails the test on any error. */

#include <glib.h>

G_BEGIN_DECLS

/* Adds @n web chats of the stream @stream_key reserved by the agent
 * @agent_email, each with its own contact ("Seeded visitor N") and one
 * customer message, reserved 1, 2, … @n seconds ago. Returns the id of the
 * first (the others follow in order). The server must be stopped. */
gint64 fd_test_seed_reserved_chats (const char *db_path,
                                    const char *agent_email,
                                    const char *stream_key,
                                    guint       n);

G_END_DECLS
