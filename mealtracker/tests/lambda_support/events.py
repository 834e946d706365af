"""API Gateway events shaped like the ones AWS sends (REST API proxy v1 and HTTP API payload v2.0)."""

import base64
import json
import time
import uuid
from urllib.parse import urlencode

API_ID = "a1b2c3d4e5"
STAGE = "dev"
HOST = f"{API_ID}.execute-api.us-east-1.amazonaws.com"
SOURCE_IP = "203.0.113.7"
USER_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)"


def _body(body, binary: bool):
    if body is None:
        return None, False
    if isinstance(body, bytes | bytearray):
        return base64.b64encode(body).decode(), True
    if not isinstance(body, str):
        body = json.dumps(body)
    return (base64.b64encode(body.encode()).decode(), True) if binary else (body, False)


def rest_v1(method: str, path: str, *, headers=None, query=None, body=None, binary=False) -> dict:
    """A REST API (v1) Lambda proxy integration event on the `{proxy+}` resource Zappa creates."""
    headers = {
        "Accept": "*/*",
        "Host": HOST,
        "User-Agent": USER_AGENT,
        "X-Forwarded-For": SOURCE_IP,
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        **(headers or {}),
    }
    encoded, is_base64 = _body(body, binary)
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {key: [value] for key, value in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {key: [value] for key, value in query.items()} if query else None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourceId": "abc123",
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "extendedRequestId": "ZbNOFFDpIAMFu7Q=",
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "path": f"/{STAGE}{path}",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": API_ID,
            "requestTimeEpoch": int(time.time() * 1000),
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": SOURCE_IP, "userAgent": USER_AGENT},
            "domainName": HOST,
            "apiId": API_ID,
        },
        "body": encoded,
        "isBase64Encoded": is_base64,
    }


def http_v2(method: str, path: str, *, headers=None, query=None, body=None, binary=False) -> dict:
    """An HTTP API payload format 2.0 event, requested on the execute-api URL with the stage prefix."""
    headers = {
        "accept": "*/*",
        "host": HOST,
        "user-agent": USER_AGENT,
        "x-forwarded-for": SOURCE_IP,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
        **{key.lower(): value for key, value in (headers or {}).items()},
    }
    encoded, is_base64 = _body(body, binary)
    raw_path = f"/{STAGE}{path}"
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": urlencode(query or {}),
        "cookies": [],
        "headers": headers,
        "queryStringParameters": query or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": API_ID,
            "domainName": HOST,
            "domainPrefix": API_ID,
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": SOURCE_IP,
                "userAgent": USER_AGENT,
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": STAGE,
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "timeEpoch": int(time.time() * 1000),
        },
        "body": encoded,
        "isBase64Encoded": is_base64,
    }


def response_body(response: dict) -> bytes:
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
