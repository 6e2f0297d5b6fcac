#!/usr/bin/env python3
"""Checks a running `vetter serve` against its OpenAPI document.

usage: check_openapi.py BASE_URL ADMIN_KEY DATA_DIR

Loads the document the server serves at /openapi.yaml, validates it as OpenAPI 3.1 (openapi-spec-validator), then
calls every operation it documents — successes and the documented errors — and validates each request and response
against it (openapi-core). Fails if a documented operation was not exercised or a response does not conform.
DATA_DIR is the shared data folder: a list file from it is imported through POST /v1/imports.
"""
import json
import os
import re
import sys

import requests
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.deserializing.media_types.util import json_loads, plain_loads
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_spec_validator import validate

base, admin_key, data_dir = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []
exercised = set()

spec_text = requests.get(base + "/openapi.yaml", headers={"Authorization": "Bearer " + admin_key}).text
spec = yaml.safe_load(spec_text)
validate(spec)
spec["servers"] = [{"url": base}]  # the document names the default address; this server may listen elsewhere
text = {kind: plain_loads for kind in ("text/css", "text/csv", "application/x-ndjson")}
api = OpenAPI.from_dict(spec, config=Config(
    extra_media_type_deserializers={
        "application/problem+json": json_loads, "application/yaml": lambda value: yaml.safe_load(value), **text}))
documented = {(method.upper(), path) for path, item in spec["paths"].items() for method in item
              if method in ("get", "post", "put", "patch", "delete")}


def call(method, path, template=None, key=admin_key, expect=200, session=None, **kwargs):
    """Sends a request, checks its status, and validates request and response against the document."""
    headers = kwargs.pop("headers", {})
    if key:
        headers["Authorization"] = "Bearer " + key
    response = (session or requests).request(method, base + path, headers=headers, allow_redirects=False, **kwargs)
    exercised.add((method, template or path.split("?")[0]))
    if response.status_code != expect:
        failures.append(f"{method} {path}: status {response.status_code}, expected {expect}: {response.text[:300]}")
        return response
    try:
        openapi_request = RequestsOpenAPIRequest(response.request)
        if 200 <= expect < 300:  # the error cases send requests the document rules out, on purpose
            api.validate_request(openapi_request)
        api.validate_response(openapi_request, RequestsOpenAPIResponse(response))
    except Exception as error:  # every validation error names what is wrong
        detail = getattr(error, "__cause__", None) or error
        failures.append(f"{method} {path} ({response.status_code}): {type(error).__name__}: {detail}"[:1500])
    return response


call("GET", "/healthz", key=None)
call("GET", "/readyz", key=None)
call("GET", "/metrics")
call("GET", "/openapi.yaml")

call("POST", "/v1/screen", json={"name": "Hikvision", "country": "CN", "explain": True})
call("POST", "/v1/screen", json={"name": ""}, expect=400)
call("POST", "/v1/screen", key=None, json={"name": "Hikvision"}, expect=401)
lines = call("POST", "/v1/screen/batch", json=[{"id": "a", "name": "Hikvision"}, {"id": "b", "name": "Rim Abbas"}])
for line in lines.text.splitlines():
    row = json.loads(line)
    if set(row) != {"id", "matches", "screened_at", "list_version_ids"}:
        failures.append("a batch line does not have the fields id, matches, screened_at, list_version_ids: " + line[:200])
call("POST", "/v1/screen/batch", data="id,name\nc1,Dahua\n", headers={"Content-Type": "text/csv"})
call("POST", "/v1/check", json={"parties": [{"name": "Hikvision", "role": "end_user"}],
                                "items": [{"eccn": "EAR99"}, {"eccn": "1A004.c"}], "date": "2022-05-01"})
call("POST", "/v1/check", json={"parties": [], "items": [{"eccn": "EAR99"}]}, expect=400)

call("GET", "/v1/entries/f095626c9f8becc70b5948507fb6de6e443b257a", "/v1/entries/{id}")
call("GET", "/v1/entries/no-such-entry", "/v1/entries/{id}", expect=404)
call("GET", "/v1/lists")
call("GET", "/v1/versions?source=EL")

with open(os.path.join(data_dir, "bis", "dpl-2023-11.txt"), "rb") as handle:
    call("POST", "/v1/imports?filename=dpl-2023-11.txt", data=handle.read(),
         headers={"Content-Type": "application/octet-stream"}, expect=201)
call("POST", "/v1/imports?filename=bad.csv", data=b"not a list\n", headers={"Content-Type": "text/csv"}, expect=422)
call("GET", "/v1/diff?source=DPL")
call("GET", "/v1/diff?source=XX", expect=400)

call("POST", "/v1/watch", json=[{"id": "c-1", "name": "Hangzhou Hikvision", "country": "CN"},
                                 {"id": "c-2", "name": "Acme Widgets"}])
