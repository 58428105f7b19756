#include "fd-admin-test.h"

#include <string.h>

typedef struct {
  FdTestServer *server;
  char         *token;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = fd_test_server_new_started ();
  f->token = fd_admin_test_read_token (f->server);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  fd_test_server_stop (f->server);
  g_clear_pointer (&f->server, fd_test_server_free);
  g_clear_pointer (&f->token, g_free);
}

static JsonNode *
expect (Fixture    *f,
        const char *method,
        const char *path,
        const char *body,
        guint       status)
{
  return fd_admin_test_expect (f->server, f->token, method, path, body, status);
}

static gint64
create_org (Fixture    *f,
            const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\"}", name);
  g_autoptr(JsonNode) org = expect (f, "POST", "/organizations", body, 201);

  g_assert_cmpstr (fd_admin_test_get_string (org, "name"), ==, name);
  return fd_admin_test_get_int (org, "id");
}

static gint64
create_in (Fixture    *f,
           gint64      org,
           const char *collection,
           const char *body)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/%s", org, collection);
  g_autoptr(JsonNode) entity = expect (f, "POST", path, body, 201);

  g_assert_cmpint (fd_admin_test_get_int (entity, "organization_id"), ==, org);
  return fd_admin_test_get_int (entity, "id");
}

static guint
array_length (JsonNode *node)
{
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_get_length (json_node_get_array (node));
}

/* --- Authorization ------------------------------------------------------- */

static void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonNode) none = NULL;
  g_autoptr(JsonNode) wrong = NULL;
  g_autoptr(JsonNode) ok = NULL;

  none = fd_admin_test_expect (f->server, NULL, "GET", "/organizations", NULL, 401);
  fd_admin_test_assert_error (none, "unauthorized");

  wrong = fd_admin_test_expect (f->server, "fdk_not-the-token", "GET", "/organizations", NULL, 401);
  fd_admin_test_assert_error (wrong, "unauthorized");

  /* Changes are refused too, and nothing is created. */
  g_clear_pointer (&wrong, json_node_unref);
  wrong = fd_admin_test_expect (f->server, "fdk_x", "POST", "/organizations", "{\"name\":\"X\"}", 401);
  fd_admin_test_assert_error (wrong, "unauthorized");

  ok = expect (f, "GET", "/organizations", NULL, 200);
  g_assert_cmpuint (array_length (ok), ==, 0);
}

static void
test_token_survives_restart (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *again = NULL;
  g_autoptr(JsonNode) list = NULL;

  fd_test_server_stop (f->server);
  fd_test_server_start (f->server);
  again = fd_admin_test_read_token (f->server);
  g_assert_cmpstr (again, ==, f->token);
  list = expect (f, "GET", "/organizations", NULL, 200);
  g_assert_cmpuint (array_length (list), ==, 0);
}

/* --- Organizations ------------------------------------------------------- */

static void
test_organizations_crud (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) got = NULL;
  g_autoptr(JsonNode) updated = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autofree char *path = NULL;
  gint64 a, b;

  a = create_org (f, "Alpha");
  b = create_org (f, "Beta");
  g_assert_cmpint (a, !=, b);

  list = expect (f, "GET", "/organizations", NULL, 200);
  g_assert_cmpuint (array_length (list), ==, 2);

  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT, a);
  got = expect (f, "GET", path, NULL, 200);
  g_assert_cmpstr (fd_admin_test_get_string (got, "name"), ==, "Alpha");
  g_assert_cmpstr (fd_admin_test_get_string (got, "reserve_acd"), ==, "keep");

  /* Members absent from an update keep their value. */
  updated = expect (f, "PUT", path, "{\"reserve_acd\":\"wrap-up\"}", 200);
  g_assert_cmpstr (fd_admin_test_get_string (updated, "name"), ==, "Alpha");
  g_assert_cmpstr (fd_admin_test_get_string (updated, "reserve_acd"), ==, "wrap-up");
  g_clear_pointer (&updated, json_node_unref);
  updated = expect (f, "PATCH", path, "{\"name\":\"Alpha Two\"}", 200);
  g_assert_cmpstr (fd_admin_test_get_string (updated, "name"), ==, "Alpha Two");
  g_assert_cmpstr (fd_admin_test_get_string (updated, "reserve_acd"), ==, "wrap-up");

  g_clear_pointer (&missing, json_node_unref);
  missing = expect (f, "PUT", path, "{\"reserve_acd\":\"sometimes\"}", 400);
  fd_admin_test_assert_error (missing, "invalid-field");

  g_assert_null (expect (f, "DELETE", path, NULL, 204));
  g_clear_pointer (&missing, json_node_unref);
  missing = expect (f, "GET", path, NULL, 404);
  fd_admin_test_assert_error (missing, "not-found");
  g_clear_pointer (&missing, json_node_unref);
  missing = expect (f, "GET", "/organizations/999/agents", NULL, 404);
  fd_admin_test_assert_error (missing, "not-found");

  g_clear_pointer (&missing, json_node_unref);
  missing = expect (f, "POST", "/organizations", "{\"reserve_acd\":\"keep\"}", 400);
  fd_admin_test_assert_error (missing, "invalid-field");
}

