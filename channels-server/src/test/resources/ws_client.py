#!/usr/bin/python3
"""An independent WebSocket client for PythonWebsocketsIT: the Python `websockets` library.

Usage: ws_client.py ws://127.0.0.1:PORT MAX_MESSAGE_SIZE

Runs each check against the channels4j server under test and prints ONE line of JSON, an object
with a key per check: the check's observations, or {"error": "..."} if it failed unexpectedly.
Every network operation is bounded by a timeout; the Java test asserts on the values.
Works with websockets 10.x (legacy client: InvalidStatusCode) and 11+ (InvalidStatus).
"""

import asyncio
import json
import sys
import traceback

import websockets
from websockets.exceptions import ConnectionClosed, InvalidHandshake

STEP_TIMEOUT = 10.0
QUIET_PERIOD = 0.5


def status_of(error):
    """The HTTP status of a refused handshake, whatever the websockets version calls it."""
    status = getattr(error, "status_code", None)  # InvalidStatusCode (websockets <= 13)
    if status is None:
        response = getattr(error, "response", None)  # InvalidStatus (websockets >= 11 new client)
        status = getattr(response, "status_code", None)
    return status


def close_code_of(error):
    rcvd = getattr(error, "rcvd", None)
    if rcvd is not None:
        return rcvd.code
    return getattr(error, "code", None)


def connect(base, path, **kwargs):
    return websockets.connect(base + path, open_timeout=STEP_TIMEOUT, close_timeout=STEP_TIMEOUT, **kwargs)


async def echo(base, max_message):
    texts = ["hello", "h\u00e9llo w\u00f6rld \u20ac", "\u65e5\u672c\u8a9e \U0001f389 emoji", ""]
    blob = bytes(i * 7 % 256 for i in range(max_message))  # exactly the server's limit: must pass
    async with connect(base, "/ws/echo/") as ws:
        echoed = []
        for text in texts:
            await ws.send(text)
            echoed.append(await ws.recv())
        await ws.send(blob)
        back = await ws.recv()
        negotiated_extensions = ws.response_headers.get("Sec-WebSocket-Extensions")
    return {
        "sent": texts,
        "echoed": echoed,
        "binary_type": type(back).__name__,
        "binary_len": len(back),
        "binary_equal": back == blob,
        "extensions": negotiated_extensions,
    }


async def chat(base):
    async with connect(base, "/ws/chat/lobby/") as alice, \
            connect(base, "/ws/chat/lobby/") as bob, \
            connect(base, "/ws/chat/kitchen/") as carol:
        text = "hello from python \u2615"
        await alice.send(json.dumps({"message": text}))
        alice_got = json.loads(await alice.recv())
        bob_got = json.loads(await bob.recv())
        try:
            carol_got = await asyncio.wait_for(carol.recv(), QUIET_PERIOD)
        except asyncio.TimeoutError:
            carol_got = None
    return {"sent": text, "alice": alice_got, "bob": bob_got, "kitchen": carol_got}


async def subprotocol(base):
    async with connect(base, "/ws/subprotocol/", subprotocols=["chat.v1", "chat.v2"]) as ws:
        await ws.send("which?")
        offered = json.loads(await ws.recv())
        return {"negotiated": ws.subprotocol, "server_saw_offered": offered}


async def reject(base):
    try:
        async with connect(base, "/ws/reject/"):
            return {"opened": True}
    except InvalidHandshake as e:
        return {"opened": False, "exception": type(e).__name__, "status": status_of(e)}


async def too_big(base, max_message):
    async with connect(base, "/ws/echo/") as ws:
        await ws.send("x" * (max_message + 1))
        try:
            got = await ws.recv()
            return {"closed": False, "received": len(got)}
        except ConnectionClosed as e:
            return {"closed": True, "exception": type(e).__name__, "code": close_code_of(e)}


async def step(name, coroutine, results):
    try:
        results[name] = await asyncio.wait_for(coroutine, STEP_TIMEOUT)
    except BaseException as e:  # report everything, including timeouts, to the Java side
        results[name] = {"error": "%s: %s" % (type(e).__name__, e)}
        traceback.print_exc(file=sys.stderr)


async def main(base, max_message):
    results = {"websockets_version": websockets.__version__}
    await step("echo", echo(base, max_message), results)
    await step("chat", chat(base), results)
    await step("subprotocol", subprotocol(base), results)
    await step("reject", reject(base), results)
    await step("too_big", too_big(base, max_message), results)
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
