#include "store-test.h"

#include <string.h>

/* Organizations, agents, queues and members, media streams and their routing phases, and transactions. */

static void
test_organizations (StoreFixture  *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOrganization) org = fd_organization_new ();
  g_autoptr(FdOrganization) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *long_name = g_strnfill (FD_STORE_MAX_NAME + 1, 'x');

  /* Bad input gives a typed error, not a row. */
  g_assert_false (fd_store_create_organization (fx->store, org, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  org->name = g_steal_pointer (&long_name);
  g_assert_false (fd_store_create_organization (fx->store, org, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_free (org->name);
  org->name = g_strdup ("Ac\xff me");
  g_assert_false (fd_store_create_organization (fx->store, org, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Exactly the limit is fine, in characters not bytes. */
  g_free (org->name);
  {
    GString *s = g_string_new (NULL);

    for (int i = 0; i < FD_STORE_MAX_NAME; i++)
      g_string_append (s, "é");
    org->name = g_string_free (s, FALSE);
  }
  org->reserve_acd = FD_RESERVE_ACD_WRAP_UP;
  g_assert_true (fd_store_create_organization (fx->store, org, &error));
  g_assert_no_error (error);
  g_assert_cmpint (org->id, >, 0);
  g_assert_cmpint (org->created_at, >, 0);

  got = fd_store_get_organization (fx->store, org->id, &error);
  g_assert_no_error (error);
  g_assert_true (fd_organization_equal (got, org));

  g_free (org->name);
  org->name = g_strdup ("Acme");
  g_assert_true (fd_store_update_organization (fx->store, org, &error));
  g_assert_no_error (error);
  make_org (fx->store, "Beta");
  list = fd_store_list_organizations (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((FdOrganization *) list->pdata[0])->name, ==, "Acme");
  g_assert_cmpint (((FdOrganization *) list->pdata[0])->reserve_acd, ==, FD_RESERVE_ACD_WRAP_UP);

  g_assert_true (fd_store_delete_organization (fx->store, org->id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, fd_organization_free);
  got = fd_store_get_organization (fx->store, org->id, &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (fd_store_delete_organization (fx->store, org->id, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
}

static void
test_agents (StoreFixture  *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 alice = make_agent (fx->store, acme, "Alice@Acme.test");
  g_autoptr(FdAgent) dup = fd_agent_new ();
  g_autoptr(FdAgent) got = NULL;
  g_autoptr(FdAgent) other = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(GPtrArray) list = NULL;

  /* Email unique server-wide, case-insensitively, even across orgs. */
  dup->organization_id = beta;
  dup->email = g_strdup ("alice@ACME.test");
  dup->name = g_strdup ("Alice again");
  g_assert_false (fd_store_create_agent (fx->store, dup, "hash", &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_free (dup->email);
  dup->email = g_strdup ("not-an-email");
  g_assert_false (fd_store_create_agent (fx->store, dup, "hash", &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* An organization that does not exist. */
  g_free (dup->email);
  dup->email = g_strdup ("zed@acme.test");
  dup->organization_id = 999;
  g_assert_false (fd_store_create_agent (fx->store, dup, "hash", &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  got = fd_store_get_agent (fx->store, acme, alice, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->email, ==, "alice@acme.test");
  g_assert_cmpint (got->role, ==, FD_ROLE_AGENT);

  /* Another organization's id never returns the row. */
  other = fd_store_get_agent (fx->store, beta, alice, &error);
  g_assert_null (other);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (fd_store_delete_agent (fx->store, beta, alice, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got->organization_id = beta;
  g_assert_false (fd_store_update_agent (fx->store, got, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got->organization_id = acme;

  g_clear_pointer (&other, fd_agent_free);
  other = fd_store_get_agent_by_email (fx->store, "ALICE@acme.TEST", &hash, &error);
  g_assert_no_error (error);
  g_assert_cmpint (other->id, ==, alice);
  g_assert_cmpstr (hash, ==, "$argon2id$not-a-real-hash");

  got->role = FD_ROLE_SUPERVISOR;
  g_free (got->name);
  got->name = g_strdup ("Alice A.");
  g_assert_true (fd_store_update_agent (fx->store, got, &error));
  g_assert_no_error (error);
  g_assert_true (fd_store_set_agent_acd (fx->store, acme, alice, FD_ACD_UNAVAILABLE, "lunch", T0, &error));
  g_assert_no_error (error);
  list = fd_store_list_agents (fx->store, acme, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&got, fd_agent_free);
  got = g_ptr_array_steal_index (list, 0);
  g_assert_cmpint (got->role, ==, FD_ROLE_SUPERVISOR);
  g_assert_cmpstr (got->name, ==, "Alice A.");
  g_assert_cmpint (got->acd_state, ==, FD_ACD_UNAVAILABLE);
  g_assert_cmpstr (got->acd_reason, ==, "lunch");
  g_assert_cmpint (got->idle_since, ==, T0);

  /* An update to an email that another agent has is a conflict. */
  make_agent (fx->store, beta, "bob@beta.test");
  g_free (got->email);
  got->email = g_strdup ("Bob@beta.test");
  g_assert_false (fd_store_update_agent (fx->store, got, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  g_assert_true (fd_store_delete_agent (fx->store, acme, alice, &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_agents (fx->store, acme, &error);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_queues_and_members (StoreFixture  *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 bob = make_agent (fx->store, acme, "bob@acme.test");
  gint64 zed = make_agent (fx->store, beta, "zed@beta.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 support = make_queue (fx->store, acme, "Support");
  gint64 beta_q = make_queue (fx->store, beta, "Beta queue");
  g_autoptr(FdQueue) queue = NULL;
  g_autoptr(GArray) members = NULL;

  g_assert_true (fd_store_add_queue_member (fx->store, acme, sales, alice, &error));
  g_assert_true (fd_store_add_queue_member (fx->store, acme, sales, bob, &error));
  g_assert_true (fd_store_add_queue_member (fx->store, acme, support, alice, &error));
  g_assert_no_error (error);
  g_assert_true (fd_store_set_queue_member_joined (fx->store, acme, sales, alice, TRUE, &error));
  g_assert_no_error (error);
  /* Adding again keeps the joined state. */
  g_assert_true (fd_store_add_queue_member (fx->store, acme, sales, alice, &error));
  g_assert_no_error (error);

  /* Agents and queues of another organization cannot be mixed in. */
  g_assert_false (fd_store_add_queue_member (fx->store, acme, sales, zed, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (fd_store_add_queue_member (fx->store, beta, beta_q, alice, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (fd_store_add_queue_member (fx->store, beta, sales, zed, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (fd_store_set_queue_member_joined (fx->store, beta, sales, alice, TRUE, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  queue = fd_store_get_queue (fx->store, acme, sales, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (queue->name, ==, "Sales");
  g_assert_cmpuint (queue->member_ids->len, ==, 2);
  g_assert_cmpint (g_array_index (queue->member_ids, gint64, 0), ==, alice);
  g_assert_cmpint (g_array_index (queue->member_ids, gint64, 1), ==, bob);
  g_clear_pointer (&queue, fd_queue_free);
  queue = fd_store_get_queue (fx->store, beta, sales, &error);
  g_assert_null (queue);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  members = fd_store_list_queue_members (fx->store, acme, 0, alice, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, 2);
  g_assert_cmpint (g_array_index (members, FdQueueMember, 0).queue_id, ==, sales);
  g_assert_true (g_array_index (members, FdQueueMember, 0).joined);
  g_assert_false (g_array_index (members, FdQueueMember, 1).joined);
  g_clear_pointer (&members, g_array_unref);

  /* The joined state survives closing and reopening the database. */
  g_clear_pointer (&fx->store, fd_store_free);
  fx->store = fd_store_open (fx->path, &error);
  g_assert_no_error (error);
  members = fd_store_list_queue_members (fx->store, acme, sales, alice, &error);
  g_assert_cmpuint (members->len, ==, 1);
  g_assert_true (g_array_index (members, FdQueueMember, 0).joined);
  g_clear_pointer (&members, g_array_unref);

  g_assert_true (fd_store_remove_queue_member (fx->store, acme, sales, bob, &error));
  g_assert_no_error (error);
  g_assert_false (fd_store_remove_queue_member (fx->store, acme, sales, bob, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting an agent removes its memberships. */
  g_assert_true (fd_store_delete_agent (fx->store, acme, alice, &error));
  members = fd_store_list_queue_members (fx->store, acme, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, 0);

  g_assert_true (fd_store_delete_queue (fx->store, acme, support, &error));
  g_assert_no_error (error);
}

static void
test_cascade_delete_organization (StoreFixture  *fx,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  gint64 conv = make_conversation (fx->store, acme, chat, "c@example.test", T0);
  gint64 beta_agent = make_agent (fx->store, beta, "b@beta.test");
  g_autoptr(FdMessage) msg = fd_message_new ();
  g_autoptr(FdMessage) stored = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(FdAgent) still = NULL;
  g_autoptr(FdConversation) gone = NULL;
  gint64 seq = 0;

  g_assert_true (fd_store_add_queue_member (fx->store, acme, sales, alice, &error));
  msg->organization_id = acme;
  msg->conversation_id = conv;
  msg->text = g_strdup ("hi");
  stored = fd_store_append_message (fx->store, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fd_store_append_event (fx->store, acme, "x", 0, 0, 0, NULL, &seq, &error));

  g_assert_true (fd_store_delete_organization (fx->store, acme, &error));
  g_assert_no_error (error);

  agents = fd_store_list_agents (fx->store, acme, &error);
  g_assert_cmpuint (agents->len, ==, 0);
  gone = fd_store_get_conversation (fx->store, acme, conv, FALSE, &error);
  g_assert_null (gone);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* The other organization is untouched. */
  still = fd_store_get_agent (fx->store, beta, beta_agent, &error);
  g_assert_no_error (error);
  g_assert_nonnull (still);
}

static FdPhase *
new_phase (FdStrategy  strategy,
           int         bounce,
           int         duration,
           gint64      agent1,
           gint64      agent2)
{
  FdPhase *phase = fd_phase_new ();

  phase->strategy = strategy;
  phase->bounce_seconds = bounce;
  phase->duration_seconds = duration;
  phase->agent_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (agent1)
    g_array_append_val (phase->agent_ids, agent1);
  if (agent2)
    g_array_append_val (phase->agent_ids, agent2);
  return phase;
}

static void
test_streams (StoreFixture  *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 support = make_queue (fx->store, acme, "Support");
  gint64 beta_q = make_queue (fx->store, beta, "Beta queue");
  g_autoptr(FdStream) stream = fd_stream_new ();
  g_autoptr(FdStream) got = NULL;
  g_autoptr(FdStream) second = fd_stream_new ();
  g_autoptr(GPtrArray) list = NULL;
  const char *departments[] = { "Sales", "Support", NULL };
  const char *origins[] = { "https://acme.test", NULL };

  stream->organization_id = acme;
  stream->queue_id = sales;
  stream->kind = FD_STREAM_WEBCHAT;
  stream->name = g_strdup ("Website");
  stream->key = g_strdup ("chosen-by-caller");
  stream->departments = g_strdupv ((char **) departments);
  stream->allowed_origins = g_strdupv ((char **) origins);
  stream->settings_json = g_strdup ("[1,2]");
  /* Settings must be a JSON object. */
  g_assert_false (fd_store_create_stream (fx->store, stream, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_free (stream->settings_json);
  stream->settings_json = g_strdup ("{\"greeting\":\"Hi\"}");
  /* A queue of another organization. */
  stream->queue_id = beta_q;
  g_assert_false (fd_store_create_stream (fx->store, stream, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  stream->queue_id = sales;
  /* A chosen key must be URL-safe. */
  g_free (stream->key);
  stream->key = g_strdup ("bad key\"<>");
  g_assert_false (fd_store_create_stream (fx->store, stream, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* No key: the store makes one, url-safe and random. */
  g_clear_pointer (&stream->key, g_free);
  g_assert_true (fd_store_create_stream (fx->store, stream, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (stream->key), >=, 22);
  for (const char *p = stream->key; *p; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');

  /* A chosen key (site import) is kept, and unique server-wide. */
  second->organization_id = acme;
  second->queue_id = sales;
  second->kind = FD_STREAM_CALLBACK;
  second->name = g_strdup ("Callback");
  second->key = g_strdup ("acme-callback");
  g_assert_true (fd_store_create_stream (fx->store, second, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (second->key, ==, "acme-callback");
  {
    g_autoptr(FdStream) third = fd_stream_copy (second);

    third->organization_id = beta;
    third->queue_id = beta_q;
    g_assert_false (fd_store_create_stream (fx->store, third, &error));
    g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CONFLICT);
    g_clear_error (&error);
    g_clear_pointer (&third->key, g_free);
    g_assert_true (fd_store_create_stream (fx->store, third, &error));
    g_assert_cmpstr (third->key, !=, stream->key);
  }

  got = fd_store_get_stream_by_key (fx->store, stream->key, &error);
  g_assert_no_error (error);
  g_assert_true (fd_stream_equal (got, stream));
  g_clear_pointer (&got, fd_stream_free);
  got = fd_store_get_stream (fx->store, beta, stream->id, &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Update moves it to another queue and renames it; the key stays. */
  stream->queue_id = support;
  g_free (stream->name);
  stream->name = g_strdup ("Website chat");
  g_clear_pointer (&stream->departments, g_strfreev);
  g_assert_true (fd_store_update_stream (fx->store, stream, &error));
  g_assert_no_error (error);
  got = fd_store_get_stream (fx->store, acme, stream->id, &error);
  g_assert_cmpint (got->queue_id, ==, support);
  g_assert_cmpstr (got->name, ==, "Website chat");
  g_assert_null (got->departments);
  g_clear_pointer (&got, fd_stream_free);

  /* A queue with streams cannot go. */
  g_assert_false (fd_store_delete_queue (fx->store, acme, support, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  /* Soft delete: gone for visitors and default lists, kept by id. */
  g_assert_true (fd_store_delete_stream (fx->store, acme, stream->id, &error));
  g_assert_no_error (error);
  got = fd_store_get_stream_by_key (fx->store, stream->key, &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got = fd_store_get_stream (fx->store, acme, stream->id, &error);
  g_assert_no_error (error);
  g_assert_true (got->deleted);
  list = fd_store_list_streams (fx->store, acme, FALSE, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_streams (fx->store, acme, TRUE, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_false (fd_store_delete_stream (fx->store, acme, stream->id, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
}

static void
test_phases (StoreFixture  *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 bob = make_agent (fx->store, acme, "bob@acme.test");
  gint64 zed = make_agent (fx->store, beta, "zed@beta.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  g_autoptr(GPtrArray) phases = fd_phase_list_new ();
  g_autoptr(GPtrArray) got = NULL;
  const FdPhase *p;

  g_ptr_array_add (phases, new_phase (FD_STRATEGY_CIRCULAR, 20, 60, bob, alice));
  g_ptr_array_add (phases, new_phase (FD_STRATEGY_RING_ALL, 0, 0, 0, 0));
  g_assert_true (fd_store_replace_phases (fx->store, acme, chat, phases, &error));
  g_assert_no_error (error);
  got = fd_store_list_phases (fx->store, acme, chat, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 2);
  p = got->pdata[0];
  g_assert_cmpint (p->position, ==, 0);
  g_assert_cmpint (p->strategy, ==, FD_STRATEGY_CIRCULAR);
  g_assert_cmpint (p->bounce_seconds, ==, 20);
  g_assert_cmpint (p->duration_seconds, ==, 60);
  /* Order of the agents is kept. */
  g_assert_cmpint (g_array_index (p->agent_ids, gint64, 0), ==, bob);
  g_assert_cmpint (g_array_index (p->agent_ids, gint64, 1), ==, alice);
  g_assert_true (fd_phase_equal (p, phases->pdata[0]));
  p = got->pdata[1];
  g_assert_cmpint (p->position, ==, 1);
  g_assert_cmpuint (p->agent_ids->len, ==, 0);
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Replacing with a list naming another organization's agent changes
   * nothing. */
  g_ptr_array_set_size (phases, 0);
  g_ptr_array_add (phases, new_phase (FD_STRATEGY_LONGEST_IDLE, 0, 0, zed, 0));
  g_assert_false (fd_store_replace_phases (fx->store, acme, chat, phases, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  got = fd_store_list_phases (fx->store, acme, chat, &error);
  g_assert_cmpuint (got->len, ==, 2);
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Another organization cannot touch the stream's phases. */
  g_ptr_array_set_size (phases, 0);
  g_assert_false (fd_store_replace_phases (fx->store, beta, chat, phases, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got = fd_store_list_phases (fx->store, beta, chat, &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* One phase with a single agent; deleting that agent empties its list. */
  g_ptr_array_add (phases, new_phase (FD_STRATEGY_LONGEST_IDLE, -1, 0, bob, 0));
  g_assert_false (fd_store_replace_phases (fx->store, acme, chat, phases, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  ((FdPhase *) phases->pdata[0])->bounce_seconds = 15;
  g_assert_true (fd_store_replace_phases (fx->store, acme, chat, phases, &error));
  g_assert_no_error (error);
  g_assert_true (fd_store_delete_agent (fx->store, acme, bob, &error));
  got = fd_store_list_phases (fx->store, acme, chat, &error);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpint (((FdPhase *) got->pdata[0])->strategy, ==, FD_STRATEGY_LONGEST_IDLE);
  g_assert_cmpuint (((FdPhase *) got->pdata[0])->agent_ids->len, ==, 0);
}

static void
test_transactions (StoreFixture  *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  g_autoptr(GPtrArray) queues = NULL;
  gint64 last = -1;

  /* Rollback leaves nothing, events included. */
  g_assert_true (fd_store_begin (fx->store, &error));
  g_assert_true (fd_store_in_transaction (fx->store));
  make_queue (fx->store, acme, "Sales");
  make_agent (fx->store, acme, "alice@acme.test");
  g_assert_true (fd_store_append_event (fx->store, acme, "queue-created", 0, 0, 0, "{}", NULL, &error));
  fd_store_rollback (fx->store);
  g_assert_false (fd_store_in_transaction (fx->store));
  queues = fd_store_list_queues (fx->store, acme, &error);
  g_assert_cmpuint (queues->len, ==, 0);
  g_clear_pointer (&queues, g_ptr_array_unref);
  g_assert_true (fd_store_get_last_event_seq (fx->store, acme, &last, &error));
  g_assert_cmpint (last, ==, 0);

  /* A failing inner call (a savepoint) rolls back only itself. */
  g_assert_true (fd_store_begin (fx->store, &error));
  make_queue (fx->store, acme, "Sales");
  {
    g_autoptr(FdQueue) bad = fd_queue_new ();

    bad->organization_id = acme;
    bad->name = g_strdup ("");
    g_assert_false (fd_store_create_queue (fx->store, bad, &error));
    g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
    g_clear_error (&error);
  }
  {
    /* Multi-statement calls open their own nested savepoint. */
    g_assert_false (fd_store_delete_agent (fx->store, acme, 12345, &error));
    g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_assert_true (fd_store_commit (fx->store, &error));
  g_assert_no_error (error);
  queues = fd_store_list_queues (fx->store, acme, &error);
  g_assert_cmpuint (queues->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST_ADD ("organizations", test_organizations);
  STORE_TEST_ADD ("agents", test_agents);
  STORE_TEST_ADD ("queues-and-members", test_queues_and_members);
  STORE_TEST_ADD ("cascade-delete-organization", test_cascade_delete_organization);
  STORE_TEST_ADD ("streams", test_streams);
  STORE_TEST_ADD ("phases", test_phases);
  STORE_TEST_ADD ("transactions", test_transactions);

  return g_test_run ();
}
