"""`run`'s Discord step: log in over REST, and say in one line why Discord could not be reached or refused."""

from __future__ import annotations

import logging

import aiohttp
import discord
import yarl

from bot.cli.startup_failure import StartupFailure
from bot.settings import DISCORD_API_DEFAULT

log = logging.getLogger(__name__)

_PORTAL = "https://discord.com/developers/applications → your application → Bot → Reset Token"


async def log_in(bot: discord.Client, token: str, api_url: str) -> None:
    """discord.py's login (which then runs the bot's setup_hook); StartupFailure if Discord says no.

    Only a failure before Discord accepted the token is turned into a StartupFailure: one from the setup
    hook (the core starting) is a different problem and keeps its own type.
    """
    try:
        await bot.login(token)
    except discord.LoginFailure as exc:
        raise StartupFailure(
            "Discord refused DISCORD_TOKEN (401 Unauthorized): the token is wrong or was reset",
            f"put the bot's current token in DISCORD_TOKEN ({_PORTAL})",
            exit_code=2,
        ) from exc
    except discord.HTTPException as exc:
        if bot.user is not None:
            raise
        raise StartupFailure(
            f"Discord answered {exc.status} to the log-in at {api_url}",
            "try again in a few minutes (https://discordstatus.com shows Discord's own outages)",
        ) from exc
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        if bot.user is not None:
            raise
        raise StartupFailure(f"cannot reach Discord at {api_url}: {_reason(exc)}", _fix(api_url)) from exc
    log.info("logged in to Discord as %s (application %s)", bot.user, bot.application_id)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"the name {exc.host} does not resolve"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"{exc.host}:{exc.port} does not answer ({exc.os_error.strerror or exc.os_error})"
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    return str(exc) or type(exc).__name__


def _fix(api_url: str) -> str:
    if api_url.rstrip("/") != DISCORD_API_DEFAULT:
        return f"check DISCORD_API_URL ({yarl.URL(api_url).host} is not answering), or leave it unset"
    return "check this machine's network and DNS: the bot needs outbound HTTPS to discord.com"
