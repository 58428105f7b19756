/* The shared plumbing of the app's objects: table-driven properties
 * (fd-properties) and the GListModel over an array (FdArrayModel), on a
 * small type of this test's own. */

#include "fd-array-model.h"
#include "fd-connection.h"
#include "fd-properties.h"

/* --- a type with one property of every kind the table knows --------------- */

#define TEST_TYPE_THING (test_thing_get_type ())
G_DECLARE_FINAL_TYPE (TestThing, test_thing, TEST, THING, GObject)

struct _TestThing
{
  GObject            parent_instance;

  gboolean           flag;
  gint               count;
  guint              total;
  gint64             id;
  char              *label;
  FdConnectionState  state;
  char              *name;      /* construct-only, through a setter */
};

G_DEFINE_FINAL_TYPE (TestThing, test_thing, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FLAG,
  PROP_COUNT,
  PROP_TOTAL,
  PROP_ID,
  PROP_LABEL,
  PROP_STATE,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean test_thing_get_flag (TestThing *self) { return self->flag; }
static gint test_thing_get_count (TestThing *self) { return self->count; }
static guint test_thing_get_total (TestThing *self) { return self->total; }
static gint64 test_thing_get_id (TestThing *self) { return self->id; }
static const char *test_thing_get_label (TestThing *self) { return self->label; }
static FdConnectionState test_thing_get_state (TestThing *self) { return self->state; }
static const char *test_thing_get_name (TestThing *self) { return self->name; }

static void
test_thing_set_id (TestThing *self,
                   gint64     id)
{
  self->id = id;
}

static void
test_thing_set_flag (TestThing *self,
                     gboolean   flag)
{
  fd_properties_set_boolean (G_OBJECT (self), &self->flag, flag, properties[PROP_FLAG]);
}

static void
test_thing_set_name (TestThing  *self,
                     const char *name)
{
  self->name = g_strdup (name);
}

static const FdProperty property_table[N_PROPS] = {
  [PROP_FLAG] = { .name = "flag", .type = G_TYPE_BOOLEAN, .default_value = TRUE,
                  .getter = G_CALLBACK (test_thing_get_flag), .setter = G_CALLBACK (test_thing_set_flag),
                  .flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY },
  [PROP_COUNT] = FD_PROPERTY_INT ("count", test_thing_get_count, -1, -1),
  [PROP_TOTAL] = FD_PROPERTY_UINT ("total", test_thing_get_total),
  [PROP_ID] = { .name = "id", .type = G_TYPE_INT64, .getter = G_CALLBACK (test_thing_get_id),
                .setter = G_CALLBACK (test_thing_set_id), .flags = G_PARAM_READWRITE },
  [PROP_LABEL] = FD_PROPERTY_STRING ("label", test_thing_get_label, ""),
  [PROP_STATE] = FD_PROPERTY_ENUM ("state", test_thing_get_state, fd_connection_state_get_type,
                                   FD_CONNECTION_STATE_DISCONNECTED),
  [PROP_NAME] = { .name = "name", .type = G_TYPE_STRING, .getter = G_CALLBACK (test_thing_get_name),
                  .setter = G_CALLBACK (test_thing_set_name), .flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY },
};

static void
test_thing_finalize (GObject *object)
{
  TestThing *self = TEST_THING (object);

  g_free (self->label);
  g_free (self->name);
  G_OBJECT_CLASS (test_thing_parent_class)->finalize (object);
}

static void
test_thing_class_init (TestThingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_thing_finalize;
  fd_properties_install (G_OBJECT_CLASS (klass), property_table, properties, N_PROPS);
}

static void
test_thing_init (TestThing *self)
{
  self->flag = TRUE;
  self->count = -1;
  self->label = g_strdup ("");
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *n)
{
  (*n)++;
}

/* The param specs say what the table says. */
static void
test_properties_specs (void)
{
  GObjectClass *klass = g_type_class_ref (TEST_TYPE_THING);
  GParamSpec *pspec;

  pspec = g_object_class_find_property (klass, "count");
  g_assert_true (G_IS_PARAM_SPEC_INT (pspec));
  g_assert_cmpint (G_PARAM_SPEC_INT (pspec)->minimum, ==, -1);
  g_assert_cmpint (G_PARAM_SPEC_INT (pspec)->default_value, ==, -1);
  g_assert_true (pspec->flags & G_PARAM_READABLE);
  g_assert_false (pspec->flags & G_PARAM_WRITABLE);
  g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);

  pspec = g_object_class_find_property (klass, "flag");
  g_assert_true (G_IS_PARAM_SPEC_BOOLEAN (pspec));
  g_assert_true (G_PARAM_SPEC_BOOLEAN (pspec)->default_value);
  g_assert_true (pspec->flags & G_PARAM_WRITABLE);

  pspec = g_object_class_find_property (klass, "label");
  g_assert_cmpstr (G_PARAM_SPEC_STRING (pspec)->default_value, ==, "");
  pspec = g_object_class_find_property (klass, "state");
  g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
  g_assert_true (G_PARAM_SPEC_VALUE_TYPE (pspec) == FD_TYPE_CONNECTION_STATE);
  pspec = g_object_class_find_property (klass, "name");
  g_assert_true (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
  g_assert_true (G_IS_PARAM_SPEC_UINT (g_object_class_find_property (klass, "total")));
  g_assert_true (G_IS_PARAM_SPEC_INT64 (g_object_class_find_property (klass, "id")));
  g_type_class_unref (klass);
}

/* g_object_get() reads every kind through the getters; g_object_set()
 * writes through the setters. */
static void
test_properties_get_set (void)
{
  g_autoptr(TestThing) thing = g_object_new (TEST_TYPE_THING, "name", "Ada", NULL);
  g_autofree char *label = NULL;
  g_autofree char *name = NULL;
  gboolean flag = TRUE;
  gint count = 0;
  guint total = 0;
  gint64 id = 0;
  FdConnectionState state = FD_CONNECTION_STATE_DISCONNECTED;

  thing->flag = FALSE;
  thing->count = 7;
  thing->total = G_MAXUINT;
  thing->id = G_MAXINT64;
  g_free (thing->label);
  thing->label = g_strdup ("Sales");
  thing->state = FD_CONNECTION_STATE_CONNECTED;
  g_object_get (thing, "flag", &flag, "count", &count, "total", &total, "id", &id,
                "label", &label, "state", &state, "name", &name, NULL);
  g_assert_false (flag);
  g_assert_cmpint (count, ==, 7);
  g_assert_cmpuint (total, ==, G_MAXUINT);
  g_assert_cmpint (id, ==, G_MAXINT64);
  g_assert_cmpstr (label, ==, "Sales");
  g_assert_cmpint (state, ==, FD_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (name, ==, "Ada");

  g_object_set (thing, "flag", TRUE, "id", (gint64) 42, NULL);
  g_assert_true (thing->flag);
  g_assert_cmpint (thing->id, ==, 42);
}

/* The helpers notify only on a change; a NULL string reads as "". */
static void
test_properties_notify (void)
{
  g_autoptr(TestThing) thing = g_object_new (TEST_TYPE_THING, NULL);
  guint n_label = 0;
  guint n_count = 0;
  guint n_flag = 0;

  g_signal_connect (thing, "notify::label", G_CALLBACK (count_notify_cb), &n_label);
  g_signal_connect (thing, "notify::count", G_CALLBACK (count_notify_cb), &n_count);
  g_signal_connect (thing, "notify::flag", G_CALLBACK (count_notify_cb), &n_flag);

  g_assert_false (fd_properties_replace_string (G_OBJECT (thing), &thing->label, NULL, properties[PROP_LABEL]));
  g_assert_true (fd_properties_replace_string (G_OBJECT (thing), &thing->label, "a", properties[PROP_LABEL]));
  g_assert_false (fd_properties_replace_string (G_OBJECT (thing), &thing->label, "a", properties[PROP_LABEL]));
  g_assert_true (fd_properties_replace_string (G_OBJECT (thing), &thing->label, NULL, properties[PROP_LABEL]));
  g_assert_cmpstr (thing->label, ==, "");
  g_assert_cmpuint (n_label, ==, 2);

  g_assert_false (fd_properties_set_int (G_OBJECT (thing), &thing->count, -1, properties[PROP_COUNT]));
  g_assert_true (fd_properties_set_int (G_OBJECT (thing), &thing->count, 3, properties[PROP_COUNT]));
  g_assert_cmpuint (n_count, ==, 1);

  /* Any non-zero value is TRUE, and TRUE again is no change. */
  g_object_set (thing, "flag", FALSE, NULL);
  g_assert_true (fd_properties_set_boolean (G_OBJECT (thing), &thing->flag, 5, properties[PROP_FLAG]));
  g_assert_cmpint (thing->flag, ==, TRUE);
  g_assert_false (fd_properties_set_boolean (G_OBJECT (thing), &thing->flag, TRUE, properties[PROP_FLAG]));
  g_assert_cmpuint (n_flag, ==, 2);
}

/* --- FdArrayModel ---------------------------------------------------------- */

#define TEST_TYPE_LIST (test_list_get_type ())
G_DECLARE_FINAL_TYPE (TestList, test_list, TEST, LIST, FdArrayModel)

struct _TestList
{
  FdArrayModel parent_instance;
};

G_DEFINE_FINAL_TYPE (TestList, test_list, FD_TYPE_ARRAY_MODEL)

static void
test_list_class_init (TestListClass *klass)
{
  FD_ARRAY_MODEL_CLASS (klass)->item_type = TEST_TYPE_THING;
  FD_ARRAY_MODEL_CLASS (klass)->item_id = (gint64 (*) (gpointer)) test_thing_get_id;
}

static void
test_list_init (TestList *self)
{
}

typedef struct {
  guint position;
  guint removed;
  guint added;
  guint n_calls;
} Change;

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Change     *change)
{
  change->position = position;
  change->removed = removed;
  change->added = added;
  change->n_calls++;
}

static GPtrArray *
things (gint64 first,
        guint  n)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      TestThing *thing = g_object_new (TEST_TYPE_THING, NULL);

      thing->id = first + i;
      g_ptr_array_add (array, thing);
    }
  return array;
}

