"""A Python peer for the pub/sub interop tests: channels_redis 4.0's RedisPubSubChannelLayer (Debian).

usage: pubsub_peer.py MODE URL PREFIX NAME
  group-send     NAME=group:   group_send a fixed message to the group, print SENT
  send           NAME=channel: send a fixed message to the channel, print SENT
  receive-group  NAME=group:   new_channel + group_add, print READY <channel>, receive, print it
  receive        NAME=ignored: new_channel, print READY <channel>, receive, print it
READY is printed once Redis reports the subscription (PUBSUB NUMSUB), so that a message published
after it is seen. Received messages are printed as one JSON line; bytes as {"__bytes__": hex}.
"""
import asyncio
import json
import sys

from redis import asyncio as aioredis

from channels_redis.pubsub import RedisPubSubChannelLayer

MESSAGE = {
    "type": "chat.message",
    "message": "from python pubsub \u00e9",
    "n": 42,
    "big": 2 ** 40,
    "f": 1.5,
    "yes": True,
    "nothing": None,
    "b": b"\x00\x01\xff",
    "l": [1, "two", 3.0],
    "m": {"k": "v", "nested": [True]},
}


def jsonable(value):
    if isinstance(value, bytes):
        return {"__bytes__": value.hex()}
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


async def wait_subscribed(url, channel):
    client = aioredis.from_url(url)
    try:
        for _ in range(200):
            counts = dict(await client.pubsub_numsub(channel))
            if counts.get(channel.encode(), 0) > 0:
                return
            await asyncio.sleep(0.05)
        raise SystemExit("never subscribed to " + channel)
    finally:
        await client.close()


async def main():
    mode, url, prefix, name = sys.argv[1:5]
    layer = RedisPubSubChannelLayer(hosts=[url], prefix=prefix)
    try:
        if mode == "group-send":
            await layer.group_send(name, MESSAGE)
            print("SENT", flush=True)
        elif mode == "send":
            await layer.send(name, MESSAGE)
            print("SENT", flush=True)
        elif mode in ("receive-group", "receive"):
            channel = await layer.new_channel()
            if mode == "receive-group":
                await layer.group_add(name, channel)
                await wait_subscribed(url, prefix + "__group__" + name)
            else:
                await wait_subscribed(url, channel)
            print("READY " + channel, flush=True)
            message = await asyncio.wait_for(layer.receive(channel), 20)
            print(json.dumps(jsonable(message)), flush=True)
        else:
            raise SystemExit("unknown mode " + mode)
    finally:
        await layer.flush()


asyncio.run(main())
