"""The 2010 API's phone numbers: ``/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json``.

The account's numbers with their messaging and voice webhooks (``sms_url``, ``voice_url``, ...).
List (2010-style pages, ``PhoneNumber`` with ``*`` wildcards), fetch and update; numbers
come from the scenario (``phone_numbers``, and every ``sms`` address that is a phone number) or
from `PhoneNumbers.create`.

Layout: ``entities`` (`PhoneNumber`) and ``api`` (`PhoneNumbers`: state, seeding
and HTTP routes).
"""

from flexconv.emulator.numbers.api import PhoneNumber, PhoneNumbers

__all__ = ["PhoneNumber", "PhoneNumbers"]
