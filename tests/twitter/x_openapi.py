"""A small JSON-Schema checker for X's OpenAPI subset
(tests/twitter/x-openapi-v2-subset.json), python3 stdlib only.

It knows exactly the keywords the subset uses: type, nullable, enum, pattern,
minLength, maxLength, minimum, maximum, minItems, maxItems, uniqueItems,
properties, required, additionalProperties, items, $ref, allOf, anyOf,
oneOf, discriminator (propertyName + mapping) and the formats date-time and
uri. Annotations (description, example, default, format int32/int64/binary)
are ignored. A keyword it does not know fails the check, so that a subset
that grows cannot be half-checked.
"""

import json
import os
import re
import urllib.parse

SUBSET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "x-openapi-v2-subset.json")

ANNOTATIONS = {"description", "example", "default", "title", "externalDocs", "readOnly", "writeOnly", "deprecated"}
KNOWN = ANNOTATIONS | {
    "type", "nullable", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
    "minItems", "maxItems", "uniqueItems", "properties", "required", "additionalProperties",
    "items", "$ref", "allOf", "anyOf", "oneOf", "discriminator", "format",
}
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class Spec:
    def __init__(self, path=SUBSET):
        with open(path) as f:
            self.doc = json.load(f)

    # --- references ---------------------------------------------------------
    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise KeyError("only local references: " + ref)
        node = self.doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    # --- validation ---------------------------------------------------------
    def validate(self, schema, value, where="$"):
        """The list of errors of @value against @schema (empty: valid)."""
        errors = []
        self._check(schema, value, where, errors, frozenset())
        return errors

    def _check(self, schema, value, where, errors, dispatched):
        unknown = set(schema) - KNOWN
        if unknown:
            errors.append("%s: the schema uses keywords this checker does not know: %s" % (where, sorted(unknown)))
            return
        if "$ref" in schema:
            # OpenAPI 3.0: siblings of $ref are ignored.
            name = schema["$ref"]
            target = self.resolve(name)
            self._check(target, value, where, errors, dispatched | {("ref", name)} if "discriminator" in target else dispatched)
            return
        if value is None and schema.get("nullable"):
            return
        t = schema.get("type")
        if t is not None and not self._type_ok(t, value):
            errors.append("%s: %s is not of type %s" % (where, self._short(value), t))
            return
        if "enum" in schema and value not in schema["enum"]:
            errors.append("%s: %s is not one of %s" % (where, self._short(value), schema["enum"]))
        if isinstance(value, str):
            if "pattern" in schema and re.search(schema["pattern"], value) is None:
                errors.append("%s: %s does not match %s" % (where, self._short(value), schema["pattern"]))
            if "minLength" in schema and len(value) < schema["minLength"]:
                errors.append("%s: shorter than %d" % (where, schema["minLength"]))
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                errors.append("%s: longer than %d" % (where, schema["maxLength"]))
            fmt = schema.get("format")
            if fmt == "date-time" and DATE_TIME.match(value) is None:
                errors.append("%s: %s is not an RFC 3339 date-time" % (where, self._short(value)))
            if fmt == "uri" and not urllib.parse.urlsplit(value).scheme:
                errors.append("%s: %s is not a URI" % (where, self._short(value)))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                errors.append("%s: %s is below %s" % (where, value, schema["minimum"]))
            if "maximum" in schema and value > schema["maximum"]:
                errors.append("%s: %s is above %s" % (where, value, schema["maximum"]))
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                errors.append("%s: fewer than %d items" % (where, schema["minItems"]))
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                errors.append("%s: more than %d items" % (where, schema["maxItems"]))
            if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
                errors.append("%s: items are not unique" % where)
            if "items" in schema:
                for i, item in enumerate(value):
                    self._check(schema["items"], item, "%s[%d]" % (where, i), errors, frozenset())
        if isinstance(value, dict):
            props = schema.get("properties", {})
            for name in schema.get("required", []):
                if name not in value:
                    errors.append("%s: the required member %s is missing" % (where, name))
            for name, member in value.items():
                if name in props:
                    self._check(props[name], member, "%s.%s" % (where, name), errors, frozenset())
                elif schema.get("additionalProperties") is False:
                    errors.append("%s: member %s is not allowed" % (where, name))
                elif isinstance(schema.get("additionalProperties"), dict):
                    self._check(schema["additionalProperties"], member, "%s.%s" % (where, name), errors, frozenset())
        for sub in schema.get("allOf", []):
            self._check(sub, value, where, errors, dispatched)
        if "anyOf" in schema:
            results = [self.validate(sub, value, where) for sub in schema["anyOf"]]
            if all(results):
                errors.append("%s: matches none of anyOf: %s" % (where, "; ".join(r[0] for r in results)))
        if "oneOf" in schema:
            results = [self.validate(sub, value, where) for sub in schema["oneOf"]]
            matched = sum(1 for r in results if not r)
            if matched != 1:
                errors.append("%s: matches %d of oneOf, not exactly one" % (where, matched))
        disc = schema.get("discriminator")
        if disc is not None and isinstance(value, dict) and ("disc", id(schema)) not in dispatched:
            tag = value.get(disc["propertyName"])
            target = disc.get("mapping", {}).get(tag)
            if target is None:
                errors.append("%s: %s %s has no schema in the discriminator's mapping" %
                              (where, disc["propertyName"], self._short(tag)))
            else:
                # The target is allOf [this schema, …]: do not dispatch again.
                self._check({"$ref": target}, value, where, errors, dispatched | {("disc", id(schema))})

    @staticmethod
    def _type_ok(t, value):
        return {
            "object": isinstance(value, dict),
            "array": isinstance(value, list),
            "string": isinstance(value, str),
            "boolean": isinstance(value, bool),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        }.get(t, False)

    @staticmethod
    def _short(value):
        text = json.dumps(value)
        return text if len(text) <= 60 else text[:57] + "..."

    # --- operations ---------------------------------------------------------
    def operation(self, method, path):
        """(operation, path parameters) of the subset's template matching @path."""
        for template, item in self.doc["paths"].items():
            names = re.findall(r"{([^}]+)}", template)
            regex = "^" + re.sub(r"{[^}]+}", "([^/]+)", template) + "$"
            m = re.match(regex, path)
            if m and method.lower() in item:
                return item[method.lower()], dict(zip(names, m.groups()))
        return None, None

    def parameters(self, operation):
        out = {}
        for p in operation.get("parameters", []):
            if "$ref" in p:
                p = self.resolve(p["$ref"])
            out[(p["in"], p["name"])] = p
        return out

    def parameter_errors(self, operation, path_params, query):
        """[(in, name, raw value or None, [errors])] of a request's path and
        query parameters (query: name → raw string), one row per fault."""
        out = []
        params = self.parameters(operation)
        for (where, name), p in params.items():
            if where == "path" and name not in path_params:
                out.append((where, name, None, ["path parameter %s is missing" % name]))
            if where == "query" and p.get("required") and name not in query:
                out.append((where, name, None, ["query parameter %s is required" % name]))
        for where, name, raw in [("path", k, v) for k, v in path_params.items()] + \
                [("query", k, v) for k, v in query.items()]:
            p = params.get((where, name))
            if p is None:
                out.append((where, name, raw, ["%s parameter %s is not in the operation" % (where, name)]))
                continue
            schema = p["schema"]
            target = self.resolve(schema["$ref"]) if "$ref" in schema else schema
            value = raw
            if target.get("type") == "array":
                value = raw.split(",")          # style form, explode false
            elif target.get("type") == "integer":
                value = int(raw) if re.fullmatch(r"-?[0-9]+", raw) else raw
            errors = self.validate(schema, value, "%s %s" % (where, name))
            if errors:
                out.append((where, name, raw, errors))
        return out

    def check_parameters(self, operation, path_params, query):
        """Errors of a request's path and query parameters."""
        return [e for row in self.parameter_errors(operation, path_params, query) for e in row[3]]

    def response_schema(self, operation, status, content_type):
        """The schema of an answer, or None when the operation has none for it."""
        responses = operation["responses"]
        response = responses.get(str(status)) or responses.get("default")
        if response is None:
            return None
        if "$ref" in response:
            response = self.resolve(response["$ref"])
        media = response.get("content", {}).get(content_type)
        return media["schema"] if media else None

    def request_schema(self, operation, content_type):
        media = operation.get("requestBody", {}).get("content", {}).get(content_type)
        return media["schema"] if media else None
