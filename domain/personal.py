"""Which values are personal data: declared once, here, for the events and the read model.

Personal values are stored sealed with the trainee's own data key, so that destroying the key
erases them everywhere at once (docs/personal-data.md). Everything else (route, subjects, dates,
state, outcome, placements, degrees) stays readable for statistics after an erasure.
"""

from __future__ import annotations

from collections.abc import Mapping

PERSONAL_RECORD_FIELDS = frozenset(
    {
        "first_names",
        "middle_names",
        "last_name",
        "previous_last_name",
        "date_of_birth",
        "sex",
        "email",
        "nationality",
        "ethnicity",
        "ethnic_group",
        "ethnic_background",
        "additional_ethnic_background",
        "diversity_disclosure",
        "disability_disclosure",
        "disabilities",
        "ni_number",
        "hesa_id",
        "provider_trainee_id",
        "application_id",
    }
)
"""Fields of a TraineeRecord (and of a RecordChanges) that identify or describe the person."""

PERSONAL_WITHDRAWAL_FIELDS = frozenset({"another_reason", "safeguarding_concern_reasons"})
"""Free text of a withdrawal, which may say anything about the person."""

SELF = ""
"""The container path of an event's own attributes."""

PERSONAL_IN_EVENTS: Mapping[str, Mapping[str, frozenset[str]]] = {
    "Registered": {"record": PERSONAL_RECORD_FIELDS},
    "DetailsChanged": {"changes": PERSONAL_RECORD_FIELDS},
    "Withdrawn": {"withdrawal": PERSONAL_WITHDRAWAL_FIELDS},
    "Deferred": {SELF: frozenset({"reason"})},
    "TrnReceived": {SELF: frozenset({"trn"})},
    "WithdrawalUndone": {SELF: frozenset({"comment"})},
}
"""Per event name: the attribute holding personal fields (SELF: the event itself) and which."""

ERASED = "erased"
"""What a history or an audit view shows in place of an erased personal value."""

ERASED_VALUES: Mapping[str, object] = {"disabilities": {}}
"""What an erased field reads as, where None is not a value of its type."""

PERSONAL_DOCUMENT_FIELDS = (
    "provider_trainee_id",
    "application_id",
    "trn",
    "first_names",
    "middle_names",
    "last_name",
    "previous_last_name",
    "date_of_birth",
    "email",
    "sex",
    "nationality",
    "ethnicity",
    "ethnic_group",
    "ethnic_background",
    "additional_ethnic_background",
    "diversity_disclosure",
    "disability_disclosure",
    "ni_number",
    "hesa_id",
    "defer_reason",
    "withdrawal_another_reason",
    "withdrawal_safeguarding_concern_reasons",
)
"""Members of the trainee document (head vocabulary) that are personal, in document order;
the `disabilityN` members follow disability_disclosure."""


def erased_value(field: str) -> object:
    """The value an erased personal field reads as."""
    return ERASED_VALUES.get(field)
