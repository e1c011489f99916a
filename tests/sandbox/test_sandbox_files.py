"""The two-step file upload, end to end with slack_sdk's files_upload_v2."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import Sandbox

pytestmark = pytest.mark.asyncio


async def test_upload_round_trip_into_a_thread(
    sandbox: Sandbox, client: AsyncWebClient, http: aiohttp.ClientSession
) -> None:
    channel = sandbox.add_channel("path-to-prod")
    parent = await client.chat_postMessage(channel=channel, text="Workshop summary")
    content = b"stage,lead time\nbuild,2d\n"

    uploaded = await client.files_upload_v2(
        channel=channel,
        thread_ts=parent["ts"],
        content=content,
        filename="summary.csv",
        title="Value stream",
        initial_comment="Here is the export",
    )

    [file] = sandbox.files
    assert uploaded["files"] == [{"id": file.id, "title": "Value stream"}]
    assert (file.name, file.title, file.bytes) == ("summary.csv", "Value stream", content)
    assert (file.channel, file.thread_ts) == (channel, parent["ts"])
    [reply] = sandbox.thread(channel, parent["ts"])
    assert reply.text == "Here is the export"
    assert reply.files[0]["id"] == file.id
    assert sandbox.render(reply) == "Here is the export\n[file: Value stream]"
    upload_urls = [c.response["upload_url"] for c in sandbox.calls_to("files.getUploadURLExternal")]
    assert upload_urls[0].startswith(f"{sandbox.url}/upload/v1/")
    async with http.get(
        reply.files[0]["url_private"], headers={"Authorization": f"Bearer {sandbox.bot_token}"}
    ) as download:
        assert await download.read() == content


async def test_completing_an_upload_that_never_happened(
    sandbox: Sandbox, client: AsyncWebClient
) -> None:
    channel = sandbox.add_channel("general")
    started = await client.files_getUploadURLExternal(filename="a.txt", length=3)

    with pytest.raises(SlackApiError) as missing:
        await client.files_completeUploadExternal(
            files=[{"id": started["file_id"], "title": "A"}], channel_id=channel
        )
    with pytest.raises(SlackApiError) as empty:
        await client.files_getUploadURLExternal(filename="a.txt", length=0)

    assert missing.value.response["error"] == "file_not_found"
    assert empty.value.response["error"] == "invalid_arguments"
    assert empty.value.response["response_metadata"]["messages"] == [
        "[ERROR] must be at least 1 [json-pointer:/length]"
    ]
    assert sandbox.files == []


async def test_sharing_into_a_channel_the_bot_is_not_in(
    sandbox: Sandbox, client: AsyncWebClient
) -> None:
    channel = sandbox.add_channel("elsewhere", bot_member=False)

    with pytest.raises(SlackApiError) as refused:
        await client.files_upload_v2(channel=channel, content=b"x", filename="x.txt")

    assert refused.value.response["error"] == "not_in_channel"


async def test_deleting_a_file_removes_it_from_the_thread(
    sandbox: Sandbox, client: AsyncWebClient, http: aiohttp.ClientSession
) -> None:
    channel = sandbox.add_channel("path-to-prod")
    parent = await client.chat_postMessage(channel=channel, text="Workshop summary")
    alone = await client.files_upload_v2(
        channel=channel, thread_ts=parent["ts"], content=b"png", filename="path.png"
    )
    commented = await client.files_upload_v2(
        channel=channel,
        thread_ts=parent["ts"],
        content=b"a,b\n",
        filename="answers.csv",
        initial_comment="The answers",
    )
    alone_id, commented_id = alone["files"][0]["id"], commented["files"][0]["id"]
    url = sandbox.thread(channel, parent["ts"])[0].files[0]["url_private"]

    assert (await client.files_delete(file=alone_id))["ok"]
    await client.files_delete(file=commented_id)

    [reply] = sandbox.thread(channel, parent["ts"])
    assert reply.text == "The answers", "a file with a comment leaves the comment"
    assert reply.files == [{"id": commented_id, "mode": "tombstone"}]
    assert sandbox.render(reply) == "The answers\n[file deleted]"
    assert sandbox.files == []
    async with http.get(url, headers={"Authorization": f"Bearer {sandbox.bot_token}"}) as gone:
        assert gone.status == 404
    for file, error in ((alone_id, "file_deleted"), ("F0NOSUCH", "file_not_found")):
        with pytest.raises(SlackApiError) as refused:
            await client.files_delete(file=file)
        assert refused.value.response["error"] == error
