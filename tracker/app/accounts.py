"""Dashboard accounts and the one rule of who may see what.

A :class:`Viewer` is whoever looks at the dashboard: the local user (the dashboard bound to
127.0.0.1 without accounts: everything in their own store), a therapist account (the people
on that therapist's list) or a patient account (their own person only). Every page and
export asks here (:func:`check_person`, :func:`check_session`, :func:`visible_people`,
:func:`check_may_write_notes`); none decides on its own.

Passwords are hashed with Werkzeug's ``generate_password_hash`` (scrypt, salted); the store
keeps only the hash.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tracker.errors import AccessDeniedError, InvalidValueError
from tracker.store import Person, SessionInfo, Store, UserRecord

#: shorter passwords are refused: an account on a network address guards health data
MIN_PASSWORD_CHARS = 8


class Role(enum.Enum):
    LOCAL = "local"  # the one local user of a dashboard on 127.0.0.1 without accounts
    THERAPIST = "therapist"
    PATIENT = "patient"


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the role, the account's name, and what the role is tied to."""

    role: Role
    name: str
    therapist: str | None = None  # THERAPIST: whose list
    person_id: int | None = None  # PATIENT: their own person

    @property
    def writes_notes(self) -> bool:
        """Therapists write notes (the local user is their own therapist)."""
        return self.role in (Role.THERAPIST, Role.LOCAL)


LOCAL_VIEWER = Viewer(Role.LOCAL, "local")


def viewer_of(user: UserRecord) -> Viewer:
    role = Role(user.role)
    return Viewer(role, user.name, therapist=user.therapist if role is Role.THERAPIST else None,
                  person_id=user.person_id if role is Role.PATIENT else None)


def add_user(store: Store, name: str, role: Role, password: str) -> Viewer:
    """A dashboard account. A therapist account sees the people whose therapist has ``name``
    (``reptrack prescribe --therapist NAME`` puts them there); a patient account is the person
    called ``name`` (who must exist) and sees only their own data.

    Raises
    ------
    InvalidValueError
        A password shorter than :data:`MIN_PASSWORD_CHARS`, or the local role.
    ConfigurationError
        An account of that name exists; no person of that name (patient).
    """
    from werkzeug.security import generate_password_hash

    if role is Role.LOCAL:
        raise InvalidValueError("role", "is therapist or patient")
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidValueError("password", f"needs at least {MIN_PASSWORD_CHARS} characters")
    return viewer_of(store.add_user(name, role.value, generate_password_hash(password)))


def authenticate(store: Store, name: str, password: str) -> Viewer | None:
    """The account's viewer when ``password`` is right; ``None`` otherwise (which of the two
    was wrong is not said)."""
    from werkzeug.security import check_password_hash

    user = store.user(name) if name else None
    if user is None:
        check_password_hash("scrypt:32768:8:1$x$" + "0" * 128, password)  # the same time whether the name exists or not
        return None
    return viewer_of(user) if check_password_hash(user.password_hash, password) else None


def account(store: Store, name: str) -> Viewer | None:
    """The viewer of a signed-in account, as the store has it now (``None``: deleted since)."""
    user = store.user(name)
    return None if user is None else viewer_of(user)


def has_accounts(store: Store) -> bool:
    return store.user_count() > 0


def _may_see(viewer: Viewer, person: Person) -> bool:
    if viewer.role is Role.LOCAL:
        return True
    if viewer.role is Role.PATIENT:
        return person.id == viewer.person_id
    return person.therapist is not None and viewer.therapist is not None and person.therapist == viewer.therapist


def visible_people(store: Store, viewer: Viewer) -> list[Person]:
    """The people ``viewer`` may see, by name."""
    return [p for p in store.people() if _may_see(viewer, p)]


def check_person(store: Store, viewer: Viewer, person_id: int) -> Person:
    """The person ``person_id`` when ``viewer`` may see them.

    Raises
    ------
    AccessDeniedError
        Not theirs to see -- also when there is no such person, so an account cannot probe ids.
    """
    from tracker.errors import NotFoundError

    try:
        person = store.person_by_id(person_id)
    except NotFoundError:
        if viewer.role is Role.LOCAL:
            raise
        raise AccessDeniedError("not yours to see") from None
    if not _may_see(viewer, person):
        raise AccessDeniedError("not yours to see")
    return person


def check_session(store: Store, viewer: Viewer, session_id: int) -> SessionInfo:
    """The session ``session_id`` when ``viewer`` may see it (see :func:`check_person`)."""
    from tracker.errors import NotFoundError

    try:
        info = store.session(session_id)
    except NotFoundError:
        if viewer.role is Role.LOCAL:
            raise
        raise AccessDeniedError("not yours to see") from None
    assert info.person_id is not None
    check_person(store, viewer, info.person_id)
    return info


def check_may_write_notes(viewer: Viewer) -> None:
    if not viewer.writes_notes:
        raise AccessDeniedError("notes are written by therapists")
