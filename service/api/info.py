"""GET /info and the not-found answers under a version prefix."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Controller, get, route
from litestar.di import NamedDependency, Provide
from litestar.enums import HttpMethod
from litestar.handlers import HTTPRouteHandler

from service.api.context import AnyRequest, Caller, provide_caller
from service.api.responses import json, not_found

ALL_METHODS = (HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)


class InfoController(Controller):
    """API status and version information."""

    path = "/api/{version:str}/info"
    dependencies = {"caller": Provide(provide_caller)}  # noqa: RUF012

    @get("/")
    async def info(self, request: AnyRequest, caller: NamedDependency[Caller]) -> Any:
        """The status and the requested and latest versions."""
        version = {
            "requested": caller.segment,
            "latest": request.app.state.settings.current_version,
        }
        retirement = request.app.state.retirements.get(caller.segment)
        if retirement is not None:
            version.update(retirement.info())
        return json({"status": "ok", "version": version})


async def _not_found(caller: NamedDependency[Caller]) -> Any:
    raise not_found()


def fallbacks(controllers: Iterable[type[Controller]]) -> list[HTTPRouteHandler]:
    """JSON 404 handlers (after authentication) for every method a served path lacks, and
    for every unknown path under a version prefix."""
    served: dict[str, set[HttpMethod]] = {}
    for controller in controllers:
        if not str(vars(controller)["path"]).startswith("/api/"):
            continue  # documentation and probes need no token and have no versions
        for value in vars(controller).values():
            if isinstance(value, HTTPRouteHandler):
                for path in value.paths:
                    full = (
                        str(vars(controller)["path"]).rstrip("/") + "/" + path.strip("/")
                    ).rstrip("/")
                    served.setdefault(full, set()).update(HttpMethod(m) for m in value.http_methods)
    handlers = [
        route(
            path,
            http_method=missing,
            status_code=404,
            name=f"not-found:{path}",
            dependencies={"caller": Provide(provide_caller)},
            include_in_schema=False,
        )(_not_found)
        for path, methods in served.items()
        if (missing := [m for m in ALL_METHODS if m not in methods])
    ]
    # Routing does not backtrack, so every served prefix needs its own catch-all below it.
    # (a prefix that has a parameter child already catches every unknown segment itself).
    candidates = {"/api/{version:str}", *served}
    prefixes = {
        prefix
        for prefix in candidates
        if not any(
            p.startswith(prefix + "/{") and p.count("/") == prefix.count("/") + 1 for p in served
        )
    }
    handlers += [
        route(
            f"{prefix}/{{rest:path}}",
            http_method=list(ALL_METHODS),
            status_code=404,
            dependencies={"caller": Provide(provide_caller)},
            name=f"not-found:{prefix}/*",
            include_in_schema=False,
        )(_not_found)
        for prefix in sorted(prefixes)
    ]
    return handlers
