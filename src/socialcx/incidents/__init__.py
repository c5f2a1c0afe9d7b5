"""Incidents: tell one customer's problem from a systemic one, online and with bounded state."""

from socialcx.incidents._detector import (
    IncidentDetector,
    IncidentUpdate,
    content_words,
    incident_id_for,
)

__all__ = ["IncidentDetector", "IncidentUpdate", "content_words", "incident_id_for"]
