"""The API's documentation page (/api/v1/docs/), for signed-in staff: drawn on the server
from the OpenAPI document itself, in the site's own layout. No script, nothing loaded from
elsewhere (our Content Security Policy allows neither), so it cannot drift from the API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView

from ..services import may_hold_token

METHOD_ORDER = ("get", "post", "put", "patch", "delete")


def _type_text(schema: dict, components: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        parts = [_type_text(s, components) for s in schema["anyOf"]]
        return " or ".join(dict.fromkeys(p for p in parts if p))
    if "enum" in schema:
        return "one of: " + ", ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return f"list of {_type_text(schema.get('items', {}), components)}"
    kind = schema.get("type", "")
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else kind


def _first_schema(content: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The schema of a body's or an answer's first media type ({} when it has none)."""
    for media in content.values():
        return media.get("schema", {})
    return {}


def _body_name(operation: dict) -> str:
    return _type_text(_first_schema(operation.get("requestBody", {}).get("content", {})), {})


def document(schema: dict) -> dict:
    components = schema.get("components", {}).get("schemas", {})
    groups: dict[str, list] = {}
    for path, methods in schema.get("paths", {}).items():
        for method in METHOD_ORDER:
            operation = methods.get(method)
            if operation is None:
                continue
            ok = [
                (
                    code,
                    _type_text(_first_schema(r.get("content", {})), components),
                )
                for code, r in operation.get("responses", {}).items()
                if str(code).startswith("2")
            ]
            groups.setdefault((operation.get("tags") or ["Other"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _type_text(p.get("schema", {}), components),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _body_name(operation),
                    "ok": ok,
                    "anchor": operation.get("operationId", f"{method}-{path}"),
                }
            )
    schemas = []
    for name, definition in sorted(components.items()):
        required = set(definition.get("required", []))
        schemas.append(
            {
                "name": name,
                "description": definition.get("description", ""),
                "fields": [
                    {
                        "name": field,
                        "type": _type_text(spec, components),
                        "required": field in required,
                        "description": spec.get("description", ""),
                    }
                    for field, spec in definition.get("properties", {}).items()
                ],
            }
        )
    return {"groups": sorted(groups.items()), "schemas": schemas}


class ApiDocsView(LoginRequiredMixin, TemplateView):
    template_name = "api/docs.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_hold_token(request.user):
            raise PermissionDenied("The API documentation is for staff.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from ..main import api

        context = super().get_context_data(**kwargs)
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        context.update(document(schema))
        info = dict(schema.get("info", {}))
        # The description is Markdown for tools; shown here as plain text.
        info["description"] = info.get("description", "").replace("**", "").replace("`", "")
        context["info"] = info
        return context