/* --- Agents -------------------------------------------------------------- */

static void
test_agents_crud (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) agent = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) err = NULL;
  g_autofree char *path = NULL;
  g_autofree char *item = NULL;
  gint64 org = create_org (f, "Agents Inc");
  gint64 id;

  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/agents", org);
  agent = expect (f, "POST", path,
                  "{\"email\":\"Ann@Example.com\",\"name\":\"Ann\",\"role\":\"supervisor\",\"password\":\"correct horse\"}",
                  201);
  id = fd_admin_test_get_int (agent, "id");
  g_assert_cmpstr (fd_admin_test_get_string (agent, "role"), ==, "supervisor");
  g_assert_false (json_object_has_member (json_node_get_object (agent), "password"));
  g_assert_false (json_object_has_member (json_node_get_object (agent), "password_hash"));

  /* The email is unique server-wide, whatever its case. */
  err = expect (f, "POST", path,
                "{\"email\":\"ann@example.com\",\"name\":\"Ann 2\",\"password\":\"correct horse\"}", 409);
  fd_admin_test_assert_error (err, "conflict");

  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "POST", path, "{\"email\":\"bob@example.com\",\"name\":\"Bob\"}", 400);
  fd_admin_test_assert_error (err, "invalid-field");

  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "POST", path, "{\"email\":\"bob@example.com\",\"name\":\"Bob\",\"role\":\"boss\",\"password\":\"12345678\"}", 400);
  fd_admin_test_assert_error (err, "invalid-field");

  list = expect (f, "GET", path, NULL, 200);
  g_assert_cmpuint (array_length (list), ==, 1);

  item = g_strdup_printf ("%s/%" G_GINT64_FORMAT, path, id);
  g_clear_pointer (&agent, json_node_unref);
  agent = expect (f, "PUT", item, "{\"name\":\"Ann Smith\",\"password\":\"another secret\"}", 200);
  g_assert_cmpstr (fd_admin_test_get_string (agent, "name"), ==, "Ann Smith");
  g_assert_cmpstr (fd_admin_test_get_string (agent, "role"), ==, "supervisor");
  g_assert_false (json_object_has_member (json_node_get_object (agent), "password"));

  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "PUT", item, "{\"password\":\"short\"}", 400);
  fd_admin_test_assert_error (err, "invalid-field");

  g_assert_null (expect (f, "DELETE", item, NULL, 204));
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "GET", item, NULL, 404);
  fd_admin_test_assert_error (err, "not-found");
  g_assert_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (err), "error"), "message"),
                            "No agent with id"));
}

/* --- Queues and membership ----------------------------------------------- */

static void
test_queues_and_members (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonNode) queue = NULL;
  g_autoptr(JsonNode) members = NULL;
  g_autoptr(JsonNode) err = NULL;
  g_autofree char *path = NULL;
  gint64 org = create_org (f, "Queues Ltd");
  gint64 ann, bob, q;

  ann = create_in (f, org, "agents", "{\"email\":\"ann@q.example\",\"name\":\"Ann\",\"password\":\"password1\"}");
  bob = create_in (f, org, "agents", "{\"email\":\"bob@q.example\",\"name\":\"Bob\",\"password\":\"password2\"}");
  q = create_in (f, org, "queues", "{\"name\":\"Sales\"}");

  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                          org, q, ann);
  queue = expect (f, "PUT", path, NULL, 200);
  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                          org, q, bob);
  g_clear_pointer (&queue, json_node_unref);
  queue = expect (f, "PUT", path, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (queue), "member_ids")), ==, 2);

  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT "/members", org, q);
  members = expect (f, "GET", path, NULL, 200);
  g_assert_cmpuint (array_length (members), ==, 2);

  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                          org, q, ann);
  g_clear_pointer (&queue, json_node_unref);
  queue = expect (f, "DELETE", path, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (queue), "member_ids")), ==, 1);

  /* An unknown agent cannot be added. */
  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT "/members/4242", org, q);
  err = expect (f, "PUT", path, NULL, 404);
  fd_admin_test_assert_error (err, "not-found");

  /* Rename; member_ids in a body replace the membership. */
  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT, org, q);
  g_clear_pointer (&queue, json_node_unref);
  queue = expect (f, "PUT", path, "{\"name\":\"Sales EU\"}", 200);
  g_assert_cmpstr (fd_admin_test_get_string (queue, "name"), ==, "Sales EU");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (queue), "member_ids")), ==, 1);
  {
    g_autofree char *body = g_strdup_printf ("{\"member_ids\":[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]}", ann, bob);

    g_clear_pointer (&queue, json_node_unref);
    queue = expect (f, "PATCH", path, body, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (queue), "member_ids")), ==, 2);
  }

  g_assert_null (expect (f, "DELETE", path, NULL, 204));
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "GET", path, NULL, 404);
  fd_admin_test_assert_error (err, "not-found");
}

