"""A Python peer for the interop tests: the real channels_redis 4.0 from Debian.

usage: channels_redis_peer.py MODE URL PREFIX NAME [KEY...]
  group-send    NAME=group:   group_send a fixed message to the group
  send          NAME=channel: send a fixed message to the channel
  receive-group NAME=group:   new_channel + group_add, print READY <channel>, receive, print it
  receive-group-many NAME=group: 20 new_channels of this process + group_add, print READY, then
                receive on each (in turn) and print each message
  receive       NAME=channel: print READY, receive on the channel, print it
KEYs turn on symmetric encryption. Messages are printed as one JSON line; bytes as {"__bytes__": hex}.
"""
import asyncio
import json
import sys

from channels_redis.core import RedisChannelLayer

MESSAGE = {
    "type": "chat.message",
    "message": "from python \u00e9",
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


async def main():
    mode, url, prefix, name = sys.argv[1:5]
    keys = sys.argv[5:]
    kwargs = {"hosts": [url], "prefix": prefix}
    if keys:
        kwargs["symmetric_encryption_keys"] = keys
    layer = RedisChannelLayer(**kwargs)
    try:
        if mode == "group-send":
            await layer.group_send(name, MESSAGE)
            print("SENT", flush=True)
        elif mode == "send":
            await layer.send(name, MESSAGE)
            print("SENT", flush=True)
        elif mode == "receive-group":
            channel = await layer.new_channel()
            await layer.group_add(name, channel)
            print("READY " + channel, flush=True)
            message = await asyncio.wait_for(layer.receive(channel), 20)
            print(json.dumps(jsonable(message)), flush=True)
        elif mode == "receive-group-many":
            channels = [await layer.new_channel() for _ in range(20)]
            for channel in channels:
                await layer.group_add(name, channel)
            print("READY", flush=True)
            for channel in channels:
                message = await asyncio.wait_for(layer.receive(channel), 20)
                print(json.dumps(jsonable(message)), flush=True)
        elif mode == "receive":
            print("READY " + name, flush=True)
            message = await asyncio.wait_for(layer.receive(name), 20)
            print(json.dumps(jsonable(message)), flush=True)
        else:
            raise SystemExit("unknown mode " + mode)
    finally:
        await layer.close_pools()


asyncio.run(main())
