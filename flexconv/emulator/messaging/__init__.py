"""Messaging Services: ``messaging.twilio.com/v1/Services`` and their ``PhoneNumbers``.

A Messaging Service (``MG…``) pools senders; a number in it has its inbound messages sent to
the service's ``inbound_request_url`` unless ``use_inbound_webhook_on_number`` defers to the
number's own webhook.  Services list, fetch and create; a service's numbers add (by the
account's ``PN…`` SID), list and delete.  Services come from the scenario
(``messaging_services``) or from `MessagingServices.create`.

Layout: ``entities`` (`MessagingService`), ``host`` (what it needs of the numbers) and ``api``
(`MessagingServices`: state, seeding and HTTP routes).
"""

from flexconv.emulator.messaging.api import MessagingService, MessagingServices

__all__ = ["MessagingService", "MessagingServices"]
