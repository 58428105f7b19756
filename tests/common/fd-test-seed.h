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

/* The Activity Log's data set (tests/integration/test-log.c, tests/ui,
 * bench/log): @n conversations of the demo site, numbered i = 0 … n-1,
 * with explicit times from @base (µs), so that every expectation can be
 * computed from i:
 *  - stream: i % 4 → 0 web chat, 1 callback (queue Sales), 2 email,
 *    3 twitter (queue Support); kind the stream's;
 *  - never assigned (state missed, no holder) when i % 13 == 12; else
 *    first assigned at @base + (i / 3) × 60 s (ties in threes), closed
 *    (i % 7 + 1) × 30 s later, rated i % 5 + 1 with the comment
 *    "Comment i";
 *  - held by Jenna when i is even, by Natalie when odd; transferred from
 *    Jenna to Natalie (both hold it) when i % 10 == 9;
 *  - the contact is named FD_TEST_SEED_LOG_NAMES[i % 5];
 *  - the customer writes "Hello, question tokI about my order" (I = i),
 *    and the holder answers "Thanks, we will look into it." (none when
 *    never assigned).
 * Returns the id of conversation 0 (the others follow in order). The
 * server must be stopped. */
#define FD_TEST_SEED_LOG_NAMES { "Ada Lovelace", "bob builder", "Carol", "dave", "Eve" }
gint64 fd_test_seed_log (const char *db_path,
                         guint       n,
                         gint64      base);

G_END_DECLS
