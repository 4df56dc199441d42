"""Decode a Bot API request the ways Telegram accepts: query string, JSON, form, multipart."""

from __future__ import annotations

import json
import mimetypes
from typing import Any

from aiohttp import web

from .spec import UploadedFile, bad_request


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Return (parameters, uploaded files by part name); a file part is also a parameter."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.method != "POST" or not request.body_exists:
        return params, files
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = json.loads(await request.text() or "{}")
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        params.update(body)
    elif content_type == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if part.name is None:
                continue
            if part.filename is not None:
                upload = UploadedFile(
                    field=part.name,
                    filename=part.filename,
                    content_type=_content_type(part.filename, part.headers.get("Content-Type")),
                    data=bytes(await part.read()),
                )
                files[part.name] = upload
                params[part.name] = upload
            else:
                params[part.name] = await part.text()
    else:
        form = await request.post()
        params.update({key: str(value) for key, value in form.items()})
    return params, files


def _content_type(filename: str, declared: str | None) -> str:
    """Telegram guesses the type from the file name when the client sent a generic one."""
    if declared and declared != "application/octet-stream":
        return declared
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
