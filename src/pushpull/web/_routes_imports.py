"""Importing: the upload (streamed to a private folder), its progress, and choosing which
person is the user."""

from __future__ import annotations

import shutil
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response

from pushpull.store import list_conversations, set_me
from pushpull.web._conversations import conversation_facts
from pushpull.web._imports import ImportJob
from pushpull.web._rendering import is_htmx, render
from pushpull.web._state import AppState, State
from pushpull.web._upload import receive_upload
from pushpull.web._views import opened_by

__all__ = ["router"]

router = APIRouter()


def _check_unlocked(state: AppState) -> None:
    with state.store():
        pass


@router.post("/import", response_class=HTMLResponse, include_in_schema=False)
async def upload(state: State, request: Request) -> Response:
    # a locked store asks for its passphrase before the upload, not after it
    await run_in_threadpool(_check_unlocked, state)
    folder = state.jobs.private_folder()
    try:
        target = await receive_upload(
            request,
            folder,
            csrf=state.csrf,
            max_file_bytes=state.config.max_upload_bytes,
            max_field_bytes=state.config.max_form_bytes,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job = state.jobs.start(folder, target)
    if is_htmx(request):
        return render(request, "_import.html", job=job, opened=[])
    return await run_in_threadpool(_after_upload, state, request, job)


def _after_upload(state: AppState, request: Request, job: ImportJob) -> Response:
    """The page a browser without JavaScript gets once its import has finished."""
    job.finished.wait()
    if job.error is not None:
        raise job.error
    with state.store() as store:
        conversations = list_conversations(store)
    return render(
        request,
        "start.html",
        page="start",
        conversations=conversations,
        job=job,
        opened=opened_by(state, job),
    )


@router.get("/imports/{job_id}", response_class=HTMLResponse, include_in_schema=False)
def import_status(state: State, request: Request, job_id: str) -> Response:
    job = state.jobs.get(job_id)
    if job is None:
        raise StarletteHTTPException(404)
    if job.state == "failed" and job.error is not None:
        raise job.error
    if job.state != "done":
        return render(request, "_import.html", job=job, opened=[])
    with state.store() as store:
        conversations = list_conversations(store)
    # the list below the upload box follows (out of band), so it never says "nothing yet"
    return render(
        request,
        "_import.html",
        job=job,
        opened=opened_by(state, job),
        conversations=conversations,
        swap_list=True,
    )


@router.post("/c/{conv_id}/me", response_class=HTMLResponse, include_in_schema=False)
def choose_me(
    state: State, request: Request, conv_id: int, name: Annotated[str, Form()]
) -> Response:
    with state.store() as store:
        facts = conversation_facts(store, conv_id)
        set_me(store, facts.name, name)
    url = f"/c/{conv_id}"
    if is_htmx(request):
        return render(request, "_going.html", name=name, url=url)
    return RedirectResponse(url, status_code=303)
