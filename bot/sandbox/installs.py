"""Several workspaces in one sandbox, and installing the app into them with OAuth v2."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from aiohttp import web

from bot.sandbox.delivery import Delivery
from bot.sandbox.errors import SandboxUsageError
from bot.sandbox.methods_files import receive_upload, serve_file
from bot.sandbox.oauth import OAuthApp
from bot.sandbox.oauth_server import AUTHORIZE_PATH, OAuthServer
from bot.sandbox.teams import SandboxWorkspace
from bot.sandbox.webapi import WebApi
from bot.sandbox.workspace import Workspace

if TYPE_CHECKING:
    from bot.sandbox.sandbox import Sandbox

WorkspaceRef = SandboxWorkspace | str  # a workspace, or its team id


class Installs:
    """``add_workspace``, ``authorize``, ``uninstall``, and the routes that find which
    workspace a request belongs to."""

    workspaces: dict[str, SandboxWorkspace]
    webapi: WebApi
    oauth: OAuthServer
    oauth_app: OAuthApp | None
    url: str
    _serial: Iterator[int]

    def add_workspace(
        self,
        name: str,
        *,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        domain: str | None = None,
    ) -> SandboxWorkspace:
        """Another workspace beside the default one, with its own people, channels and rate
        limits. The app is not installed in it until someone approves it on the consent
        page (``authorize``); ``enterprise_id`` puts it in an Enterprise Grid org."""
        sandbox = self._sandbox()
        if any(w.name == name for w in self.workspaces.values()):
            raise SandboxUsageError(f"a workspace named {name!r} already exists")
        workspace = Workspace(
            team_name=name,
            domain=domain or "-".join(name.lower().split()),
            bot_name=sandbox.settings.bot_name,
            serial=self._serial,
            app_id=sandbox.workspace.app_id,
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
        )
        team = SandboxWorkspace.create(sandbox, workspace)
        self.workspaces[workspace.team_id] = team
        self.webapi.installations[workspace.team_id] = team.installation
        return team

    def workspace_of(self, ref: WorkspaceRef) -> SandboxWorkspace:
        """The workspace with this team id (or the workspace itself)."""
        team_id = ref if isinstance(ref, str) else ref.team_id
        team = self.workspaces.get(team_id)
        if team is None:
            raise SandboxUsageError(f"no workspace {team_id!r} in the sandbox")
        return team

    @property
    def default_workspace(self) -> SandboxWorkspace:
        """The workspace the sandbox's own methods act in, installed from the start."""
        return self.workspaces[self.webapi.default_team_id]

    @property
    def authorize_url(self) -> str:
        """Slack's consent page on this sandbox (``https://slack.com/oauth/v2/authorize``)."""
        return f"{self.url}{AUTHORIZE_PATH}"

    def authorize(
        self,
        workspace: WorkspaceRef,
        installer: str,
        *,
        scopes: tuple[str, ...] | list[str] | None = None,
        state: str = "",
        redirect_uri: str | None = None,
    ) -> str:
        """``installer`` clicks Allow on the consent page for ``workspace``: the app is
        installed there, and the URL the browser is sent back to is returned,
        ``redirect_uri?code=…&state=…`` (the app exchanges the code with oauth.v2.access).
        ``scopes`` default to every scope the registered app may ask for."""
        team = self.workspace_of(workspace)
        return self.oauth.authorize(
            team.team_id,
            installer,
            scopes=None if scopes is None else tuple(scopes),
            state=state,
            redirect_uri=redirect_uri,
        )

    async def uninstall(self, workspace: WorkspaceRef) -> list[Delivery]:
        """The workspace removes the app: it hears ``app_uninstalled`` and ``tokens_revoked``
        (for that workspace), then every token of the workspace answers ``token_revoked``."""
        return await self.workspace_of(workspace).uninstall_app()

    # routes that serve every workspace -----------------------------------------------------

    def add_workspace_routes(self, app: web.Application) -> None:
        app.router.add_get(AUTHORIZE_PATH, self.oauth.handle_authorize)
        app.router.add_post("/upload/v1/{token}", self._receive_upload)
        app.router.add_get("/files/{file_id}/{tail:.*}", self._serve_file)
        app.router.add_post("/response/{url_id}", self._response_url)

    async def _receive_upload(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        team = self._find(lambda w: any(f.upload_token == token for f in w.files.values()))
        return await receive_upload(team.workspace, request)

    async def _serve_file(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]
        team = self._find(lambda w: file_id in w.files)
        header = request.headers.get("Authorization", "")
        presented = header[7:].strip() if header.lower().startswith("bearer ") else ""
        allowed = self.webapi.tokens.is_valid_for(presented, team.team_id)
        expected = presented if allowed else f"{presented}-not-this-workspace"
        return await serve_file(team.workspace, expected, request)

    async def _response_url(self, request: web.Request) -> web.StreamResponse:
        url_id = request.match_info["url_id"]
        team = self._find(lambda w: url_id in w.response_urls)
        return await team.responses.handle_response_url(request)

    def _find(self, holds: Callable[[Workspace], bool]) -> SandboxWorkspace:
        """The workspace whose state ``holds``; the default one when none does."""
        for team in self.workspaces.values():
            if holds(team.workspace):
                return team
        return self.default_workspace

    def _sandbox(self) -> Sandbox:
        raise NotImplementedError
