"""A client that goes away mid-request is not an error of the service."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace

from litestar.exceptions import InternalServerException

from service.app import _unexpected
from service.observability.logs import JsonFormatter

TEMPLATE = "/api/{version}/trainees/{trainee_id}"


def request(path: str) -> object:
    return SimpleNamespace(
        method="POST", url=SimpleNamespace(path=path), scope={"path_template": TEMPLATE}
    )


def test_a_premature_disconnect_is_logged_as_499_without_a_traceback(caplog) -> None:
    caplog.set_level(logging.INFO, logger="trainees")
    gone = InternalServerException("client disconnected prematurely")
    response = _unexpected(request("/api/v2026.1/trainees/Zq9TraineeId"), gone)  # type: ignore[arg-type]
    assert response.status_code == 499
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert not any(r.exc_info for r in caplog.records)
    assert "Zq9TraineeId" not in JsonFormatter().format(caplog.records[-1])


def test_any_other_error_is_a_500_with_its_traceback_in_the_log(caplog) -> None:
    caplog.set_level(logging.INFO, logger="trainees")
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        response = _unexpected(request("/api/v2026.1/trainees"), exc)  # type: ignore[arg-type]
    assert response.status_code == 500
    assert caplog.records[-1].levelname == "ERROR" and caplog.records[-1].exc_info


def test_an_unexpected_error_is_logged_by_route_and_type_without_its_message(caplog) -> None:
    caplog.set_level(logging.INFO, logger="trainees")
    surname, forename = "Quacken" + "bush", "Zebe" + "diah"  # the stack quotes source lines
    try:
        try:
            raise KeyError(surname)
        except KeyError as inner:
            raise ValueError(f"string contains {forename}") from inner
    except ValueError as exc:
        _unexpected(request("/api/v2026.1/trainees/Zq9TraineeId"), exc)  # type: ignore[arg-type]
    text = JsonFormatter().format(caplog.records[-1])
    line = json.loads(text)
    assert line["route"] == TEMPLATE and line["method"] == "POST"
    assert line["error"] == "ValueError"
    assert "builtins.ValueError" in line["stack"] and "builtins.KeyError" in line["stack"]
    assert "test_disconnects.py" in line["stack"]
    for value in ("Quackenbush", "Zebediah", "Zq9TraineeId"):
        assert value not in text
