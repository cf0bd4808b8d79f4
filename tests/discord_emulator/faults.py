"""Injected REST failures: rate limits (429) and server errors (5xx), answered the way Discord does."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from http import HTTPStatus

from aiohttp import web

from .rest.responses import json_response

# What Cloudflare puts in front of Discord answers with when the origin fails.
HTML_ERROR = "<html><head><title>{0}</title></head><body><center><h1>{0}</h1></center></body></html>"


@dataclass
class InjectedFault:
    method: str
    path_regex: re.Pattern[str]
    status: int
    remaining: int
    retry_after: float
    code: int | None
    html: bool
    is_global: bool = False
    hits: int = 0
    with_files: bool | None = None  # only calls that upload files (True), only those that do not (False)

    def matches(self, method: str, path: str, has_files: bool = False) -> bool:
        if self.with_files is not None and self.with_files != has_files:
            return False
        return self.remaining > 0 and self.method == method and bool(self.path_regex.search(path))


@dataclass
class CallbackGate:
    """The next `count` interaction callbacks wait for each other: none is answered before all of them
    arrived, as when several presses are answered at the same moment (by two tasks or two processes)."""

    count: int
    arrived: int = 0
    opened: asyncio.Event = field(default_factory=asyncio.Event)

    async def passing(self) -> None:
        self.arrived += 1
        if self.arrived >= self.count:
            self.opened.set()
        await self.opened.wait()


class FaultPlan:
    def __init__(self) -> None:
        self.faults: list[InjectedFault] = []
        self.callback_gate: CallbackGate | None = None

    def add(
        self,
        method: str,
        path_regex: str,
        status: int,
        *,
        count: int,
        retry_after: float,
        code: int | None,
        html: bool,
        is_global: bool,
        with_files: bool | None = None,
    ) -> InjectedFault:
        fault = InjectedFault(
            method.upper(), re.compile(path_regex), status, count, retry_after, code, html, is_global
        )
        fault.with_files = with_files
        self.faults.append(fault)
        return fault

    def take(self, method: str, path: str, has_files: bool = False) -> InjectedFault | None:
        for fault in self.faults:
            if fault.matches(method, path, has_files):
                fault.remaining -= 1
                fault.hits += 1
                return fault
        return None


def fault_response(fault: InjectedFault, bucket: str) -> web.Response:
    if fault.status == 429:
        body = {
            "message": "You are being rate limited.",
            "retry_after": fault.retry_after,
            "global": fault.is_global,
        }
        if fault.code is not None:
            body["code"] = fault.code
        headers = {
            # Without Via, discord.py takes a 429 for a Cloudflare ban and gives up.
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(fault.retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
            "X-RateLimit-Bucket": bucket,
            "X-RateLimit-Scope": "global" if fault.is_global else "user",
        }
        if fault.is_global:
            headers["X-RateLimit-Global"] = "true"
        return json_response(body, 429, headers)
    if fault.html:
        title = f"{fault.status} {HTTPStatus(fault.status).phrase}"
        return web.Response(status=fault.status, text=HTML_ERROR.format(title), content_type="text/html")
    return json_response({"message": "Internal Server Error", "code": fault.code or 0}, fault.status)
