"""Credentials, region, edge and base URL resolution (no I/O beyond reading a mapping)."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from flexconv._core.errors import ConfigurationError, ValidationError

__all__ = ["PRODUCTS", "ClientConfig", "Secret", "resolve_config"]

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

    @cached_property
    def auth_header(self) -> str:
        """The HTTP Basic ``Authorization`` value (computed once; never in ``repr``)."""
        raw = f"{self.username}:{self.password.get()}".encode()
        return "Basic " + base64.b64encode(raw).decode()

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
        if not re.match(r"^https?://[^/]+", base_url):
            raise ConfigurationError(f"base_url must be an http(s) URL, got {base_url!r}")
        base_url = base_url.rstrip("/")
    return ClientConfig(
        account_sid=sid,
        username=username,
        password=Secret(password),
        region=region,
        edge=edge,
        base_url=base_url,
    )
