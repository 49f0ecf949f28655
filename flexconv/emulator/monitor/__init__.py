"""The emulator's Monitor product: the account's alerts (Twilio's debugger: warnings and errors
about the account's own setup, such as TaskRouter's 40005 for an assignment callback answer
without ``instruction``), readable as ``emu.monitor.alerts`` and at
``GET https://monitor.twilio.com/v1/Alerts`` (also ``/monitor/v1/Alerts`` on the loopback server).

Products raise alerts on the event bus (``taskrouter.alert``); Monitor keeps them.  The Monitor
API is not part of the bundled OpenAPI specs, so the spec gate lists it apart
(``tests/conftest.py``).

Layout: ``api`` (`Monitor`: the alert log and its HTTP routes).
"""

from flexconv.emulator.monitor.api import Monitor

__all__ = ["Monitor"]
