"""The 2010 API's Messages log: ``/2010-04-01/Accounts/{AccountSid}/Messages.json``.

Fed by simulation (a customer's inbound SMS/WhatsApp message) and by Conversations messages sent
to messaging-binding participants, and by ``POST .../Messages.json`` (sending: ``queued`` or
``accepted``, then ``sent`` and ``delivered`` on the virtual clock, with ``StatusCallback``).
Dates are RFC 2822, pages carry ``next_page_uri`` (relative) and no ``meta``, as the 2010 API
does.

Layout: ``entities`` (`LoggedMessage`), ``state`` (the log and ``record``), ``routes`` (list and
fetch), ``sending`` (the create route and status progression) and ``api`` (`MessageLog`, the names
other products may use).
"""

from flexconv.emulator.messages.api import PRODUCT, LoggedMessage, MessageLog

__all__ = ["PRODUCT", "LoggedMessage", "MessageLog"]
