"""Every setting comes from the environment; a bad value is refused with its name."""

from __future__ import annotations

import pytest

from service.config import SettingError, Settings

BAD = [
    ("TRAINEES_LOG_LEVEL", "loud"),
    ("TRAINEES_RATE_LIMIT", "0"),
    ("TRAINEES_RATE_LIMIT", "many"),
    ("TRAINEES_RATE_LIMIT_WINDOW", "-5"),
    ("TRAINEES_MAX_BODY_BYTES", "10"),
    ("TRAINEES_DB_TIMEOUT", "0"),
    ("TRAINEES_DB_TIMEOUT", "soon"),
    ("TRAINEES_WRITE_TIMEOUT", "nan"),
    ("TRAINEES_READY_MAX_LAG", "-1"),
    ("TRAINEES_WORKER_BATCH_SIZE", "1.5"),
    ("TRAINEES_WORKER_IDLE", "inf"),
    ("TRAINEES_SEAL_INTERVAL", "-1"),
    ("TRAINEES_SEAL_INTERVAL", "hourly"),
]


def test_the_defaults_follow_the_specification(monkeypatch):
    for name, _ in BAD:
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert (settings.rate_limit, settings.rate_limit_window) == (100, 60)
    assert (settings.log_level, settings.max_body_bytes) == ("info", 1_048_576)
    assert (settings.db_timeout, settings.write_timeout) == (5.0, 15.0)
    assert settings.seal_interval == 3600


def test_settings_are_read_from_the_environment(monkeypatch):
    values = {
        "TRAINEES_LOG_LEVEL": "DEBUG",
        "TRAINEES_RATE_LIMIT": "7",
        "TRAINEES_RATE_LIMIT_WINDOW": "2",
        "TRAINEES_MAX_BODY_BYTES": "4096",
        "TRAINEES_DB_TIMEOUT": "0.5",
        "TRAINEES_WRITE_TIMEOUT": "3",
        "TRAINEES_READY_MAX_LAG": "0",
        "TRAINEES_WORKER_BATCH_SIZE": "50",
        "TRAINEES_WORKER_IDLE": "0.2",
        "TRAINEES_SEAL_INTERVAL": "0",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    s = Settings.from_env()
    assert (s.log_level, s.rate_limit, s.rate_limit_window, s.max_body_bytes) == (
        "debug",
        7,
        2,
        4096,
    )
    assert (s.db_timeout, s.write_timeout, s.ready_max_lag) == (0.5, 3.0, 0)
    assert (s.worker_batch_size, s.worker_idle, s.seal_interval) == (50, 0.2, 0)


@pytest.mark.parametrize(("name", "value"), BAD)
def test_a_bad_value_is_refused_with_its_name(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError, match=name):
        Settings.from_env()
