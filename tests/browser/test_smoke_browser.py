from tests.browser.conftest import login, screenshot


def test_login_page_renders_in_indonesian_without_script_errors(page, live_server, make_user):
    user = make_user("front_office", username="kasir")
    login(page, live_server, user.username, "correct-horse-battery")
    assert page.url.endswith("/kasus/hari-ini")
    assert page.get_by_role("heading", name="Pendaftaran hari ini di kantor Anda").is_visible()
    screenshot(page, "smoke-today")
    assert page.js_errors == []
