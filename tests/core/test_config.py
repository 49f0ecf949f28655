"""Credentials, region, edge and base URL resolution (flexconv._core.config)."""

from __future__ import annotations

import base64
import pickle
from typing import Any

import pytest

from flexconv import ConfigurationError, ValidationError
from flexconv._core.config import ClientConfig, Secret, resolve_config
from tests.fakes import ACCOUNT_SID, API_KEY, API_SECRET, AUTH_TOKEN, make_config


def resolve(env: dict[str, str] | None = None, **kw: Any) -> ClientConfig:
    args: dict[str, Any] = dict.fromkeys(
        ("account_sid", "auth_token", "api_key", "api_secret", "region", "edge", "base_url")
    )
    args.update(kw)
    return resolve_config(env=env or {}, **args)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_arguments() -> None:
    config = resolve(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN)
    assert config.account_sid == ACCOUNT_SID
    assert config.username == ACCOUNT_SID
    assert config.password.get() == AUTH_TOKEN
    assert config.auth_header == basic(ACCOUNT_SID, AUTH_TOKEN)
    assert (config.region, config.edge, config.base_url) == (None, None, None)


def test_environment_mapping() -> None:
    env = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_REGION": "ie1",
        "TWILIO_EDGE": "dublin",
    }
    config = resolve(env)
    assert config.account_sid == ACCOUNT_SID
    assert config.password.get() == AUTH_TOKEN
    assert (config.region, config.edge) == ("ie1", "dublin")


def test_arguments_win_over_the_environment() -> None:
    other = "AC" + "f" * 32
    config = resolve(
        {"TWILIO_ACCOUNT_SID": other, "TWILIO_AUTH_TOKEN": "envtoken", "TWILIO_REGION": "au1"},
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
    )
    assert config.account_sid == ACCOUNT_SID
    assert config.password.get() == AUTH_TOKEN
    assert config.region == "au1"


def test_base_url_from_the_environment_and_argument_wins() -> None:
    env = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "FLEXCONV_BASE_URL": "http://127.0.0.1:8080/",
    }
    assert resolve(env).base_url == "http://127.0.0.1:8080"
    assert resolve(env, base_url="http://127.0.0.1:9000").base_url == "http://127.0.0.1:9000"
    assert resolve({**env, "FLEXCONV_BASE_URL": ""}).base_url is None


def test_api_key_and_secret() -> None:
    config = resolve(account_sid=ACCOUNT_SID, api_key=API_KEY, api_secret=API_SECRET)
    assert config.username == API_KEY
    assert config.password.get() == API_SECRET
    assert config.auth_header == basic(API_KEY, API_SECRET)
    assert config.account_sid == ACCOUNT_SID


def test_api_key_from_env_is_preferred_over_auth_token() -> None:
    env = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_API_KEY": API_KEY,
        "TWILIO_API_SECRET": API_SECRET,
    }
    assert resolve(env).username == API_KEY


def test_empty_env_values_count_as_missing() -> None:
    with pytest.raises(ConfigurationError, match="No account SID"):
        resolve({"TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": AUTH_TOKEN})


def test_missing_account_sid_names_what_and_where() -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve(auth_token=AUTH_TOKEN)
    text = str(info.value)
    assert "account_sid=" in text
    assert "TWILIO_ACCOUNT_SID" in text
    assert "environment" in text


def test_missing_credentials_names_every_option() -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve(account_sid=ACCOUNT_SID)
    text = str(info.value)
    for needle in (
        "auth_token=",
        "TWILIO_AUTH_TOKEN",
        "api_key=",
        "TWILIO_API_KEY",
        "TWILIO_API_SECRET",
    ):
        assert needle in text


@pytest.mark.parametrize(
    ("kw", "missing"),
    [
        ({"api_key": API_KEY}, "api_secret (TWILIO_API_SECRET)"),
        ({"api_secret": API_SECRET}, "api_key (TWILIO_API_KEY)"),
    ],
)
def test_half_an_api_key_is_refused(kw: dict[str, str], missing: str) -> None:
    with pytest.raises(
        ConfigurationError, match=r"missing " + missing.replace("(", r"\(").replace(")", r"\)")
    ):
        resolve(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, **kw)


@pytest.mark.parametrize("bad", ["AC123", "SK" + "a" * 32, "AC" + "z" * 32, "ac" + "a" * 32])
def test_malformed_account_sid_from_argument(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="The account SID from the argument is malformed"):
        resolve(account_sid=bad, auth_token=AUTH_TOKEN)


def test_malformed_account_sid_from_env_names_the_variable_but_not_the_value() -> None:
    bad = "AC-not-really-a-sid-but-maybe-a-token"
    with pytest.raises(ConfigurationError) as info:
        resolve({"TWILIO_ACCOUNT_SID": bad, "TWILIO_AUTH_TOKEN": AUTH_TOKEN})
    assert "the environment variable TWILIO_ACCOUNT_SID" in str(info.value)
    assert bad not in str(info.value)


