#include "store-test.h"

#include <stdarg.h>
#include <string.h>

#define T0 G_GINT64_CONSTANT (1700000000000000)

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
test_contacts_and_conversations (StoreFixture  *fx,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 zed = make_agent (fx->store, beta, "zed@beta.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 support = make_queue (fx->store, acme, "Support");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  gint64 callback = make_stream (fx->store, acme, support, FD_STREAM_CALLBACK, "Callback");
  gint64 beta_q = make_queue (fx->store, beta, "Beta");
  gint64 beta_chat = make_stream (fx->store, beta, beta_q, FD_STREAM_WEBCHAT, "Beta chat");
  g_autoptr(FdConversation) conv = fd_conversation_new ();
  g_autoptr(FdConversation) got = NULL;
  g_autoptr(FdContact) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  gint64 queues[] = { sales, support };
  gint64 c1, c2, c3;

  conv->organization_id = acme;
  conv->stream_id = callback;
  conv->contact = fd_contact_new ();
  conv->contact->name = g_strdup ("Carol");
  conv->contact->phone = g_strdup ("+1 (555) 010-0000");
  conv->callback_number = g_strdup ("+1 555 0100000");
  conv->callback_time = g_strdup ("after 5pm");
  conv->created_at = T0;
  g_assert_true (fd_store_create_conversation (fx->store, conv, &error));
  g_assert_no_error (error);
  c1 = conv->id;
  g_assert_cmpint (conv->kind, ==, FD_STREAM_CALLBACK);
  g_assert_cmpint (conv->queue_id, ==, support);
  g_assert_cmpint (conv->contact_id, >, 0);
  g_assert_cmpint (conv->contact->id, ==, conv->contact_id);

  /* The same phone, written differently, finds the same contact. */
  found = fd_store_find_contact (fx->store, acme, NULL, "+15550100000", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, conv->contact_id);
  g_assert_cmpstr (found->name, ==, "Carol");
  g_clear_pointer (&found, fd_contact_free);
  found = fd_store_find_contact (fx->store, beta, NULL, "+15550100000", &error);
  g_assert_null (found);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  c2 = make_conversation (fx->store, acme, chat, "Dave@Example.test", T0 + 10);
  c3 = make_conversation (fx->store, acme, chat, "dave@example.TEST", T0 + 5);
  got = fd_store_get_conversation (fx->store, acme, c2, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got->contact);
  g_assert_cmpstr (got->contact->email, ==, "Dave@Example.test");
  {
    g_autoptr(FdConversation) got3 = fd_store_get_conversation (fx->store, acme, c3, FALSE, &error);

    g_assert_no_error (error);
    g_assert_null (got3->contact);
    /* Found by email, case-insensitively: one contact for both. */
    g_assert_cmpint (got3->contact_id, ==, got->contact_id);
  }

  /* A stream of another organization is refused. */
  {
    g_autoptr(FdConversation) bad = fd_conversation_new ();

    bad->organization_id = acme;
    bad->stream_id = beta_chat;
    bad->contact_id = got->contact_id;
    g_assert_false (fd_store_create_conversation (fx->store, bad, &error));
    g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_clear_pointer (&got, fd_conversation_free);
  got = fd_store_get_conversation (fx->store, beta, c2, TRUE, &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Unreserved of both queues: oldest first across them. */
  list = fd_store_list_unreserved_conversations (fx->store, acme, queues, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpint (((FdConversation *) list->pdata[0])->id, ==, c1);
  g_assert_cmpint (((FdConversation *) list->pdata[1])->id, ==, c3);
  g_assert_cmpint (((FdConversation *) list->pdata[2])->id, ==, c2);
  g_assert_nonnull (((FdConversation *) list->pdata[0])->contact);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_unreserved_conversations (fx->store, acme, queues, 1, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Reserve c2 by Alice. */
  got = fd_store_get_conversation (fx->store, acme, c2, FALSE, &error);
  got->state = FD_CONVERSATION_RESERVED;
  got->agent_id = alice;
  got->reserved_at = got->first_assigned_at = T0 + 20;
  got->unread = 2;
  g_assert_true (fd_store_update_conversation (fx->store, got, &error));
  g_assert_no_error (error);
  /* An agent of another organization cannot reserve it. */
  got->agent_id = zed;
  g_assert_false (fd_store_update_conversation (fx->store, got, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  got->agent_id = alice;
  got->rating = 9;
  g_assert_false (fd_store_update_conversation (fx->store, got, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  list = fd_store_list_conversations_by_agent (fx->store, acme, alice, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((FdConversation *) list->pdata[0])->unread, ==, 2);
  g_assert_cmpint (((FdConversation *) list->pdata[0])->reserved_at, ==, T0 + 20);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_conversations_by_state (fx->store, acme, FD_CONVERSATION_UNRESERVED, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Closing keeps it in the agent's history but not in the open list. */
  got->state = FD_CONVERSATION_CLOSED;
  got->closed_at = T0 + 30;
  got->rating = 4;
  got->comment = g_strdup ("Thanks");
  g_assert_true (fd_store_update_conversation (fx->store, got, &error));
  list = fd_store_list_conversations_by_agent (fx->store, acme, alice, TRUE, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_conversations_by_agent (fx->store, acme, alice, FALSE, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((FdConversation *) list->pdata[0])->comment, ==, "Thanks");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A contact with conversations cannot be deleted. */
  g_assert_false (fd_store_delete_contact (fx->store, acme, got->contact_id, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  /* Deleting the agent keeps the conversation, unassigned. */
  g_assert_true (fd_store_delete_agent (fx->store, acme, alice, &error));
  g_clear_pointer (&got, fd_conversation_free);
  got = fd_store_get_conversation (fx->store, acme, c2, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->agent_id, ==, 0);
  g_assert_cmpint (got->state, ==, FD_CONVERSATION_CLOSED);
}

static void
test_contact_history (StoreFixture  *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  gint64 mail = make_stream (fx->store, acme, sales, FD_STREAM_EMAIL, "Mail");
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(FdConversation) first = NULL;
  gint64 ids[12];

  for (int i = 0; i < 12; i++)
    ids[i] = make_conversation (fx->store, acme, i % 2 ? chat : mail, "erin@example.test",
                                T0 + i * G_USEC_PER_SEC);
  make_conversation (fx->store, acme, chat, "other@example.test", T0 + 100 * G_USEC_PER_SEC);
  first = fd_store_get_conversation (fx->store, acme, ids[0], FALSE, &error);

  history = fd_store_list_contact_history (fx->store, acme, first->contact_id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, FD_STORE_HISTORY_LIMIT);
  for (guint i = 0; i < history->len; i++)
    {
      const FdConversation *c = history->pdata[i];

      g_assert_cmpint (c->id, ==, ids[11 - i]);
      g_assert_cmpint (c->contact_id, ==, first->contact_id);
      g_assert_nonnull (c->contact);
    }
  /* Both channels appear. */
  g_assert_cmpint (((FdConversation *) history->pdata[0])->kind, ==, FD_STREAM_WEBCHAT);
  g_assert_cmpint (((FdConversation *) history->pdata[1])->kind, ==, FD_STREAM_EMAIL);
  g_clear_pointer (&history, g_ptr_array_unref);
  history = fd_store_list_contact_history (fx->store, acme, first->contact_id, 3, &error);
  g_assert_cmpuint (history->len, ==, 3);
}

static void
test_messages_idempotent (StoreFixture  *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  gint64 conv = make_conversation (fx->store, acme, chat, "v@example.test", T0);
  gint64 conv2 = make_conversation (fx->store, acme, chat, "w@example.test", T0);
  g_autoptr(FdMessage) msg = fd_message_new ();
  g_autoptr(FdMessage) first = NULL;
  g_autoptr(FdMessage) again = NULL;
  g_autoptr(FdMessage) other = NULL;
  g_autoptr(FdMessage) reply = NULL;
  g_autoptr(GPtrArray) list = NULL;
  FdAttachment *attachment;
  gboolean duplicate = TRUE;
  gint64 count = 0;

  msg->organization_id = acme;
  msg->conversation_id = conv;
  msg->direction = FD_DIRECTION_IN;
  msg->author_name = g_strdup ("Visitor");
  msg->text = g_strdup ("Hello");
  msg->client_id = g_strdup ("client-1");
  first = fd_store_append_message (fx->store, msg, &duplicate, &error);
  g_assert_no_error (error);
  g_assert_false (duplicate);
  g_assert_cmpint (first->id, >, 0);
  g_assert_cmpint (first->created_at, >, 0);

  /* A resend, even with other text, returns the stored one. */
  g_free (msg->text);
  msg->text = g_strdup ("Hello (resent)");
  again = fd_store_append_message (fx->store, msg, &duplicate, &error);
  g_assert_no_error (error);
  g_assert_true (duplicate);
  g_assert_cmpint (again->id, ==, first->id);
  g_assert_cmpstr (again->text, ==, "Hello");
  g_assert_true (fd_store_count_messages (fx->store, acme, conv, &count, &error));
  g_assert_cmpint (count, ==, 1);

  /* The same client id in another conversation is another message. */
  msg->conversation_id = conv2;
  other = fd_store_append_message (fx->store, msg, &duplicate, &error);
  g_assert_no_error (error);
  g_assert_false (duplicate);
  g_assert_cmpint (other->id, !=, first->id);

  /* Another organization cannot write into the conversation. */
  msg->organization_id = beta;
  msg->conversation_id = conv;
  msg->client_id[0] = 'X';
  g_assert_null (fd_store_append_message (fx->store, msg, &duplicate, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Too long, and empty, messages are refused. */
  msg->organization_id = acme;
  g_free (msg->text);
  msg->text = g_strnfill (FD_STORE_MAX_TEXT + 1, 'a');
  g_assert_null (fd_store_append_message (fx->store, msg, &duplicate, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_free (msg->text);
  msg->text = NULL;
  g_assert_null (fd_store_append_message (fx->store, msg, &duplicate, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* An agent reply with an attachment and no client id. */
  g_clear_pointer (&msg, fd_message_free);
  msg = fd_message_new ();
  msg->organization_id = acme;
  msg->conversation_id = conv;
  msg->direction = FD_DIRECTION_OUT;
  msg->agent_id = alice;
  msg->text = g_strdup ("See attached");
  msg->attachments = fd_attachment_list_new ();
  attachment = fd_attachment_new ();
  attachment->name = g_strdup ("a.pdf");
  attachment->url = g_strdup ("https://files.test/a.pdf");
  attachment->mime_type = g_strdup ("application/pdf");
  attachment->size = 42;
  g_ptr_array_add (msg->attachments, attachment);
  reply = fd_store_append_message (fx->store, msg, &duplicate, &error);
  g_assert_no_error (error);
  g_assert_false (duplicate);

  list = fd_store_list_messages (fx->store, acme, conv, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((FdMessage *) list->pdata[1])->agent_id, ==, alice);
  g_assert_cmpuint (((FdMessage *) list->pdata[1])->attachments->len, ==, 1);
  g_assert_true (fd_attachment_equal (((FdMessage *) list->pdata[1])->attachments->pdata[0], attachment));
  g_assert_null (((FdMessage *) list->pdata[0])->attachments);
  g_clear_pointer (&list, g_ptr_array_unref);
  /* Resume after the first message. */
  list = fd_store_list_messages (fx->store, acme, conv, first->id, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((FdMessage *) list->pdata[0])->id, ==, reply->id);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_messages (fx->store, beta, conv, 0, &error);
  g_assert_null (list);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
}

static void
test_offers (StoreFixture  *fx,
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
  gint64 conv = make_conversation (fx->store, acme, chat, "v@example.test", T0);
  FdOffer offer = { .conversation_id = conv, .agent_id = alice, .phase = 0,
                    .offered_at = T0, .bounce_at = T0 + 30 };
  g_autoptr(GPtrArray) list = NULL;

  g_assert_true (fd_store_put_offer (fx->store, acme, &offer, &error));
  offer.agent_id = bob;
  g_assert_true (fd_store_put_offer (fx->store, acme, &offer, &error));
  /* Putting again updates in place. */
  offer.phase = 1;
  offer.bounce_at = 0;
  g_assert_true (fd_store_put_offer (fx->store, acme, &offer, &error));
  g_assert_no_error (error);
  offer.agent_id = zed;
  g_assert_false (fd_store_put_offer (fx->store, acme, &offer, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  offer.agent_id = alice;
  g_assert_false (fd_store_put_offer (fx->store, beta, &offer, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  list = fd_store_list_offers_by_agent (fx->store, acme, bob, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((FdOffer *) list->pdata[0])->phase, ==, 1);
  g_assert_cmpint (((FdOffer *) list->pdata[0])->bounce_at, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_offers (fx->store, 0, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fd_store_list_offers (fx->store, beta, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (fd_store_delete_offer (fx->store, acme, conv, bob, &error));
  list = fd_store_list_offers (fx->store, acme, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_true (fd_store_delete_offer (fx->store, acme, conv, 0, &error));
  list = fd_store_list_offers (fx->store, acme, &error);
  g_assert_cmpuint (list->len, ==, 0);
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

/* The canned replies @agent sees for @search: @n of them, the first ones
 * named as the arguments that follow, in order (NULL-terminated). */
static void
assert_visible_replies (StoreFixture  *fx,
                        gint64         organization_id,
                        gint64         agent_id,
                        const char    *search,
                        guint          n,
                        ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) visible = NULL;
  const char *name;
  va_list ap;
  guint i = 0;

  visible = fd_store_list_visible_canned_replies (fx->store, organization_id, agent_id, search, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visible->len, ==, n);
  va_start (ap, n);
  while ((name = va_arg (ap, const char *)) != NULL)
    {
      g_assert_cmpuint (i, <, visible->len);
      g_assert_cmpstr (((FdCannedReply *) visible->pdata[i])->name, ==, name);
      i++;
    }
  va_end (ap);
}

static void
test_library_visibility (StoreFixture  *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 bob = make_agent (fx->store, acme, "bob@acme.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 support = make_queue (fx->store, acme, "Support");
  gint64 sales_chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Sales chat");
  gint64 support_chat = make_stream (fx->store, acme, support, FD_STREAM_WEBCHAT, "Support chat");
  gint64 beta_agent = make_agent (fx->store, beta, "b@beta.test");
  struct { FdLevel level; gint64 owner; const char *name; const char *text; } replies[] = {
    { FD_LEVEL_ORGANIZATION, 0, "Greeting", "Hello! How can I help?" },
    { FD_LEVEL_QUEUE, 0, "Sales pitch", "Our prices start at 10% off" },
    { FD_LEVEL_QUEUE, 0, "Support hours", "We answer 9 to 5" },
    { FD_LEVEL_STREAM, 0, "Chat closing", "Thanks for chatting_with us" },
    { FD_LEVEL_STREAM, 0, "Support chat only", "Have you tried turning it off?" },
    { FD_LEVEL_AGENT, 0, "Alice sign-off", "Cheers, ÉLODIE-style" },
    { FD_LEVEL_AGENT, 0, "Bob sign-off", "Bye" },
  };
  g_autoptr(GPtrArray) visible = NULL;
  g_autoptr(FdCannedReply) reply = NULL;
  g_autoptr(FdResource) resource = fd_resource_new ();

  replies[1].owner = sales;
  replies[2].owner = support;
  replies[3].owner = sales_chat;
  replies[4].owner = support_chat;
  replies[5].owner = alice;
  replies[6].owner = bob;
  g_assert_true (fd_store_add_queue_member (fx->store, acme, sales, alice, &error));
  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_autoptr(FdCannedReply) r = fd_canned_reply_new ();

      r->organization_id = acme;
      r->level = replies[i].level;
      r->owner_id = replies[i].owner;
      r->name = g_strdup (replies[i].name);
      r->text = g_strdup (replies[i].text);
      g_assert_true (fd_store_create_canned_reply (fx->store, r, &error));
      g_assert_no_error (error);
    }

  /* Owners of another organization, or a missing owner, are refused. */
  reply = fd_canned_reply_new ();
  reply->organization_id = acme;
  reply->level = FD_LEVEL_AGENT;
  reply->owner_id = beta_agent;
  reply->name = g_strdup ("x");
  reply->text = g_strdup ("y");
  g_assert_false (fd_store_create_canned_reply (fx->store, reply, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  reply->level = FD_LEVEL_ORGANIZATION;
  g_assert_false (fd_store_create_canned_reply (fx->store, reply, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Alice: organization + Sales queue + Sales chat stream + her own. */
  assert_visible_replies (fx, acme, alice, NULL, 4,
                          "Alice sign-off", "Chat closing", "Greeting", "Sales pitch", NULL);
  /* Bob is in no queue: organization + his own. */
  assert_visible_replies (fx, acme, bob, "", 2, NULL);
  /* Search: % and _ are literal; case-insensitive, beyond ASCII too. */
  assert_visible_replies (fx, acme, alice, "10%", 1, "Sales pitch", NULL);
  assert_visible_replies (fx, acme, alice, "%", 1, NULL);
  assert_visible_replies (fx, acme, alice, "g_w", 1, "Chat closing", NULL);
  assert_visible_replies (fx, acme, alice, "_", 1, NULL);
  assert_visible_replies (fx, acme, alice, "élodie", 1, NULL);
  assert_visible_replies (fx, acme, alice, "HELLO", 1, NULL);
  /* Support's replies stay invisible to Alice even when searched. */
  assert_visible_replies (fx, acme, alice, "Support", 0, NULL);
  /* Another organization sees none of them. */
  assert_visible_replies (fx, beta, beta_agent, NULL, 0, NULL);

  /* Resources: search also covers url and description. */
  resource->organization_id = acme;
  resource->level = FD_LEVEL_QUEUE;
  resource->owner_id = sales;
  resource->name = g_strdup ("Price list");
  resource->url = g_strdup ("https://acme.test/prices_2026.pdf");
  resource->description = g_strdup ("Current PRICES");
  g_assert_true (fd_store_create_resource (fx->store, resource, &error));
  g_assert_no_error (error);
  visible = fd_store_list_visible_resources (fx->store, acme, alice, "prices_2026", &error);
  g_assert_cmpuint (visible->len, ==, 1);
  g_assert_true (fd_resource_equal (visible->pdata[0], resource));
  g_clear_pointer (&visible, g_ptr_array_unref);
  visible = fd_store_list_visible_resources (fx->store, acme, alice, "current prices", &error);
  g_assert_cmpuint (visible->len, ==, 1);
  g_clear_pointer (&visible, g_ptr_array_unref);
  visible = fd_store_list_visible_resources (fx->store, acme, bob, NULL, &error);
  g_assert_cmpuint (visible->len, ==, 0);
  g_clear_pointer (&visible, g_ptr_array_unref);

  /* Update and delete, scoped by organization. */
  g_free (resource->name);
  resource->name = g_strdup ("Prices");
  g_assert_true (fd_store_update_resource (fx->store, resource, &error));
  resource->organization_id = beta;
  resource->level = FD_LEVEL_ORGANIZATION;
  resource->owner_id = 0;
  g_assert_false (fd_store_update_resource (fx->store, resource, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (fd_store_delete_resource (fx->store, beta, resource->id, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autoptr(FdResource) got = fd_store_get_resource (fx->store, acme, resource->id, &error);

    g_assert_cmpstr (got->name, ==, "Prices");
  }

  /* Deleting the Sales queue's stream owner: deleting the agent Alice takes
   * her canned reply along. */
  g_assert_true (fd_store_delete_agent (fx->store, acme, alice, &error));
  visible = fd_store_list_canned_replies (fx->store, acme, &error);
  g_assert_cmpuint (visible->len, ==, G_N_ELEMENTS (replies) - 1);
}

static void
test_contacts_crud (StoreFixture  *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  g_autoptr(FdContact) contact = fd_contact_new ();
  g_autoptr(FdContact) got = NULL;
  g_autoptr(GPtrArray) list = NULL;

  contact->organization_id = acme;
  contact->name = g_strdup ("Frank");
  contact->email = g_strdup ("frank@example.test");
  contact->twitter_handle = g_strdup ("@frank");
  g_assert_true (fd_store_create_contact (fx->store, contact, &error));
  g_assert_no_error (error);

  got = fd_store_get_contact (fx->store, acme, contact->id, &error);
  g_assert_no_error (error);
  g_assert_true (fd_contact_equal (got, contact));
  g_clear_pointer (&got, fd_contact_free);
  got = fd_store_get_contact (fx->store, beta, contact->id, &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Update changes what find() matches. */
  g_free (contact->email);
  contact->email = g_strdup ("FRANK@new.test");
  contact->crm_label = g_strdup ("(Salesforce Lead)");
  g_assert_true (fd_store_update_contact (fx->store, contact, &error));
  g_assert_no_error (error);
  got = fd_store_find_contact (fx->store, acme, "frank@example.test", NULL, &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got = fd_store_find_contact (fx->store, acme, "frank@NEW.test", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->crm_label, ==, "(Salesforce Lead)");
  g_clear_pointer (&got, fd_contact_free);
  /* Neither an email nor a phone finds nothing, without failing. */
  got = fd_store_find_contact (fx->store, acme, NULL, "no digits", &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  contact->organization_id = beta;
  g_assert_false (fd_store_update_contact (fx->store, contact, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  list = fd_store_list_contacts (fx->store, acme, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_false (fd_store_delete_contact (fx->store, beta, contact->id, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (fd_store_delete_contact (fx->store, acme, contact->id, &error));
  g_assert_no_error (error);
  list = fd_store_list_contacts (fx->store, acme, &error);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_canned_reply_crud (StoreFixture  *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 beta = make_org (fx->store, "Beta");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  g_autoptr(FdCannedReply) reply = fd_canned_reply_new ();
  g_autoptr(FdCannedReply) got = NULL;
  g_autoptr(GPtrArray) list = NULL;

  reply->organization_id = acme;
  reply->level = FD_LEVEL_QUEUE;
  reply->owner_id = sales;
  reply->name = g_strdup ("Hi");
  reply->text = g_strdup ("");
  g_assert_false (fd_store_create_canned_reply (fx->store, reply, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_free (reply->text);
  reply->text = g_strdup ("Hello there");
  g_assert_true (fd_store_create_canned_reply (fx->store, reply, &error));
  g_assert_no_error (error);

  reply->level = FD_LEVEL_ORGANIZATION;
  reply->owner_id = 0;
  g_assert_true (fd_store_update_canned_reply (fx->store, reply, &error));
  got = fd_store_get_canned_reply (fx->store, acme, reply->id, &error);
  g_assert_no_error (error);
  g_assert_true (fd_canned_reply_equal (got, reply));
  g_clear_pointer (&got, fd_canned_reply_free);
  got = fd_store_get_canned_reply (fx->store, beta, reply->id, &error);
  g_assert_null (got);
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting the queue takes its queue-level replies along. */
  reply->level = FD_LEVEL_QUEUE;
  reply->owner_id = sales;
  g_assert_true (fd_store_update_canned_reply (fx->store, reply, &error));
  g_assert_true (fd_store_delete_queue (fx->store, acme, sales, &error));
  g_assert_no_error (error);
  list = fd_store_list_canned_replies (fx->store, acme, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_false (fd_store_delete_canned_reply (fx->store, acme, reply->id, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/store/" path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

  ADD ("organizations", test_organizations);
  ADD ("agents", test_agents);
  ADD ("queues-and-members", test_queues_and_members);
  ADD ("cascade-delete-organization", test_cascade_delete_organization);
  ADD ("streams", test_streams);
  ADD ("phases", test_phases);
  ADD ("contacts-and-conversations", test_contacts_and_conversations);
  ADD ("contact-history", test_contact_history);
  ADD ("messages-idempotent", test_messages_idempotent);
  ADD ("offers", test_offers);
  ADD ("transactions", test_transactions);
  ADD ("library-visibility", test_library_visibility);
  ADD ("contacts-crud", test_contacts_crud);
  ADD ("canned-reply-crud", test_canned_reply_crud);

  return g_test_run ();
}
