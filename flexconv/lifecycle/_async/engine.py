"""The lifecycle engines for `AsyncFlexConv`, under their first import path: auto-accept
(`accept`), the task overrides (`overrides`) and the janitor (`janitor`)."""

from flexconv.lifecycle._async.accept import AsyncAutoAccept
from flexconv.lifecycle._async.janitor import AsyncJanitor
from flexconv.lifecycle._async.overrides import AsyncTaskLifecycle

__all__ = ["AsyncAutoAccept", "AsyncJanitor", "AsyncTaskLifecycle"]
