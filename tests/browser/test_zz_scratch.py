import pytest
from .axe import assert_accessible
def test_real_csp(live_server, page, page_no_js, mobile_page):
    for p in (page, page_no_js, mobile_page):
        r = p.goto(f"{live_server.url}/no-such-page")
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.status == 404 and p.get_attribute("html", "lang")
        assert_accessible(p, "404 with CSP")
        assert_accessible(p, "twice")

def test_no_js_broken(page_no_js):
    page_no_js.set_content('<html><body><img src="x.png"></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page_no_js)
    assert page_no_js.evaluate("1+1") == 2
