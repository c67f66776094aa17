"""Per-version API documentation: OpenAPI as JSON and YAML, and pages that work offline."""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
import yaml
from litestar import Controller, Response, get
from litestar.params import FromPath

from service.api.responses import not_found
from service.docs.changes import changelog_page
from service.docs.pages import version_page
from service.docs.reference import reference_page
from service.openapi import openapi
from service.versions import HEAD, VERSIONS


def _document(version: str) -> dict[str, Any]:
    if version not in VERSIONS:
        raise not_found()
    return openapi(version)


@cache
def _json(version: str) -> bytes:
    return msgspec.json.encode(_document(version))


@cache
def _yaml(version: str) -> bytes:
    return yaml.safe_dump(_document(version), sort_keys=False, allow_unicode=True).encode()


def _html(body: bytes) -> Response[bytes]:
    return Response(body, media_type="text/html")


class DocsController(Controller):
    """Human and machine documentation of every served version (no token needed)."""

    path = "/api-docs"

    @get("/")
    async def docs_index(self) -> Response[bytes]:
        """The documentation of the newest version."""
        return _html(version_page(HEAD.name))

    @get("/changelog")
    async def changelog_page(self) -> Response[bytes]:
        """What changes for a client moving from each version to the next."""
        return _html(changelog_page())

    @get("/reference-data")
    async def reference_data_page(self) -> Response[bytes]:
        """Every reference-data list with its codes, each under an anchor of its name."""
        return _html(reference_page())

    @get("/{version:str}")
    async def docs_page(self, version: FromPath[str]) -> Response[bytes]:
        """A version's page: each operation's fields, examples and errors."""
        if version not in VERSIONS:
            raise not_found()
        return _html(version_page(version))

    @get(["/{version:str}/openapi.json", "/{version:str}/openapi"])
    async def openapi_json(self, version: FromPath[str]) -> Response[bytes]:
        """The version's OpenAPI document as JSON."""
        return Response(_json(version), media_type="application/json")

    @get("/{version:str}/openapi.yaml")
    async def openapi_yaml(self, version: FromPath[str]) -> Response[bytes]:
        """The version's OpenAPI document as YAML."""
        return Response(_yaml(version), media_type="application/yaml")
