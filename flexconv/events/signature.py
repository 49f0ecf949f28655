"""``X-Twilio-Signature`` checks with the ``twilio`` package's ``RequestValidator``.

The signature covers the URL Twilio called, so the URL is rebuilt as Twilio saw it: from the
configured ``public_url`` when the receiver sits behind a proxy or a tunnel, else from
``X-Forwarded-Proto``/``X-Forwarded-Host`` when (and only when) the request came from a
configured trusted proxy, else from the request itself.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Mapping, Sequence
from urllib.parse import parse_qs, parse_qsl, urlparse, urlsplit, urlunsplit

__all__ = ["SignatureChecker"]

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class _MultiParams:
    """Form parameters with ``getall``, so ``RequestValidator`` signs repeated names."""

    __slots__ = ("_values",)

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        values: dict[str, list[str]] = {}
        for name, value in pairs:
            found = values.get(name)
            if found is None:
                values[name] = [value]
            else:
                found.append(value)
        self._values = values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __bool__(self) -> bool:
        return bool(self._values)

    def getall(self, name: str) -> list[str]:
        return self._values[name]


def _networks(values: Iterable[str]) -> tuple[_Network, ...]:
    out = []
    for value in values:
        if not isinstance(value, str):
            raise TypeError(f"trusted_proxies takes IP addresses or networks, got {value!r}")
        try:
            out.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ValueError(
                f"trusted_proxies takes IP addresses or networks like '10.0.0.0/8', got {value!r}"
            ) from None
    return tuple(out)


class SignatureChecker:
    """Checks ``X-Twilio-Signature`` against one or two tokens (the second during rotation).

    Args:
        tokens: the auth token(s) Twilio signs with; a request signed with any of them passes.
        public_url: the URL (or just the origin) Twilio calls, when it differs from what this
            server sees.  An origin (``https://hooks.example.com``) keeps the request's path; a
            URL with a path (``https://hooks.example.com/twilio``) replaces it.  The request's
            query string is always kept (``bodySHA256`` is part of it).  A ``#`` fragment
            (connection overrides such as ``#rc=5&rp=ct,rt,5xx``) may be given and is ignored.
        trusted_proxies: addresses or networks whose ``X-Forwarded-Proto`` and
            ``X-Forwarded-Host`` headers are believed.
    """

    def __init__(
        self,
        tokens: Sequence[str],
        *,
        public_url: str | None = None,
        trusted_proxies: Iterable[str] = (),
    ) -> None:
        from twilio.request_validator import RequestValidator

        if not tokens or not all(isinstance(t, str) and t for t in tokens):
            raise ValueError("An auth token (a non-empty string) is required to check signatures")
        self._validators = [RequestValidator(t) for t in tokens]
        self._public: tuple[str, str, str] | None = None
        if public_url is not None:
            parts = urlsplit(public_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(
                    f"public_url must be an absolute http(s) URL such as "
                    f"'https://hooks.example.com/twilio', got {public_url!r}"
                )
            if parts.query:
                raise ValueError("public_url must not carry a query")
            # a "#rc=...&rp=..." fragment (Twilio's connection overrides, as `Wiring` writes the
            # callback URLs) is neither sent nor signed by Twilio: it is dropped here
            path = parts.path if parts.path not in ("", "/") else ""
            self._public = (parts.scheme, parts.netloc, path)
        self._proxies = _networks(trusted_proxies)
        try:
            from twilio.request_validator import get_signature_algorithm
        except ImportError:  # older twilio: HMAC-SHA1 only
            get_signature_algorithm = None
        self._algorithm = get_signature_algorithm

    def _trusted(self, client: str | None) -> bool:
        if not self._proxies or not client:
            return False
        try:
            address = ipaddress.ip_address(client)
        except ValueError:
            return False
        return any(address in net for net in self._proxies)

    def public_url_of(self, url: str, headers: Mapping[str, str], client: str | None) -> str:
        """The URL Twilio called and signed, rebuilt from ``url`` as this server received it
        (without any ``#`` fragment: Twilio signs the URL without its connection overrides)."""
        scheme, netloc, path, query, _ = urlsplit(url)
        if self._public is not None:
            scheme, netloc, base = self._public
            if base:
                path = base
        elif self._trusted(client):
            proto = headers.get("x-forwarded-proto")
            host = headers.get("x-forwarded-host")
            if proto:
                scheme = proto.split(",")[-1].strip()
            if host:
                netloc = host.split(",")[-1].strip()
        return urlunsplit((scheme, netloc, path, query, ""))

    def check(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes,
        form: Sequence[tuple[str, str]] | None,
        client: str | None,
    ) -> bool:
        """Whether the request is signed by one of the tokens.

        ``form`` is the parsed form body (``None`` for a JSON or other body, whose hash must then
        be in the URL's ``bodySHA256``: a body not covered by the signature never passes).
        """
        signature = headers.get("x-twilio-signature")
        if not signature:
            return False
        public = self.public_url_of(url, headers, client)
        if method == "GET" or (form is None and not body):
            params: object = {}
        elif form is not None:
            params = _MultiParams(form)
        else:
            query = dict(parse_qsl(urlsplit(public).query))
            if "bodySHA256" not in query:
                return False
            try:
                params = body.decode("utf-8")
            except UnicodeDecodeError:
                return False
        algorithm: tuple[str, ...] = ()
        settings = headers.get("x-twilio-webhooks-signature-settings")
        if settings:
            if self._algorithm is None:
                return False
            algorithm = (self._algorithm(settings),)
        return self._matches(public, params, signature, algorithm)

    def _matches(
        self, public: str, params: object, signature: str, algorithm: tuple[str, ...]
    ) -> bool:
        """``RequestValidator.validate``'s rule (the URL with or without its default port, and
        ``bodySHA256`` for a JSON body), trying the URL as received first and stopping at the
        first match instead of always computing both signatures."""
        from twilio.request_validator import add_port, compare, remove_port

        parsed = urlparse(public)
        if isinstance(params, str):  # a JSON body: its hash is signed through the URL
            expected = parse_qs(parsed.query).get("bodySHA256", [""])[0]
            if not any(compare(v.compute_hash(params), expected) for v in self._validators):
                return False
            params = {}
        candidates = (public, remove_port(parsed), add_port(parsed))
        for validator in self._validators:
            tried: set[str] = set()
            for uri in candidates:
                if uri in tried:
                    continue
                tried.add(uri)
                if compare(validator.compute_signature(uri, params, *algorithm), signature):
                    return True
        return False

    def __repr__(self) -> str:
        return f"SignatureChecker(tokens={len(self._validators)}, public_url={self._public!r})"
