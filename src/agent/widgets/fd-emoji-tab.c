#define G_LOG_DOMAIN "fd-emoji-tab"

#include <glib/gi18n.h>

#include "fd-emoji-tab.h"

struct _FdEmojiTab
{
  FdConversationPart   parent_instance;

  GtkFlowBox          *box;
};

G_DEFINE_FINAL_TYPE (FdEmojiTab, fd_emoji_tab, FD_TYPE_CONVERSATION_PART)

enum {
  INSERT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A small set of common emoji with the names screen readers say. */
static const struct {
  const char *emoji;
  const char *name;
} emoji_table[] = {
  { "😀", N_("Grinning face") },
  { "🙂", N_("Slightly smiling face") },
  { "😉", N_("Winking face") },
  { "😂", N_("Face with tears of joy") },
  { "😍", N_("Smiling face with heart-eyes") },
  { "🤔", N_("Thinking face") },
  { "😮", N_("Face with open mouth") },
  { "😢", N_("Crying face") },
  { "🙁", N_("Slightly frowning face") },
  { "👍", N_("Thumbs up") },
  { "👎", N_("Thumbs down") },
  { "👋", N_("Waving hand") },
  { "🙏", N_("Folded hands") },
  { "👏", N_("Clapping hands") },
  { "🎉", N_("Party popper") },
  { "❤️", N_("Red heart") },
  { "✅", N_("Check mark button") },
  { "⭐", N_("Star") },
};

static void
on_button_clicked_cb (GtkButton  *button,
                      FdEmojiTab *self)
{
  g_signal_emit (self, signals[INSERT], 0, gtk_button_get_label (button));
}

static void
on_gesture_pressed_cb (GtkGestureClick *gesture,
                       gint             n_press,
                       double           x,
                       double           y,
                       FdEmojiTab      *self)
{
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (self));
  GtkWidget *button = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (model != NULL)
    fd_conversation_model_send_text (model, gtk_button_get_label (GTK_BUTTON (button)));
}

static void
fd_emoji_tab_class_init (FdEmojiTabClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  fd_conversation_part_class_set_template (widget_class, "fd-emoji-tab", 0);
  gtk_widget_class_bind_template_child (widget_class, FdEmojiTab, box);

  /* An emoji to put into the compose box at the cursor. */
  signals[INSERT] = g_signal_new ("insert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fd_emoji_tab_init (FdEmojiTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (emoji_table); i++)
    {
      GtkWidget *button = gtk_button_new_with_label (emoji_table[i].emoji);
      GtkGesture *gesture = gtk_gesture_click_new ();

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _(emoji_table[i].name));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(emoji_table[i].name), -1);
      g_signal_connect (button, "clicked", G_CALLBACK (on_button_clicked_cb), self);
      /* A right click sends the emoji at once (the guide's behaviour). */
      gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
      g_signal_connect (gesture, "pressed", G_CALLBACK (on_gesture_pressed_cb), self);
      gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (gesture));
      gtk_flow_box_append (self->box, button);
    }
}

GtkWidget *
fd_emoji_tab_get_button (FdEmojiTab *self,
                         guint       index)
{
  GtkFlowBoxChild *child;

  g_return_val_if_fail (FD_IS_EMOJI_TAB (self), NULL);
  child = gtk_flow_box_get_child_at_index (self->box, (int) MIN (index, G_MAXINT));
  return child != NULL ? gtk_flow_box_child_get_child (child) : NULL;
}