call("GET", "/v1/watch")
call("DELETE", "/v1/watch/c-2", "/v1/watch/{id}", expect=204)
call("DELETE", "/v1/watch/c-2", "/v1/watch/{id}", expect=404)
call("GET", "/v1/alerts?since=2020-01-01T00:00:00Z")
call("GET", "/v1/screenings?party=Hangzhou%20Hikvision&country=CN&limit=5")
call("GET", "/v1/screenings?limit=0", expect=400)
cases = call("GET", "/v1/cases?state=open").json()
if not cases:
    failures.append("no case was opened by the screenings above")
else:
    case_id = cases[0]["id"]
    call("GET", f"/v1/cases/{case_id}", template="/v1/cases/{id}")
    call("GET", "/v1/cases/999999", template="/v1/cases/{id}", expect=404)
    call("POST", f"/v1/cases/{case_id}/clear", template="/v1/cases/{id}/clear",
         json={"reason": "different_country", "note": "checked"})
    call("POST", f"/v1/cases/{case_id}/clear", template="/v1/cases/{id}/clear", json={"reason": "fine"}, expect=400)
    call("POST", f"/v1/cases/{case_id}/confirm", template="/v1/cases/{id}/confirm", json={"note": "same party"})
    call("GET", f"/v1/cases/{case_id}/export", template="/v1/cases/{id}/export")
    call("GET", f"/v1/cases/{case_id}/export?format=html", template="/v1/cases/{id}/export")
    call("GET", f"/v1/cases/{case_id}/export?format=pdf", template="/v1/cases/{id}/export", expect=400)
call("GET", "/v1/audit/verify")

screener = call("POST", "/v1/keys", json={"role": "screener", "name": "conformance"}, expect=201).json()["key"]
call("GET", "/v1/alerts", key=screener, expect=403)
call("GET", "/v1/audit/verify", key=screener, expect=403)
call("POST", "/v1/keys", json={"role": "boss"}, expect=400)
keys = call("GET", "/v1/keys").json()
screener_id = [key["id"] for key in keys if key["name"] == "conformance"][0]
call("DELETE", f"/v1/keys/{screener_id}", "/v1/keys/{id}", expect=204)
call("DELETE", f"/v1/keys/{screener_id}", "/v1/keys/{id}", expect=404)
call("GET", "/v1/lists", key=screener, expect=401)

web = requests.Session()
call("GET", "/ui/style.css", key=None, session=web)
call("GET", "/ui/login", key=None, session=web)
call("GET", "/ui/search", key=None, session=web, expect=303)
call("POST", "/ui/login", key=None, session=web, data={"key": admin_key}, expect=303)
call("GET", "/ui", key=None, session=web, expect=303)
call("GET", "/ui/search?q=Hikvision", key=None, session=web)
call("GET", "/ui/entries/f095626c9f8becc70b5948507fb6de6e443b257a", "/ui/entries/{id}", key=None, session=web)
call("GET", "/ui/lists", key=None, session=web)
call("GET", "/ui/alerts", key=None, session=web)
call("GET", "/ui/cases?state=open&party=hikvision", "/ui/cases", key=None, session=web)
web_cases = call("GET", "/v1/cases?party=hikvision").json()
if not web_cases:
    failures.append("the web search opened no case")
else:
    web_case = web_cases[0]["id"]
    page = call("GET", f"/ui/cases/{web_case}", "/ui/cases/{id}", key=None, session=web).text
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    if not token:
        failures.append("the case page carries no form token")
    token = token.group(1) if token else ""
    call("GET", "/ui/cases/999999", "/ui/cases/{id}", key=None, session=web, expect=404)
    call("POST", f"/ui/cases/{web_case}/decide", "/ui/cases/{id}/decide", key=None, session=web,
         data={"decision": "clear", "reason": "different_name"}, expect=403)
    call("POST", f"/ui/cases/{web_case}/decide", "/ui/cases/{id}/decide", key=None, session=web,
         data={"decision": "clear", "reason": "different_name", "csrf": token}, expect=303)
    call("GET", f"/ui/cases/{web_case}/export", "/ui/cases/{id}/export", key=None, session=web)
    call("GET", f"/ui/cases/{web_case}/export?format=json", "/ui/cases/{id}/export", key=None, session=web)
    call("GET", "/ui/party?key=hikvision%7C", "/ui/party", key=None, session=web)
call("POST", "/ui/logout", key=None, session=web, expect=403)
call("POST", "/ui/logout", key=None, session=web, data={"csrf": token if web_cases else ""}, expect=303)

for method, path in sorted(documented - exercised):
    failures.append(f"{method} {path} is documented but this check never called it")
for method, path in sorted(exercised - documented):
    failures.append(f"{method} {path} was called but is not documented")

if failures:
    print("\n".join("openapi check: " + failure for failure in failures), file=sys.stderr)
    sys.exit(1)
print(f"openapi check: {len(documented)} operations, every one called and every answer valid")
