"""Settings and the lock: names, language and country; the passphrase (encrypt, decrypt,
unlock, lock); deleting a conversation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from pushpull.assess.safety import region_from_locale
from pushpull.errors import PushPullError, StoreBusyError, UsageError, WrongPassphraseError
from pushpull.signals import languages
from pushpull.store import forget_conversation, list_conversations
from pushpull.web._conversations import conversation_facts
from pushpull.web._preferences import save_preferences
from pushpull.web._rendering import is_htmx, local_target, render, status_of
from pushpull.web._state import AppState, State
from pushpull.web._views import CHANGES, country_choices, language_choices, refuse_while_importing

__all__ = ["router"]

router = APIRouter()


def _settings(
    state: AppState,
    request: Request,
    *,
    status: int = 200,
    changed: str | None = None,
    problem: PushPullError | None = None,
) -> Response:
    with state.store() as store:
        conversations = list_conversations(store)
    return render(
        request,
        "settings.html",
        status=status,
        page="settings",
        languages=language_choices(),
        countries=country_choices(),
        browser_region=region_from_locale(request.headers.get("accept-language")),
        home=state.home,
        conversations=conversations,
        forgotten=None,
        encrypted=state.access.encrypted,
        idle_lock_minutes=round((state.config.idle_lock_s or 0) / 60),
        changed=changed,
        problem=problem,
    )


@router.get("/settings", response_class=HTMLResponse, include_in_schema=False)
def settings_page(state: State, request: Request, changed: str | None = None) -> Response:
    return _settings(state, request, changed=changed if changed in CHANGES else None)


@router.post("/settings", response_class=HTMLResponse, include_in_schema=False)
def save_settings(
    state: State,
    request: Request,
    names: Annotated[str | None, Form()] = None,
    language: Annotated[str | None, Form()] = None,
    country: Annotated[str | None, Form()] = None,
) -> Response:
    offered = {"auto", *languages()}
    countries = {"auto", *(code for code, _ in country_choices())}
    chosen = state.preferences.with_choices(
        names=names,
        language=language if language in offered else None,
        country=country if country in countries else None,
    )
    save_preferences(state.home, chosen)
    state.preferences = chosen
    if is_htmx(request):
        return render(request, "_saved.html")
    return RedirectResponse("/settings", status_code=303)


@router.post("/settings/encrypt", response_class=HTMLResponse, include_in_schema=False)
def encrypt(
    state: State,
    request: Request,
    passphrase: Annotated[str, Form()],
    repeated: Annotated[str, Form()],
) -> Response:
    try:
        refuse_while_importing(state)
        state.access.encrypt(passphrase, repeated=repeated)
    except (UsageError, StoreBusyError) as problem:
        return _settings(state, request, status=status_of(problem), problem=problem)
    return RedirectResponse("/settings?changed=encrypted", status_code=303)


@router.post("/settings/decrypt", response_class=HTMLResponse, include_in_schema=False)
def decrypt(state: State, request: Request, passphrase: Annotated[str, Form()]) -> Response:
    try:
        refuse_while_importing(state)
        state.access.decrypt(passphrase)
    except (UsageError, StoreBusyError, WrongPassphraseError) as problem:
        return _settings(state, request, status=status_of(problem), problem=problem)
    return RedirectResponse("/settings?changed=decrypted", status_code=303)


@router.get("/unlock", response_class=HTMLResponse, include_in_schema=False)
def unlock_page(state: State, request: Request, next: str = "/") -> Response:
    target = local_target(next)
    if not state.access.encrypted or state.access.unlocked:
        return RedirectResponse(target, status_code=303)
    return render(request, "unlock.html", page="", next_url=target, wrong=False)


@router.post("/unlock", response_class=HTMLResponse, include_in_schema=False)
def unlock(
    state: State,
    request: Request,
    passphrase: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = local_target(next)
    if state.access.encrypted:
        try:
            state.access.unlock(passphrase)
        except WrongPassphraseError:
            return render(request, "unlock.html", status=401, page="", next_url=target, wrong=True)
    return RedirectResponse(target, status_code=303)


@router.post("/lock", response_class=HTMLResponse, include_in_schema=False)
def lock(state: State, request: Request) -> Response:
    state.access.lock()
    return RedirectResponse("/unlock", status_code=303)


@router.post("/c/{conv_id}/forget", response_class=HTMLResponse, include_in_schema=False)
def forget(state: State, request: Request, conv_id: int) -> Response:
    with state.store() as store:
        facts = conversation_facts(store, conv_id)
        forget_conversation(store, facts.name)
        conversations = list_conversations(store)
    state.forget_cached(lambda key: not (isinstance(key, tuple) and key[0] == conv_id))
    if is_htmx(request):
        return render(
            request,
            "_manage.html",
            conversations=conversations,
            forgotten=(
                f"Conversation {conv_id}" if state.preferences.names == "roles" else facts.name
            ),
        )
    return RedirectResponse("/settings", status_code=303)
