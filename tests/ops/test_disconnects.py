"""A client that goes away mid-request is not an error of the service."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from litestar.exceptions import InternalServerException

from service.app import _unexpected


def request(path: str) -> object:
    return SimpleNamespace(method="POST", url=SimpleNamespace(path=path))


def test_a_premature_disconnect_is_logged_as_499_without_a_traceback(caplog) -> None:
    caplog.set_level(logging.INFO, logger="trainees")
    gone = InternalServerException("client disconnected prematurely")
    response = _unexpected(request("/api/v2026.1/trainees"), gone)  # type: ignore[arg-type]
    assert response.status_code == 499
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert not any(r.exc_info for r in caplog.records)


def test_any_other_error_is_a_500_with_its_traceback_in_the_log(caplog) -> None:
    caplog.set_level(logging.INFO, logger="trainees")
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        response = _unexpected(request("/api/v2026.1/trainees"), exc)  # type: ignore[arg-type]
    assert response.status_code == 500
    assert caplog.records[-1].levelname == "ERROR" and caplog.records[-1].exc_info
