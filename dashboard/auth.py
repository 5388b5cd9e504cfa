"""Accounts for a dashboard served beyond this computer: Flask-Login sessions, a sign-in page,
and a guard in front of every request. Who may see which person or session is decided in
:mod:`tracker.app.accounts`; this module only knows who is signed in.

The guard gives an anonymous visitor the sign-in page (403 for the dashboard's own data
requests) and a signed-in account a real 403 for the address of someone else's person or
session, before any page is built.
"""

from __future__ import annotations

import html as htmlmod
import re
import secrets

import flask
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from dashboard.context import accounts_required, reading
from tracker.app.accounts import authenticate, check_person, check_session
from tracker.errors import AccessDeniedError, ReptrackError

#: what an anonymous visitor may fetch: the sign-in page and the app's static files (no data)
PUBLIC = re.compile(r"^/(login|logout|assets/.*|_dash-component-suites/.*|_favicon\.ico|favicon\.ico)$")
#: addresses of one person's data, checked before the page is built
PERSON_URL = re.compile(r"^/person/(\d+)/?$")
SESSION_URL = re.compile(r"^/(?:session|live|export/session)/(\d+)(?:\.\w+)?/?$")


class Account(UserMixin):  # type: ignore[misc]
    def __init__(self, name: str) -> None:
        self.id = name


def install(server: flask.Flask) -> None:
    """Sign-in, sign-out and the guard, on the dashboard's Flask server."""
    server.secret_key = secrets.token_bytes(32)  # per run: a restart signs everyone out
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_HTTPONLY=True,
                         REMEMBER_COOKIE_SAMESITE="Lax")
    manager = LoginManager()
    manager.init_app(server)
    manager.user_loader(lambda name: Account(name))
    server.add_url_rule("/login", "login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", _logout)
    server.before_request(_guard)


def _page(body: str, status: int = 200) -> flask.Response:
    doc = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width, "
           "initial-scale=1'><title>reptrack</title><link rel='stylesheet' href='/assets/style.css'></head><body>"
           f"<div class='login-wrap'><div class='brand'>reptrack</div>{body}</div></body></html>")
    return flask.Response(doc, status=status, mimetype="text/html")


def _login() -> flask.Response:
    if not accounts_required():
        return flask.redirect("/")  # type: ignore[return-value]
    error = ""
    nxt = flask.request.values.get("next", "/")
    if not nxt.startswith("/") or nxt.startswith("//"):
        nxt = "/"  # only our own pages
    if flask.request.method == "POST":
        name = flask.request.form.get("name", "")
        password = flask.request.form.get("password", "")
        try:
            with reading() as store:
                viewer = authenticate(store, name, password)
        except ReptrackError:
            viewer = None
        if viewer is not None:
            login_user(Account(viewer.name))
            return flask.redirect(nxt)  # type: ignore[return-value]
        error = "<p class='login-error'>That name and password do not match an account.</p>"
    return _page(f"""<form method='post' class='login-card' action='/login'>
      <h1>Sign in</h1>{error}
      <input type='hidden' name='next' value='{htmlmod.escape(nxt, quote=True)}'>
      <label>Name<input name='name' id='login-name' autocomplete='username' required></label>
      <label>Password<input name='password' id='login-password' type='password' autocomplete='current-password' required></label>
      <button type='submit' id='login-submit' class='button'>Sign in</button></form>""", 401 if error else 200)


def _logout() -> flask.Response:
    logout_user()
    return flask.redirect("/login")  # type: ignore[return-value]


def _guard() -> flask.Response | None:
    if not accounts_required():
        return None
    path = flask.request.path
    if PUBLIC.match(path):
        return None
    if not current_user.is_authenticated:
        if flask.request.method == "GET" and not path.startswith("/_dash"):
            return flask.redirect(f"/login?next={flask.request.full_path.rstrip('?')}")  # type: ignore[return-value]
        return flask.Response("sign in first", status=403, mimetype="text/plain")
    m_person, m_session = PERSON_URL.match(path), SESSION_URL.match(path)
    if m_person or m_session:
        try:
            with reading() as store:
                from tracker.app.accounts import account

                viewer = account(store, current_user.id)
                if viewer is None:
                    raise AccessDeniedError("no such account")
                if m_person:
                    check_person(store, viewer, int(m_person.group(1)))
                elif m_session:
                    check_session(store, viewer, int(m_session.group(1)))
        except AccessDeniedError:
            return _page("<div class='login-card'><h1>403 · Not yours to see</h1><p>This page belongs to someone else's care.</p>"
                         "<a class='button' href='/'>Your overview</a> <a href='/logout'>Sign out</a></div>", 403)
        except ReptrackError:
            return None  # the page itself says what is wrong with the store
    return None
