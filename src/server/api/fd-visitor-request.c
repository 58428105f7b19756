#define G_LOG_DOMAIN "fd-visitor-api"

#include "fd-visitor-request.h"

/* The body as a JSON object, refusing what fd_json_parse() refuses. */
static JsonNode *
parse_object (const char  *data,
              gsize        len,
              GError     **error)
{
  g_autoptr(JsonNode) node = fd_json_parse (data, len, FD_LIMIT_FRAME_SIZE, error);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                           "The request body must be a JSON object.");
      return NULL;
    }
  return g_steal_pointer (&node);
}

FdVisitorSessionRequest *
fd_visitor_request_parse_session (const char  *data,
                                  gsize        len,
                                  GError     **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  node = parse_object (data, len, error);
  return node != NULL ? fd_visitor_session_request_from_json (node, error) : NULL;
}

FdCallbackRequest *
fd_visitor_request_parse_callback (const char  *data,
                                   gsize        len,
                                   GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FdCallbackRequest) request = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  node = parse_object (data, len, error);
  request = node != NULL ? fd_callback_request_from_json (node, error) : NULL;
  if (request == NULL)
    return NULL;
  if (g_strstrip (request->number)[0] == '\0')
    {
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                           "A callback needs a phone number.");
      return NULL;
    }
  return g_steal_pointer (&request);
}