/* --- Streams and phases -------------------------------------------------- */

static void
test_streams_and_phases (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonNode) stream = NULL;
  g_autoptr(JsonNode) phases = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) err = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *phases_path = NULL;
  gint64 org = create_org (f, "Streams plc");
  gint64 ann, q, s;
  JsonObject *first;

  ann = create_in (f, org, "agents", "{\"email\":\"ann@s.example\",\"name\":\"Ann\",\"password\":\"password1\"}");
  q = create_in (f, org, "queues", "{\"name\":\"Support\"}");

  body = g_strdup_printf ("{\"kind\":\"webchat\",\"name\":\"Chat\",\"queue_id\":%" G_GINT64_FORMAT ","
                          "\"departments\":[\"Sales\",\"Billing\"],\"allowed_origins\":[\"http://localhost:8080\"],"
                          "\"settings_json\":\"{\\\"title\\\":\\\"Hi\\\"}\"}", q);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", org);
  stream = expect (f, "POST", path, body, 201);
  s = fd_admin_test_get_int (stream, "id");
  g_assert_cmpstr (fd_admin_test_get_string (stream, "kind"), ==, "webchat");
  g_assert_nonnull (fd_admin_test_get_string (stream, "key"));
  g_assert_cmpuint (strlen (fd_admin_test_get_string (stream, "key")), >, 8);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (stream), "departments")), ==, 2);

  /* A stream needs a queue of its own organization. */
  err = expect (f, "POST", path, "{\"kind\":\"email\",\"name\":\"Mail\",\"queue_id\":999}", 404);
  fd_admin_test_assert_error (err, "not-found");
  g_clear_pointer (&err, json_node_unref);
  g_free (body);
  body = g_strdup_printf ("{\"kind\":\"email\",\"name\":\"Mail\",\"queue_id\":%" G_GINT64_FORMAT ",\"settings_json\":\"[1]\"}", q);
  err = expect (f, "POST", path, body, 400);
  fd_admin_test_assert_error (err, "invalid-field");

  phases_path = g_strdup_printf ("%s/%" G_GINT64_FORMAT "/phases", path, s);
  g_free (body);
  body = g_strdup_printf ("[{\"strategy\":\"ring-all\",\"agent_ids\":[%" G_GINT64_FORMAT "],\"bounce_seconds\":30,\"duration_seconds\":60},"
                          "{\"strategy\":\"circular\",\"bounce_seconds\":20,\"duration_seconds\":120},"
                          "{\"strategy\":\"longest-idle\",\"bounce_seconds\":15}]", ann);
  phases = expect (f, "PUT", phases_path, body, 200);
  g_assert_cmpuint (array_length (phases), ==, 3);
  g_clear_pointer (&phases, json_node_unref);
  phases = expect (f, "GET", phases_path, NULL, 200);
  g_assert_cmpuint (array_length (phases), ==, 3);
  first = json_array_get_object_element (json_node_get_array (phases), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "strategy"), ==, "ring-all");
  g_assert_cmpint (json_object_get_int_member (first, "bounce_seconds"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (first, "duration_seconds"), ==, 60);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (phases), 2), "strategy"),
                   ==, "longest-idle");

  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "PUT", phases_path, "[{\"strategy\":\"random\"}]", 400);
  fd_admin_test_assert_error (err, "invalid-field");
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "PUT", phases_path, "{\"strategy\":\"ring-all\"}", 400);
  fd_admin_test_assert_error (err, "malformed");
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "PUT", phases_path, "[{\"strategy\":\"ring-all\",\"agent_ids\":[777]}]", 404);
  fd_admin_test_assert_error (err, "not-found");
  /* A refused change leaves the phases as they were. */
  g_clear_pointer (&phases, json_node_unref);
  phases = expect (f, "GET", phases_path, NULL, 200);
  g_assert_cmpuint (array_length (phases), ==, 3);

  /* Update keeps what the body does not name. */
  {
    g_autofree char *item = g_strdup_printf ("%s/%" G_GINT64_FORMAT, path, s);
    g_autofree char *key = g_strdup (fd_admin_test_get_string (stream, "key"));

    g_clear_pointer (&stream, json_node_unref);
    stream = expect (f, "PUT", item, "{\"name\":\"Website Chat\",\"allowed_origins\":[\"https://a.example\",\"https://b.example\"]}", 200);
    g_assert_cmpstr (fd_admin_test_get_string (stream, "name"), ==, "Website Chat");
    g_assert_cmpstr (fd_admin_test_get_string (stream, "key"), ==, key);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (stream), "allowed_origins")), ==, 2);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (stream), "departments")), ==, 2);

    /* Delete is soft, but the stream is gone from the admin API. */
    g_assert_null (expect (f, "DELETE", item, NULL, 204));
    g_clear_pointer (&err, json_node_unref);
    err = expect (f, "GET", item, NULL, 404);
    fd_admin_test_assert_error (err, "not-found");
    g_clear_pointer (&err, json_node_unref);
    err = expect (f, "GET", phases_path, NULL, 404);
    fd_admin_test_assert_error (err, "not-found");
    g_clear_pointer (&err, json_node_unref);
    err = expect (f, "DELETE", item, NULL, 404);
    fd_admin_test_assert_error (err, "not-found");
    list = expect (f, "GET", path, NULL, 200);
    g_assert_cmpuint (array_length (list), ==, 0);
  }
}

