"""Auditors: their tokens, what they look at, and the evidence that the event log is intact."""
