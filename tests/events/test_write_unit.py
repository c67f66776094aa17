"""The API's write unit: it serves the trainee it loaded, and keeps one save for its commit."""

from __future__ import annotations

from uuid import uuid4

import pytest

from service.config import Settings
from service.eventstore import open_register
from service.keyring import master_keys
from service.writer import Unit


@pytest.fixture
def unit(database):
    register = open_register(database, 1, master_keys(Settings.from_env()))
    yield Unit(register)
    register.close()


def test_a_unit_serves_only_the_trainee_it_loaded(unit):
    with pytest.raises(LookupError):
        unit.get_trainee(uuid4())


def test_a_unit_keeps_one_save_with_the_rows_and_condition_only(unit):
    with pytest.raises(TypeError):
        unit.save(erase=[uuid4()])  # the API's writes never erase: the operator command does
    unit.save(views=[])
    with pytest.raises(TypeError):
        unit.save(views=[])