/* --- Canned replies and resources ---------------------------------------- */

static void
test_canned_and_resources (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonNode) entity = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) err = NULL;
  g_autofree char *body = NULL;
  g_autofree char *item = NULL;
  g_autofree char *path = NULL;
  gint64 org = create_org (f, "Canned Co");
  gint64 other = create_org (f, "Other Co");
  gint64 q, other_q, c, r;

  q = create_in (f, org, "queues", "{\"name\":\"Sales\"}");
  other_q = create_in (f, other, "queues", "{\"name\":\"Theirs\"}");

  create_in (f, org, "canned-replies", "{\"level\":\"organization\",\"name\":\"Hello\",\"text\":\"Hello there\"}");
  body = g_strdup_printf ("{\"level\":\"queue\",\"owner_id\":%" G_GINT64_FORMAT ",\"name\":\"Price\",\"text\":\"It costs\"}", q);
  c = create_in (f, org, "canned-replies", body);

  /* An owner of another organization is "not found". */
  g_free (body);
  body = g_strdup_printf ("{\"level\":\"queue\",\"owner_id\":%" G_GINT64_FORMAT ",\"name\":\"X\",\"text\":\"Y\"}", other_q);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/canned-replies", org);
  err = expect (f, "POST", path, body, 404);
  fd_admin_test_assert_error (err, "not-found");
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "POST", path, "{\"level\":\"organization\",\"name\":\"No text\"}", 400);
  fd_admin_test_assert_error (err, "invalid-field");

  list = expect (f, "GET", path, NULL, 200);
  g_assert_cmpuint (array_length (list), ==, 2);

  item = g_strdup_printf ("%s/%" G_GINT64_FORMAT, path, c);
  entity = expect (f, "PUT", item, "{\"text\":\"It costs $29\"}", 200);
  g_assert_cmpstr (fd_admin_test_get_string (entity, "text"), ==, "It costs $29");
  g_assert_cmpstr (fd_admin_test_get_string (entity, "level"), ==, "queue");
  g_assert_cmpint (fd_admin_test_get_int (entity, "owner_id"), ==, q);
  g_assert_null (expect (f, "DELETE", item, NULL, 204));

  /* The same item through the other organization's path is not found. */
  g_free (item);
  item = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT, other, q);
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "GET", item, NULL, 404);
  fd_admin_test_assert_error (err, "not-found");

  g_free (body);
  body = g_strdup_printf ("{\"level\":\"queue\",\"owner_id\":%" G_GINT64_FORMAT ",\"name\":\"KB\","
                          "\"url\":\"https://kb.example\",\"description\":\"Answers\"}", q);
  r = create_in (f, org, "resources", body);
  g_free (item);
  item = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/resources/%" G_GINT64_FORMAT, org, r);
  g_clear_pointer (&entity, json_node_unref);
  entity = expect (f, "PATCH", item, "{\"level\":\"organization\",\"description\":\"All answers\"}", 200);
  g_assert_cmpstr (fd_admin_test_get_string (entity, "level"), ==, "organization");
  g_assert_cmpstr (fd_admin_test_get_string (entity, "url"), ==, "https://kb.example");
  g_assert_cmpstr (fd_admin_test_get_string (entity, "description"), ==, "All answers");
  g_assert_null (expect (f, "DELETE", item, NULL, 204));
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "GET", item, NULL, 404);
  fd_admin_test_assert_error (err, "not-found");
}

