import pytest

from browser.conftest import call

pytestmark = pytest.mark.browser


def test_selftest_page_loads_under_csp(selftest_page, engine):
    env = call(selftest_page, "peluitTest.environment")
    assert env["argon2Path"] == ("noble" if engine == "chromium-jitless" else "sodium")
    assert env["secureContext"] is True