static void
test_array_model (void)
{
  TestList *list = g_object_new (TEST_TYPE_LIST, NULL);
  GListModel *model = G_LIST_MODEL (list);
  FdArrayModel *array_model = FD_ARRAY_MODEL (list);
  Change change = { 0 };
  g_autoptr(TestThing) second = NULL;
  guint position = 0;

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed_cb), &change);
  g_assert_true (g_list_model_get_item_type (model) == TEST_TYPE_THING);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  /* Empty for empty says nothing. */
  _fd_array_model_replace (array_model, things (1, 0));
  g_assert_cmpuint (change.n_calls, ==, 0);

  _fd_array_model_replace (array_model, things (10, 3));
  g_assert_cmpuint (change.n_calls, ==, 1);
  g_assert_cmpuint (change.removed, ==, 0);
  g_assert_cmpuint (change.added, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_null (g_list_model_get_item (model, 3));

  second = g_list_model_get_item (model, 1);
  g_assert_true (_fd_array_model_lookup (array_model, 11) == second);
  g_assert_true (_fd_array_model_find (array_model, 12, &position));
  g_assert_cmpuint (position, ==, 2);
  g_assert_false (_fd_array_model_find (array_model, 99, NULL));
  g_assert_null (_fd_array_model_lookup (array_model, 99));

  _fd_array_model_remove (array_model, 1);
  g_assert_cmpuint (change.n_calls, ==, 2);
  g_assert_cmpuint (change.position, ==, 1);
  g_assert_cmpuint (change.removed, ==, 1);
  g_assert_cmpuint (change.added, ==, 0);
  g_assert_null (_fd_array_model_lookup (array_model, 11));

  _fd_array_model_replace (array_model, things (20, 1));
  g_assert_cmpuint (change.n_calls, ==, 3);
  g_assert_cmpuint (change.position, ==, 0);
  g_assert_cmpuint (change.removed, ==, 2);
  g_assert_cmpuint (change.added, ==, 1);

  g_assert_finalize_object (list);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/properties/specs", test_properties_specs);
  g_test_add_func ("/properties/get-set", test_properties_get_set);
  g_test_add_func ("/properties/notify", test_properties_notify);
  g_test_add_func ("/array-model/changes", test_array_model);

  return g_test_run ();
}
