"""Every controller the service serves. The API's not-found fallbacks and each version's
OpenAPI document are derived from API_CONTROLLERS."""

from __future__ import annotations

from litestar import Controller

from service.api.actions import ActionsController
from service.api.audit import AuditController
from service.api.audit_docs import AuditDocsController
from service.api.audit_pages import AuditPagesController
from service.api.bench import BenchController
from service.api.docs import DocsController
from service.api.info import InfoController
from service.api.reference import ReferenceDataController
from service.api.subresources import DegreesController, PlacementsController
from service.api.trainees import TraineesController

API_CONTROLLERS: tuple[type[Controller], ...] = (
    InfoController,
    ReferenceDataController,
    TraineesController,
    ActionsController,
    PlacementsController,
    DegreesController,
)
CONTROLLERS: tuple[type[Controller], ...] = (
    *API_CONTROLLERS,
    DocsController,
    BenchController,
    AuditController,
    AuditDocsController,
    AuditPagesController,
)
