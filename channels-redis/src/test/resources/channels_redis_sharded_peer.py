"""A Python peer for the sharding tests: the real channels_redis 4.0 with several hosts.

usage: channels_redis_sharded_peer.py MODE URL[,URL...] PREFIX NAME
  group-send    NAME=group:   group_send MESSAGE to the group, print SENT
  receive-group NAME=group:   new_channel + group_add, print READY <channel>, receive, print it
  receive-new   NAME=unused:  new_channel, print READY <channel>, receive, print it
The URLs are the hosts in shard order. Messages are printed as one JSON line.
"""
import asyncio
import json
import sys

from channels_redis.core import RedisChannelLayer

MESSAGE = {"type": "sharded.message", "text": "from python", "n": 3}


async def main():
    mode, urls, prefix, name = sys.argv[1:5]
    layer = RedisChannelLayer(hosts=urls.split(","), prefix=prefix)
    try:
        if mode == "group-send":
            await layer.group_send(name, MESSAGE)
            print("SENT", flush=True)
        elif mode in ("receive-group", "receive-new"):
            channel = await layer.new_channel()
            if mode == "receive-group":
                await layer.group_add(name, channel)
            print("READY " + channel, flush=True)
            message = await asyncio.wait_for(layer.receive(channel), 20)
            print(json.dumps(message), flush=True)
        else:
            raise SystemExit("unknown mode " + mode)
    finally:
        await layer.close_pools()


asyncio.run(main())