/* --- Bad requests -------------------------------------------------------- */

static void
test_bad_requests (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonNode) err = NULL;
  g_autoptr(GString) big = g_string_new ("{\"name\":\"");
  gint64 org = create_org (f, "Bad Requests");
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/agents", org);

  err = expect (f, "POST", path, "{\"email\": \"a@b.example\",", 400);
  fd_admin_test_assert_error (err, "malformed");
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "POST", path, "[1,2,3]", 400);
  fd_admin_test_assert_error (err, "malformed");
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "POST", path, "", 400);
  fd_admin_test_assert_error (err, "malformed");
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "POST", path, "{\"email\": 42}", 400);
  fd_admin_test_assert_error (err, "invalid-field");

  /* Deep nesting is refused before it reaches the parser. */
  {
    g_autoptr(GString) deep = g_string_new (NULL);

    for (guint i = 0; i < 10000; i++)
      g_string_append_c (deep, '[');
    g_clear_pointer (&err, json_node_unref);
    err = expect (f, "POST", path, deep->str, 400);
    fd_admin_test_assert_error (err, "malformed");
  }

  while (big->len < 2 * 1024 * 1024)
    g_string_append (big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (big, "\"}");
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "POST", "/organizations", big->str, 413);
  fd_admin_test_assert_error (err, "too-large");

  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "GET", "/nothing-here", NULL, 404);
  fd_admin_test_assert_error (err, "not-found");
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "GET", "/organizations/abc", NULL, 404);
  fd_admin_test_assert_error (err, "not-found");
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "DELETE", "/organizations", NULL, 405);
  fd_admin_test_assert_error (err, "malformed");
}

static void
test_other_organization_ids (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(JsonNode) err = NULL;
  g_autofree char *path = NULL;
  gint64 mine = create_org (f, "Mine");
  gint64 theirs = create_org (f, "Theirs");
  gint64 agent = create_in (f, theirs, "agents", "{\"email\":\"t@t.example\",\"name\":\"T\",\"password\":\"password1\"}");
  gint64 queue = create_in (f, theirs, "queues", "{\"name\":\"Q\"}");
  gint64 my_queue = create_in (f, mine, "queues", "{\"name\":\"Mine\"}");
  const char *methods[] = { "GET", "PUT", "DELETE" };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_free (path);
      path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/agents/%" G_GINT64_FORMAT, mine, agent);
      g_clear_pointer (&err, json_node_unref);
      err = expect (f, methods[i], path, g_str_equal (methods[i], "PUT") ? "{\"name\":\"Stolen\"}" : NULL, 404);
      fd_admin_test_assert_error (err, "not-found");
    }

  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT "/members/%" G_GINT64_FORMAT,
                          mine, my_queue, agent);
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "PUT", path, NULL, 404);
  fd_admin_test_assert_error (err, "not-found");

  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", mine);
  {
    g_autofree char *body = g_strdup_printf ("{\"kind\":\"webchat\",\"name\":\"C\",\"queue_id\":%" G_GINT64_FORMAT "}", queue);

    g_clear_pointer (&err, json_node_unref);
    err = expect (f, "POST", path, body, 404);
    fd_admin_test_assert_error (err, "not-found");
  }

  /* Nothing of theirs changed. */
  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/agents/%" G_GINT64_FORMAT, theirs, agent);
  g_clear_pointer (&err, json_node_unref);
  err = expect (f, "GET", path, NULL, 200);
  g_assert_cmpstr (fd_admin_test_get_string (err, "name"), ==, "T");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/admin-api/unauthorized", test_unauthorized);
  ADD ("/admin-api/token-survives-restart", test_token_survives_restart);
  ADD ("/admin-api/organizations", test_organizations_crud);
  ADD ("/admin-api/agents", test_agents_crud);
  ADD ("/admin-api/queues", test_queues_and_members);
  ADD ("/admin-api/streams-and-phases", test_streams_and_phases);
  ADD ("/admin-api/canned-and-resources", test_canned_and_resources);
  ADD ("/admin-api/bad-requests", test_bad_requests);
  ADD ("/admin-api/other-organization", test_other_organization_ids);
#undef ADD

  return g_test_run ();
}
