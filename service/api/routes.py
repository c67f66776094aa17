"""Every controller the API serves; the not-found fallbacks are derived from this list."""

from __future__ import annotations

from litestar import Controller

from service.api.actions import ActionsController
from service.api.info import InfoController
from service.api.subresources import DegreesController, PlacementsController
from service.api.trainees import TraineesController

CONTROLLERS: tuple[type[Controller], ...] = (
    InfoController,
    TraineesController,
    ActionsController,
    PlacementsController,
    DegreesController,
)
