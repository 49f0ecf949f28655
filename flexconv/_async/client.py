"""``AsyncFlexConv``: configuration, the send loop with retries; the resource groups it inherits."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flexconv._async.groups import AsyncResourceGroups
from flexconv._async.paging import AsyncPager
from flexconv._concurrency import async_sleep
from flexconv._core.calls import (
    body_parser,
    connection_outcome,
    drop_none,
    parse_body,
    policy_with,
    where,
)
from flexconv._core.config import ClientConfig, resolve_config
from flexconv._core.errors import (
    APIConnectionError,
    ConfigurationError,
    ValidationError,
)
from flexconv._core.operation import (
    Operation,
    RawResponse,
    RequestSpec,
    build_raw_request,
    build_request,
    check_followable,
)
from flexconv._core.paging import check_page_size
from flexconv._core.response import error_from_response, parse_json
from flexconv._core.results import APIResponse, ResponseInfo
from flexconv._core.retry import (
    RetryPolicy,
    already_done,
    jitter_sample,
    may_have_been_processed,
    retry_delay,
)
from flexconv._core.sids import check_sid
from flexconv._core.spec_cache import SpecCache
from flexconv._logging import log_retry
from flexconv._transport import AsyncTransport, Timeout, make_async_transport

__all__ = ["AsyncFlexConv"]

T = TypeVar("T")

_UNSET: Any = object()


class AsyncFlexConv(AsyncResourceGroups):
    """The Flex Conversations client.

    Credentials come from the arguments or the ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``,
    ``TWILIO_API_KEY``, ``TWILIO_API_SECRET``, ``TWILIO_REGION`` and ``TWILIO_EDGE`` environment
    variables.  ``base_url`` sends every product to one origin under a ``/{product}`` prefix (the
    emulator's loopback server, a proxy); it must be ``https``, or plain ``http`` to this machine
    (127.0.0.1, ``::1``, ``localhost``) unless ``allow_insecure_http=True``.  ``http_client``
    takes your own HTTP client and ``transport`` an in-process transport such as the emulator.
    ``workspace_sid`` sets the
    TaskRouter workspace every routing and task-channel call defaults to; without it that is the
    Flex workspace named in the Flex Configuration, read on first need and cached.  Use it as a
    context manager (``async with AsyncFlexConv() as client:``), or
    call ``await client.aclose()``, to release connections.
    """

    def __init__(
        self,
        account_sid: str | None = None,
        auth_token: str | None = None,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        region: str | None = None,
        edge: str | None = None,
        base_url: str | None = None,
        allow_insecure_http: bool = False,
        http_client: Any = None,
        transport: Any = None,
        timeout: Timeout | float | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        env: Mapping[str, str] | None = None,
        workspace_sid: str | None = None,
    ) -> None:
        self._config: ClientConfig = resolve_config(
            account_sid=account_sid,
            auth_token=auth_token,
            api_key=api_key,
            api_secret=api_secret,
            region=region,
            edge=edge,
            base_url=base_url,
            env=os.environ if env is None else env,
            allow_insecure_http=allow_insecure_http,
        )
        self._timeout = Timeout.of(timeout)
        self._retry = policy_with(retry, max_retries)
        self._transport: AsyncTransport = make_async_transport(
            transport=transport, http_client=http_client
        )
        self._owns_transport = True
        #: Requests already built, by operation and plain arguments (no credentials inside).
        self._specs = SpecCache()
        #: The default TaskRouter workspace once known (shared with ``with_options`` copies).
        self._workspace_cache: list[str] = []
        if workspace_sid is not None:
            self._workspace_cache.append(check_sid(workspace_sid, "WS", "workspace_sid"))
        self._emulator: Any = None

    @classmethod
    def emulated(
        cls, emulator: Any = None, *, scenario: Any = "default", **options: Any
    ) -> AsyncFlexConv:
        """A client wired to an in-process emulator: no account, no network.

        Without ``emulator``, a new one is made and seeded like the CLI's ``--emulator``: the
        default small contact centre (a Flex workspace, workflow, queue, agents ``alice`` and
        ``bob``, Flex addresses).  ``scenario=None`` (or ``"empty"``) gives an empty account, a
        mapping seeds that scenario instead.  ``client.emulator`` hands the emulator back.
        Other keyword arguments go to the client (``timeout=``, ``workspace_sid=`` ...).
        """
        if emulator is None:
            from flexconv.emulator import Emulator

            if scenario is None or scenario == "empty":
                emulator = Emulator()
            elif scenario == "default":
                emulator = Emulator.from_scenario()
            elif isinstance(scenario, Mapping):
                emulator = Emulator.from_scenario(scenario)
            else:
                raise ValidationError(
                    'scenario must be "default", None (or "empty") or a scenario mapping, '
                    f"got {scenario!r}"
                )
        elif scenario != "default":
            raise ValidationError("Pass an emulator or a scenario, not both")
        client = cls(
            emulator.account_sid, emulator.auth_token, transport=emulator, env={}, **options
        )
        client._emulator = emulator
        return client

    async def _pause(self, seconds: float) -> None:
        """Wait between polls: real time against Twilio; on an in-process emulator, its virtual
        clock moves instead (what falls due runs), so a poll loop never blocks in real time."""
        advance = getattr(self._emulator, "advance", None)
        if callable(advance):
            advance(seconds)
        else:
            await async_sleep(seconds)

    @property
    def emulator(self) -> Any:
        """The in-process emulator this client talks to (from `emulated`), else ``None``."""
        return self._emulator

    # ------------------------------------------------------------------ options and lifecycle

    @property
    def account_sid(self) -> str:
        """The account every call acts on."""
        return self._config.account_sid

    @property
    def config(self) -> ClientConfig:
        """The resolved settings (the secret stays hidden)."""
        return self._config

    @property
    def timeout(self) -> Timeout:
        return self._timeout

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._retry

    def with_options(
        self,
        *,
        timeout: Timeout | float | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
    ) -> AsyncFlexConv:
        """A client sharing this one's connections, with other timeout or retry settings.

        Closing the copy does not close the shared connections.
        """
        clone = object.__new__(type(self))
        # resource groups are cached per client: the copy builds its own, bound to itself
        clone.__dict__.update(
            {k: v for k, v in self.__dict__.items() if getattr(v, "_client", None) is not self}
        )
        clone._owns_transport = False
        if timeout is not None:
            clone._timeout = Timeout.of(timeout)
        if retry is not None or max_retries is not None:
            clone._retry = policy_with(retry or self._retry, max_retries)
        return clone

    async def aclose(self) -> None:
        """Release the connections this client opened (a client you passed in stays open)."""
        if self._owns_transport:
            await self._transport.aclose()

    async def __aenter__(self) -> AsyncFlexConv:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(account_sid={self.account_sid!r}, {where(self._config)})"

    # ------------------------------------------------------------------------- escape hatch

    async def request(
        self,
        method: str,
        url: str,
        *,
        product: str | None = None,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        json_params: tuple[str, ...] = (),
    ) -> APIResponse:
        """Call any endpoint with the client's auth, retries and error mapping.

        ``url`` is absolute (``https://conversations.twilio.com/v1/Services``) or a path with
        ``product`` (``"conversations"``, ``"/v1/Services"``), which also honours region, edge
        and ``base_url``.  ``data`` is form-encoded the Twilio way (booleans, lists as repeated
        keys, ``json_params`` as JSON strings); ``json`` sends a JSON body.  Error statuses raise
        the same exceptions as the typed calls.
        """
        spec = build_raw_request(
            self._config,
            method,
            url,
            product=product,
            params=params,
            data=data,
            json_body=json,
            headers=headers,
            json_params=json_params,
        )
        raw = await self._send(spec)
        return APIResponse(ResponseInfo.of(raw, spec), raw.content)

    # ------------------------------------------------------------------------- internals

    async def _send(self, spec: RequestSpec) -> RawResponse:
        """Send with retries; raise the mapped error for a non-2xx answer.

        A DELETE whose retry meets 404 after an attempt that may have reached Twilio counts as
        deleted (answered as 204): the first attempt most likely removed the resource.
        """
        try:
            raw = await self._transport.send(spec, self._timeout)
        except APIConnectionError as exc:
            return await self._retried(spec, exc)
        if 200 <= raw.status_code < 300:
            return raw
        return await self._retried(spec, raw)

    async def _retried(
        self, spec: RequestSpec, outcome: RawResponse | APIConnectionError
    ) -> RawResponse:
        """After a first attempt that failed (``outcome``): retry as the policy allows."""
        attempt = 0
        processed = False  # whether an earlier attempt may have taken effect at Twilio
        while True:
            if isinstance(outcome, APIConnectionError):
                exc = outcome
                processed = processed or may_have_been_processed(
                    outcome=connection_outcome(exc), sent=exc.sent
                )
                delay = retry_delay(
                    self._retry,
                    attempt=attempt,
                    idempotent=spec.idempotent,
                    outcome=connection_outcome(exc),
                    sent=exc.sent,
                    rand=jitter_sample(),
                )
                if delay is None:
                    raise exc
                reason = str(exc.message)
            else:
                raw = outcome
                if 200 <= raw.status_code < 300:
                    return raw
                if already_done(spec.method, raw.status_code, maybe_processed_before=processed):
                    return RawResponse(204, raw.headers, b"")
                processed = processed or may_have_been_processed(status=raw.status_code)
                delay = retry_delay(
                    self._retry,
                    attempt=attempt,
                    idempotent=spec.idempotent,
                    status=raw.status_code,
                    retry_after=raw.headers.get("retry-after"),
                    rand=jitter_sample(),
                )
                if delay is None:
                    raise error_from_response(raw, spec)
                reason = f"HTTP {raw.status_code}"
            attempt += 1
            log_retry(attempt, self._retry.max_retries, spec, delay, reason)
            await async_sleep(delay)
            try:
                outcome = await self._transport.send(spec, self._timeout)
            except APIConnectionError as exc:
                outcome = exc

    def _build(
        self,
        op: Operation,
        path_params: Mapping[str, str] | None,
        values: Mapping[str, Any] | None,
        json_body: Any,
        headers: Mapping[str, str] | None,
    ) -> RequestSpec:
        if json_body is None and headers is None:
            return self._specs.build(op, self._config, path_params, drop_none(values))
        return build_request(
            op,
            self._config,
            path_params=path_params,
            values=drop_none(values),
            json_body=json_body,
            headers=headers,
        )

    async def _call(
        self,
        op: Operation,
        parse: Callable[[Any], T] | type[T],
        *,
        path_params: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> T:
        """Build, send and parse one call; the result carries its [`ResponseInfo`][flexconv._core.results.ResponseInfo]."""
        spec = self._build(op, path_params, values, json_body, headers)
        # the first attempt inline (one coroutine fewer per call), the rest as `_send()` does
        try:
            raw = await self._transport.send(spec, self._timeout)
        except APIConnectionError as exc:
            raw = await self._retried(spec, exc)
        else:
            if not 200 <= raw.status_code < 300:
                raw = await self._retried(spec, raw)
        return parse_body(parse, parse_json(raw, spec), ResponseInfo.of(raw, spec))

    async def _call_raw(
        self,
        op: Operation,
        *,
        path_params: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> APIResponse:
        """Like `_call()` but hands back the raw response (DELETE, or untyped bodies)."""
        spec = self._build(op, path_params, values, json_body, headers)
        raw = await self._send(spec)
        return APIResponse(ResponseInfo.of(raw, spec), raw.content)

    def _list(
        self,
        op: Operation,
        parse: Callable[[Any], T] | type[T],
        *,
        path_params: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        pace: Callable[[], Any] | None = None,
        resolve: Callable[[], Any] | None = None,
    ) -> AsyncPager[T]:
        """A pager over a list operation; nothing is sent until it is iterated.

        Every argument is checked now.  ``resolve``, when given, is awaited before the first
        page for path values known only then (the default workspace); ``pace`` before each page.
        """
        if op.list_key is None:
            raise ValidationError(f"{op.name} is not a list operation")
        check_page_size(page_size, op.max_page_size, op.name)
        if page_size is None and limit is not None and op.max_page_size is not None:
            page_size = max(1, min(limit, op.max_page_size))
        config = self._config
        clean = drop_none(values)
        extra = [("PageSize", str(page_size))] if page_size else []
        spec = build_request(op, config, path_params=path_params, values=clean, extra_query=extra)
        first: Any = spec
        if resolve is not None:

            async def first_spec() -> RequestSpec:
                late = await resolve()
                return build_request(
                    op,
                    config,
                    path_params={**(path_params or {}), **late},
                    values=clean,
                    extra_query=extra,
                )

            first = first_spec
        return AsyncPager(
            self, first, op.list_key, body_parser(parse), limit=limit, pace=pace, name=op.name
        )

    def _known_workspace(self, workspace_sid: str | None) -> str | None:
        """``workspace_sid`` checked, else the default workspace if already known."""
        if workspace_sid is not None:
            return check_sid(workspace_sid, "WS", "workspace_sid")
        return self._workspace_cache[0] if self._workspace_cache else None

    async def _workspace_sid(self, workspace_sid: str | None) -> str:
        """``workspace_sid`` checked, else the Flex workspace, read once from the Flex
        Configuration and cached for this client (and its ``with_options`` copies)."""
        known = self._known_workspace(workspace_sid)
        if known is not None:
            return known
        config = await self.configuration.fetch()
        found = config.taskrouter_workspace_sid
        if not found:
            raise ConfigurationError(
                "No TaskRouter workspace: pass workspace_sid=, create the client with "
                "workspace_sid=, or use an account whose Flex Configuration names a "
                "taskrouter_workspace_sid"
            )
        checked = check_sid(found, "WS", "the Flex Configuration's taskrouter_workspace_sid")
        # two first calls at once both read the configuration and store the same value
        self._workspace_cache[:] = [checked]
        return checked

    def _check_followable(self, url: str) -> None:
        """Only send credentials to Twilio or to the configured ``base_url``."""
        check_followable(self._config, url)
