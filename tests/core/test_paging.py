"""List envelopes: the v1/v2 meta block and the 2010 API's next_page_uri."""

from __future__ import annotations

import pytest

from flexconv import APIStatusError, ValidationError
from flexconv._core.paging import check_page_size, parse_page
from tests.fakes import v1_page

URL = "https://conversations.twilio.com/v1/Conversations?PageSize=2"
NEXT = "https://conversations.twilio.com/v1/Conversations?PageSize=2&Page=1&PageToken=PT1"


def test_v1_meta_with_a_next_page() -> None:
    data = v1_page([{"sid": "a"}, {"sid": "b"}], key="conversations", url=URL, next_page_url=NEXT)
    assert parse_page(data, "conversations", URL) == ([{"sid": "a"}, {"sid": "b"}], NEXT)


def test_v1_last_page() -> None:
    data = v1_page([{"sid": "c"}], key="conversations", url=URL, next_page_url=None)
    assert parse_page(data, "conversations", URL) == ([{"sid": "c"}], None)
    data["meta"]["next_page_url"] = ""
    assert parse_page(data, "conversations", URL)[1] is None


def test_meta_key_names_the_list() -> None:
    data = {"channels": [{"sid": "TC1"}], "meta": {"key": "channels", "next_page_url": None}}
    assert parse_page(data, "task_channels", URL) == ([{"sid": "TC1"}], None)


def test_list_key_used_when_meta_has_no_key() -> None:
    data = {"workers": [1, 2], "meta": {"next_page_url": None}}
    assert parse_page(data, "workers", URL) == ([1, 2], None)


def test_empty_page() -> None:
    assert parse_page({"meta": {"key": "x"}}, "x", URL) == ([], None)


def test_2010_next_page_uri_is_relative_to_api_twilio_com() -> None:
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=2"
    data = {
        "messages": [{"sid": "SM1"}],
        "next_page_uri": "/2010-04-01/Accounts/AC1/Messages.json?PageSize=2&Page=1&PageToken=PASM1",
        "page": 0,
    }
    items, nxt = parse_page(data, "messages", url)
    assert items == [{"sid": "SM1"}]
    assert nxt == (
        "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=2&Page=1&PageToken=PASM1"
    )


def test_2010_next_page_uri_keeps_the_base_url_prefix() -> None:
    url = "http://127.0.0.1:8080/api/2010-04-01/Accounts/AC1/Messages.json"
    data = {"messages": [], "next_page_uri": "/2010-04-01/Accounts/AC1/Messages.json?Page=1"}
    assert parse_page(data, "messages", url)[1] == (
        "http://127.0.0.1:8080/api/2010-04-01/Accounts/AC1/Messages.json?Page=1"
    )


def test_2010_last_page() -> None:
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"
    assert parse_page({"messages": [], "next_page_uri": None}, "messages", url) == ([], None)


@pytest.mark.parametrize("data", [[], "x", None])
def test_non_object_is_an_error(data: object) -> None:
    with pytest.raises(APIStatusError, match="not a JSON object"):
        parse_page(data, "x", URL)


def test_list_key_not_a_list_is_an_error() -> None:
    with pytest.raises(APIStatusError, match="did not hold a list"):
        parse_page({"x": {"a": 1}, "meta": {"key": "x"}}, "x", URL)


@pytest.mark.parametrize("size", [1, 50, 100, None])
def test_page_size_accepted(size: int | None) -> None:
    assert check_page_size(size, 100, "conversations.list") == size


@pytest.mark.parametrize("size", [0, -1, True, 2.5, "10"])
def test_page_size_must_be_a_positive_int(size: object) -> None:
    with pytest.raises(ValidationError, match="positive integer"):
        check_page_size(size, 100, "op")  # type: ignore[arg-type]


def test_page_size_above_the_maximum() -> None:
    with pytest.raises(ValidationError, match=r"above webhooks\.list's maximum of 5"):
        check_page_size(6, 5, "webhooks.list")
