"""Credentials, region, edge and base URL resolution (no I/O beyond reading a mapping)."""

from __future__ import annotations

import base64
import ipaddress
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

from flexconv._core.errors import ConfigurationError, ValidationError

__all__ = [
    "PRODUCTS",
    "ClientConfig",
    "Secret",
    "check_base_url",
    "is_loopback",
    "resolve_config",
]

#: Product keys, the first label of each product's hostname.
PRODUCTS = ("flex-api", "conversations", "taskrouter", "studio", "messaging", "api")

#: Products that exist in US1 only.
US1_ONLY = frozenset({"flex-api"})

_SID = re.compile(r"^[0-9a-fA-F]{32}$")
_LABEL = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Secret:
    """A secret string that never shows itself in ``repr``, ``str`` or logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        """The secret value.  Only the transport's auth header needs it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("Secrets are not pickled")


def _check_sid(value: str, prefix: str, what: str, source: str) -> None:
    if not (len(value) == 34 and value.startswith(prefix) and _SID.fullmatch(value[2:])):
        raise ConfigurationError(
            f"{what} from {source} is malformed: expected {prefix} followed by 32 hex digits, "
            f"got a value of length {len(value)} starting with {value[:2]!r}"
        )


@dataclass(frozen=True, repr=False)
class ClientConfig:
    """Resolved client settings.  The secret is a [`Secret`][flexconv._core.config.Secret] and never printed."""

    account_sid: str
    username: str
    password: Secret
    region: str | None = None
    edge: str | None = None
    base_url: str | None = None

    def __repr__(self) -> str:
        where = self.base_url or f"region={self.region or 'us1'}, edge={self.edge or '-'}"
        return (
            f"ClientConfig(account_sid={self.account_sid!r}, username={self.username!r}, {where})"
        )

    @property
    def auth_header(self) -> str:
        """The HTTP Basic `Authorization` value (never in `repr`).

        Computed once and cached inside a `Secret`, not as a plain string attribute: the
        header is the reversible base64 of `user:secret`, so `vars(config)` must not show it.
        """
        cached: Secret | None = self.__dict__.get("_auth_header")
        if cached is None:
            raw = f"{self.username}:{self.password.get()}".encode()
            cached = Secret("Basic " + base64.b64encode(raw).decode())
            object.__setattr__(self, "_auth_header", cached)
        return cached.get()

    @property
    def effective_region(self) -> str:
        return self.region or "us1"

    def product_origin(self, product: str) -> str:
        """The URL prefix of a product: ``https://{product}[.{edge}.{region}].twilio.com``.

        With ``base_url`` every product goes to one origin under a ``/{product}`` path prefix,
        which keeps products with the same paths (Flex and Conversations ``/v1/Configuration``)
        apart.
        """
        if product not in PRODUCTS:
            raise ValidationError(
                f"Unknown product {product!r}; expected one of {', '.join(PRODUCTS)}"
            )
        if self.base_url:
            return f"{self.base_url}/{product}"
        if product in US1_ONLY and self.effective_region != "us1":
            raise ConfigurationError(
                f"Flex and the Interactions API exist in US1 only; this client is configured for "
                f"region {self.region!r}. Use a client without region for Flex calls."
            )
        if self.edge or self.region:
            edge = self.edge or _DEFAULT_EDGE.get(self.effective_region, "")
            labels = ".".join(x for x in (edge, self.effective_region) if x)
            return f"https://{product}.{labels}.twilio.com"
        return f"https://{product}.twilio.com"


#: The default edge per region when only a region is given (the edge-less form is retired).
_DEFAULT_EDGE = {
    "us1": "ashburn",
    "ie1": "dublin",
    "au1": "sydney",
    "us2": "umatilla",
    "jp1": "tokyo",
}


_LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an IP literal, without brackets) is this machine."""
    host = host.lower()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: object, *, allow_insecure_http: bool = False) -> str:
    """``base_url`` without a trailing slash, when it is safe to send credentials to.

    Refused (a `ValidationError`, whose message never repeats what could be a secret):
    anything but ``http(s)://host[:port][/path]``; user info (``user:password@``), which would
    replace the client's credentials; a query or fragment, which would send every product to the
    same path; and plain ``http`` to a host other than this machine (127.0.0.0/8, ``::1``,
    ``localhost``), which would send the credentials in clear text, unless
    ``allow_insecure_http`` says so explicitly.
    """
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be a string, got {type(base_url).__name__}")
    if re.search(r"[\x00-\x20\x7f]", base_url):
        raise ValidationError("base_url must not contain spaces or control characters")
    try:
        parts = urllib.parse.urlsplit(base_url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        raise ValidationError(
            "base_url is not a valid URL: expected http(s)://host[:port][/path]"
        ) from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationError(
            "base_url must be an http(s) URL such as https://proxy.example or http://127.0.0.1:8080"
        )
    if "@" in parts.netloc:
        raise ValidationError(
            "base_url must not carry user info (user:password@host): pass the credentials as "
            "account_sid/auth_token or api_key/api_secret instead"
        )
    origin = f"{parts.scheme}://{host if ':' not in host else f'[{host}]'}"
    if port is not None:
        origin += f":{port}"
    if "?" in base_url or "#" in base_url:
        raise ValidationError(
            f"base_url must not have a query or fragment (the URL of {origin}): each product's "
            "path is appended to it"
        )
    if parts.scheme == "http" and not is_loopback(host) and not allow_insecure_http:
        raise ValidationError(
            f"base_url {origin} uses plain http to a host that is not this machine: the "
            "credentials would cross the network in clear text. Use https, a loopback address "
            "(127.0.0.1, ::1, localhost), or pass allow_insecure_http=True to accept the risk"
        )
    return base_url.rstrip("/")


def resolve_config(
    *,
    account_sid: str | None,
    auth_token: str | None,
    api_key: str | None,
    api_secret: str | None,
    region: str | None,
    edge: str | None,
    base_url: str | None,
    env: Mapping[str, str],
    allow_insecure_http: bool = False,
) -> ClientConfig:
    """Resolve settings from arguments first, then ``TWILIO_*`` variables in ``env``.

    ``FLEXCONV_BASE_URL`` in ``env`` plays the part of ``base_url`` (point an unchanged app at
    `flexconv emulator serve`).

    Raises [`ConfigurationError`][flexconv._core.errors.ConfigurationError] naming what is missing and where it was looked for.
    """

    def pick(arg: str | None, name: str) -> tuple[str | None, str]:
        if arg is not None:
            return arg, "the argument"
        value = env.get(name) or None
        return value, f"the environment variable {name}"

    sid, sid_src = pick(account_sid, "TWILIO_ACCOUNT_SID")
    token, _ = pick(auth_token, "TWILIO_AUTH_TOKEN")
    key, key_src = pick(api_key, "TWILIO_API_KEY")
    secret, _ = pick(api_secret, "TWILIO_API_SECRET")
    region, _ = pick(region, "TWILIO_REGION")
    edge, _ = pick(edge, "TWILIO_EDGE")
    base_url, _ = pick(base_url, "FLEXCONV_BASE_URL")
    if not sid:
        raise ConfigurationError(
            "No account SID: pass account_sid= or set TWILIO_ACCOUNT_SID "
            "(looked in the arguments and the environment)"
        )
    _check_sid(sid, "AC", "The account SID", sid_src)
    if key or secret:
        if not (key and secret):
            missing = "api_secret (TWILIO_API_SECRET)" if key else "api_key (TWILIO_API_KEY)"
            raise ConfigurationError(
                f"API key credentials need both a key SID and a secret; missing {missing} "
                "(looked in the arguments and the environment)"
            )
        _check_sid(key, "SK", "The API key SID", key_src)
        username, password = key, secret
    elif token:
        username, password = sid, token
    else:
        raise ConfigurationError(
            "No credentials: pass auth_token= (or TWILIO_AUTH_TOKEN), or api_key= and api_secret= "
            "(or TWILIO_API_KEY and TWILIO_API_SECRET); looked in the arguments and the environment"
        )
    region = region.lower() if region else None
    edge = edge.lower() if edge else None
    for value, what in ((region, "region"), (edge, "edge")):
        if value is not None and not _LABEL.fullmatch(value):
            raise ConfigurationError(
                f"Malformed {what} {value!r}: expected a hostname label like 'ie1'"
            )
    if base_url is not None:
        base_url = check_base_url(base_url, allow_insecure_http=allow_insecure_http)
    return ClientConfig(
        account_sid=sid,
        username=username,
        password=Secret(password),
        region=region,
        edge=edge,
        base_url=base_url,
    )
