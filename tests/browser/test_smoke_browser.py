from tests.browser.conftest import login, screenshot


def test_login_page_renders_in_indonesian_without_script_errors(page, live_server, make_user):
    user = make_user("front_office", username="kasir")
    login(page, live_server, user.username, "correct-horse-battery")
    assert page.url.rstrip("/") == live_server.rstrip("/")  # the counter lands on its home page
    assert page.get_by_role("heading", name="Loket hari ini").is_visible()
    screenshot(page, "smoke-today")
    assert page.js_errors == []
