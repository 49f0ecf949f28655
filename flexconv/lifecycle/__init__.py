"""Ready policies for the task lifecycle, run from your backend by a
[`Receiver`][flexconv.events.Receiver]: auto-accept, accept/wrap-up/complete overrides for your
own orchestration, a janitor for orphaned conversations, and the wiring that points Twilio at
the receiver.

```python
from flexconv import FlexConv
from flexconv.events import Receiver
from flexconv.lifecycle import auto_accept, janitor, overrides

client = FlexConv()
receiver = Receiver(auth_token, client=client)
receiver.use(auto_accept()).use(overrides()).use(janitor())
```
"""

from flexconv.lifecycle._async.engine import AsyncAutoAccept, AsyncJanitor, AsyncTaskLifecycle
from flexconv.lifecycle._async.wiring import AsyncWiring
from flexconv.lifecycle._sync.engine import AutoAccept, Janitor, TaskLifecycle
from flexconv.lifecycle._sync.wiring import Wiring
from flexconv.lifecycle.policies import (
    AutoAcceptPolicy,
    JanitorPolicy,
    OverridesPolicy,
    auto_accept,
    janitor,
    overrides,
)
from flexconv.lifecycle.rules import (
    KEEP_OPEN_ATTRIBUTE,
    REROUTED_ATTRIBUTE,
    ChannelRules,
    JanitorRules,
    auto_answer,
)
from flexconv.lifecycle.wiring_plan import WiringChange, WiringPlan

__all__ = [
    "KEEP_OPEN_ATTRIBUTE",
    "REROUTED_ATTRIBUTE",
    "AsyncAutoAccept",
    "AsyncJanitor",
    "AsyncTaskLifecycle",
    "AsyncWiring",
    "AutoAccept",
    "AutoAcceptPolicy",
    "ChannelRules",
    "Janitor",
    "JanitorPolicy",
    "JanitorRules",
    "OverridesPolicy",
    "TaskLifecycle",
    "Wiring",
    "WiringChange",
    "WiringPlan",
    "auto_accept",
    "auto_answer",
    "janitor",
    "overrides",
]
