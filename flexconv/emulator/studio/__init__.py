"""Studio v2: flows, executions and steps, enough to trace a message through Send to Flex.

The flow runner understands these widget types: ``trigger`` (events ``incomingConversationMessage``
for a conversation's Studio webhook, ``incomingMessage``, ``incomingRequest`` for a REST
execution), ``send-to-flex`` (creates a Flex interaction for the conversation using the widget's
``workflow``, ``channel``, ``attributes``, ``priority`` and ``timeout``, in the workspace named by
the Flex Configuration; transitions ``callComplete`` / ``failedToEnqueue``) and ``send-message``
(appends the widget's ``body`` to the conversation as ``system``; transition ``sent``).  Any other
widget is recorded as a step and ends the execution.  ``{{a.b.c}}`` placeholders in widget
properties are filled from the execution context (``trigger.conversation.*``, ``flow.*``).

Layout (each module holds one part; `Studio` stacks them, lowest first):
``entities`` (flows, executions, steps, placeholders), ``state`` (dictionaries, flow creation,
lookups, snapshot), ``runner`` (the flow runner), ``routes`` (HTTP) and ``api`` (`Studio`
and the names other products may use).
"""

from flexconv.emulator.studio.api import (
    DEFAULT_BASE,
    PRODUCT,
    Execution,
    Flow,
    Step,
    Studio,
    messaging_flow_definition,
    render,
)

__all__ = [
    "DEFAULT_BASE",
    "PRODUCT",
    "Execution",
    "Flow",
    "Step",
    "Studio",
    "messaging_flow_definition",
    "render",
]