def test_malformed_api_key_sid() -> None:
    with pytest.raises(ConfigurationError, match="The API key SID from the argument"):
        resolve(account_sid=ACCOUNT_SID, api_key="AC" + "a" * 32, api_secret=API_SECRET)


def test_account_sid_with_trailing_newline_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        resolve(account_sid=ACCOUNT_SID + "\n", auth_token=AUTH_TOKEN)


def test_region_with_trailing_newline_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        resolve(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, region="ie1\n")


@pytest.mark.parametrize("bad", ["ie 1", "-ie1", "ie1.", "ie_1"])
def test_malformed_region_or_edge(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="Malformed region"):
        resolve(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, region=bad)
    with pytest.raises(ConfigurationError, match="Malformed edge"):
        resolve(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, edge=bad)


def test_region_is_case_insensitive() -> None:
    config = resolve(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, region="IE1")
    assert config.region == "ie1"


# ------------------------------------------------------------------------------ hostnames


def test_default_hosts() -> None:
    config = make_config()
    assert config.product_origin("conversations") == "https://conversations.twilio.com"
    assert config.product_origin("flex-api") == "https://flex-api.twilio.com"
    assert config.product_origin("api") == "https://api.twilio.com"
    assert config.effective_region == "us1"


def test_region_and_edge() -> None:
    config = make_config(region="us1", edge="ashburn")
    assert config.product_origin("conversations") == "https://conversations.ashburn.us1.twilio.com"


def test_edge_without_region_means_us1() -> None:
    config = make_config(edge="ashburn")
    assert config.product_origin("taskrouter") == "https://taskrouter.ashburn.us1.twilio.com"
    assert config.product_origin("flex-api") == "https://flex-api.ashburn.us1.twilio.com"


def test_region_without_edge_uses_the_region_default_edge() -> None:
    assert make_config(region="ie1").product_origin("conversations") == (
        "https://conversations.dublin.ie1.twilio.com"
    )
    assert make_config(region="au1").product_origin("studio") == (
        "https://studio.sydney.au1.twilio.com"
    )


@pytest.mark.parametrize("kw", [{"region": "ie1"}, {"region": "au1", "edge": "sydney"}])
def test_flex_outside_us1_is_a_configuration_error(kw: dict[str, str]) -> None:
    config = make_config(**kw)
    with pytest.raises(ConfigurationError, match="US1 only"):
        config.product_origin("flex-api")
    # other products still work in that region
    assert config.product_origin("conversations").endswith(f".{kw['region']}.twilio.com")


def test_base_url_puts_products_under_a_path_prefix() -> None:
    config = make_config(base_url="http://127.0.0.1:8080/")
    assert config.base_url == "http://127.0.0.1:8080"
    assert config.product_origin("flex-api") == "http://127.0.0.1:8080/flex-api"
    assert config.product_origin("conversations") == "http://127.0.0.1:8080/conversations"


def test_base_url_skips_the_us1_rule() -> None:
    config = make_config(base_url="https://proxy.example/tw", region="ie1")
    assert config.product_origin("flex-api") == "https://proxy.example/tw/flex-api"


@pytest.mark.parametrize("bad", ["127.0.0.1:8080", "ftp://x", "https://"])
def test_base_url_must_be_http(bad: str) -> None:
    with pytest.raises(ValidationError, match="base_url must be an http"):
        make_config(base_url=bad)


def test_unknown_product() -> None:
    with pytest.raises(ValidationError, match="Unknown product"):
        make_config().product_origin("sync")


# ------------------------------------------------------------------------------ secrets


def test_secret_never_shows_itself() -> None:
    secret = Secret(AUTH_TOKEN)
    assert AUTH_TOKEN not in repr(secret)
    assert AUTH_TOKEN not in str(secret)
    assert AUTH_TOKEN not in f"{secret}"
    assert secret.get() == AUTH_TOKEN
    assert secret == Secret(AUTH_TOKEN)
    assert secret != Secret("other")


def test_secret_refuses_to_be_pickled() -> None:
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(Secret(AUTH_TOKEN))


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"api_key": API_KEY, "api_secret": API_SECRET, "auth_token": None},
        {"base_url": "http://localhost:1"},
        {"region": "ie1", "edge": "dublin"},
    ],
)
def test_client_config_repr_and_str_hide_the_secret(kw: dict[str, Any]) -> None:
    config = make_config(**kw)
    for text in (repr(config), str(config), f"{config!r}"):
        assert AUTH_TOKEN not in text
        assert API_SECRET not in text
        assert config.auth_header.split()[1] not in text
        assert ACCOUNT_SID in text
