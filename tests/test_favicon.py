"""The portal's icon: linked from every page, and /favicon.ico (which browsers ask for
whatever a page links) sends anyone, signed in or not, on to the same file, which is
served."""

from urllib.request import urlopen

from django.templatetags.static import static

from . import factories


def test_favicon_ico_leads_to_the_icon_that_is_served(client, db, live_server):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url == static("favicon.svg")
    # A browser follows it to the file (the live server serves the static files).
    with urlopen(f"{live_server.url}/favicon.ico") as icon:
        assert icon.url == f"{live_server.url}{static('favicon.svg')}"
        assert icon.headers["Content-Type"].startswith("image/svg+xml")
        assert icon.read().startswith(b"<svg")


def test_every_page_links_the_icon(client, db):
    link = f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">'
    assert link in client.get("/").content.decode()
    client.force_login(factories.UserFactory())
    assert link in client.get("/profile/").content.decode()
