"""/openapi.json is a valid OpenAPI 3.1 document, and real responses match the schemas it declares."""

import jsonschema
import pytest

openapi_spec_validator = pytest.importorskip("openapi_spec_validator")


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def validate(spec: dict, name: str, instance) -> None:
    """Validate ``instance`` against ``#/components/schemas/<name>`` (refs resolve inside the document)."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(instance)


def response_schema(spec: dict, path: str, method: str, status: int) -> str:
    content = spec["paths"][path][method]["responses"][str(status)]["content"]["application/json"]
    return content["schema"]["$ref"].rsplit("/", 1)[-1]


def test_document_is_valid_openapi_31(spec):
    openapi_spec_validator.validate(spec)
    assert spec["openapi"] == "3.1.0"


def test_every_route_is_documented(app, spec):
    routes = {rule.rule.removeprefix("/api/v1").replace("<category_id>", "{category_id}")
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")}
    assert routes == set(spec["paths"])


def test_limits_come_from_the_config(make_app):
    spec = make_app(MAX_BATCH_ITEMS=12).test_client().get("/openapi.json").get_json()
    assert spec["components"]["schemas"]["BatchRequest"]["oneOf"][1]["maxItems"] == 12


@pytest.mark.parametrize("explain", [True, False])
def test_classify_response(client, spec, scam_text, explain):
    body = client.post("/api/v1/classify", json={"text": scam_text, "explain": explain}).get_json()
    validate(spec, response_schema(spec, "/classify", "post", 200), body)
    validate(spec, "ClassifyRequest", {"text": scam_text, "explain": explain})


def test_batch_response(client, spec, scam_text):
    request = {"messages": [{"id": 1, "text": scam_text}, {"id": "x", "text": ""}, "你好"], "explain": True}
    validate(spec, "BatchRequest", request)
    body = client.post("/api/v1/classify/batch", json=request).get_json()
    validate(spec, response_schema(spec, "/classify/batch", "post", 200), body)


@pytest.mark.parametrize("path, schema_path", [
    ("/api/v1/typology", "/typology"),
    ("/api/v1/typology/romance", "/typology/{category_id}"),
    ("/api/v1/health", "/health"),
])
def test_get_responses(client, spec, path, schema_path):
    validate(spec, response_schema(spec, schema_path, "get", 200), client.get(path).get_json())


@pytest.mark.parametrize("method, path, kwargs, status, schema_path", [
    ("post", "/api/v1/classify", {"json": {"text": ""}}, 400, "/classify"),
    ("post", "/api/v1/classify", {"data": "x", "content_type": "text/plain"}, 415, "/classify"),
    ("post", "/api/v1/classify", {"json": {"text": "好" * 10_001}}, 413, "/classify"),
    ("post", "/api/v1/classify/batch", {"json": {"messages": 1}}, 400, "/classify/batch"),
    ("get", "/api/v1/typology/nope", {}, 404, "/typology/{category_id}"),
    ("get", "/api/v1/classify", {}, 405, "/classify"),
])
def test_error_responses(client, spec, method, path, kwargs, status, schema_path):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status
    method_in_spec = "post" if "classify" in schema_path else "get"
    validate(spec, response_schema(spec, schema_path, method_in_spec, status), response.get_json())


def test_schemas_reject_wrong_shapes(spec):
    with pytest.raises(jsonschema.ValidationError):
        validate(spec, "Error", {"error": "nope"})
    with pytest.raises(jsonschema.ValidationError):
        validate(spec, "ClassifyRequest", {"text": 3})
