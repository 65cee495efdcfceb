#!/usr/bin/python3
"""The layer benchmarks of bench/layer-bench, through Python's channels_redis.

The same workloads as the JMH benchmarks in io.channels4j.bench.jmh, on
channels_redis.core.RedisChannelLayer (asyncio, one event loop), one message in flight:

  named   send + receive on a normal channel ("bench.named")
  local   send + receive on a process-local channel from new_channel()
  group   group_send to a group of N process-local channels, then one receive on every member
          (score: group messages/s; deliveries/s = N x that)

Each runs on two layouts, named like the JMH "layer" parameter:
  redis    one layer instance sends and receives (one process)
  redis-2  one instance sends, a second one (another "process") owns the channels and receives

Prints one JSON line on stdout: {"impl": "channels_redis", ..., "results": [{"workload", "members",
"layer", "ops", "seconds", "ops_per_s", "deliveries_per_s"}, ...]}; progress goes to stderr.
Bounded: every workload runs for --seconds (after --warmup) and at most --max-ops operations, and
every receive gives up after 10 s. Each layer uses its own key prefix and deletes its keys (that
prefix only) at the end.

Usage: /usr/bin/python3 bench/python/layer_bench.py [--redis URL] [--seconds 3] [--warmup 1]
       [--members 1,10,100,1000] [--layers redis,redis-2] [--workloads named,local,group]
"""

import argparse
import asyncio
import json
import sys
import time
import uuid

try:
    import channels_redis
    from channels_redis.core import RedisChannelLayer
except ImportError as e:  # pragma: no cover - depends on the machine
    sys.exit("channels_redis is not installed for %s (Debian: apt-get install python3-channels-redis): %s"
             % (sys.executable, e))

RECEIVE_TIMEOUT = 10.0
MESSAGE = {"type": "chat.message", "message": "hello from the layer benchmark"}
GROUP = "bench_group"


def log(text):
    print("[layer_bench.py] " + text, file=sys.stderr, flush=True)


class Layers:
    """The sender and the receiver: one instance ("redis") or two on one prefix ("redis-2")."""

    def __init__(self, url, layout):
        prefix = "c4jbenchpy" + uuid.uuid4().hex[:8] + ":"
        self.sender = RedisChannelLayer(hosts=[url], prefix=prefix)
        if layout == "redis":
            self.receiver = self.sender
        elif layout == "redis-2":
            self.receiver = RedisChannelLayer(hosts=[url], prefix=prefix)
        else:
            raise ValueError("layer must be redis or redis-2, was %r" % layout)

    async def receive(self, channel):
        return await asyncio.wait_for(self.receiver.receive(channel), RECEIVE_TIMEOUT)

    async def close(self):
        # flush() deletes this prefix's keys only, then closes the pools
        await self.sender.flush()
        if self.receiver is not self.sender:
            await self.receiver.close_pools()


async def run_for(operation, warmup, seconds, max_ops):
    """Runs operation() for warmup seconds, then counts it for seconds; returns (ops, elapsed)."""
    end = time.perf_counter() + warmup
    count = 0
    while time.perf_counter() < end and count < max_ops:
        await operation()
        count += 1
    start = time.perf_counter()
    end = start + seconds
    ops = 0
    while ops < max_ops:
        await operation()
        ops += 1
        if time.perf_counter() >= end:
            break
    return ops, time.perf_counter() - start


async def bench_named(layers):
    channel = "bench.named"

    async def operation():
        await layers.sender.send(channel, MESSAGE)
        await layers.receive(channel)

    return operation


async def bench_local(layers):
    channel = await layers.receiver.new_channel()

    async def operation():
        await layers.sender.send(channel, MESSAGE)
        await layers.receive(channel)

    return operation


async def bench_group(layers, members):
    channels = [await layers.receiver.new_channel() for _ in range(members)]
    for channel in channels:
        await layers.receiver.group_add(GROUP, channel)

    async def operation():
        await layers.sender.group_send(GROUP, MESSAGE)
        for channel in channels:
            await layers.receive(channel)

    return operation


async def run_one(args, layout, workload, members):
    layers = Layers(args.redis, layout)
    try:
        if workload == "named":
            operation = await bench_named(layers)
        elif workload == "local":
            operation = await bench_local(layers)
        else:
            operation = await bench_group(layers, members)
        ops, elapsed = await run_for(operation, args.warmup, args.seconds, args.max_ops)
    finally:
        await layers.close()
    rate = ops / elapsed if elapsed > 0 else 0.0
    result = {
        "workload": workload,
        "members": members,
        "layer": layout,
        "ops": ops,
        "seconds": round(elapsed, 3),
        "ops_per_s": round(rate, 1),
        "deliveries_per_s": round(rate * (members or 1), 1),
    }
    log("%-6s %-8s members=%-5s %10.1f ops/s" % (workload, layout, members, rate))
    return result


async def main_async(args):
    results = []
    for layout in args.layers:
        for workload in args.workloads:
            if workload == "group":
                for members in args.members:
                    results.append(await run_one(args, layout, workload, members))
            else:
                results.append(await run_one(args, layout, workload, None))
    return results


def parse_list(text, kind=str):
    return [kind(part) for part in text.split(",") if part.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--seconds", type=float, default=3.0, help="measured time per workload")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured time before it")
    parser.add_argument("--max-ops", type=int, default=1_000_000, help="cap on operations per phase")
    parser.add_argument("--members", default="1,10,100,1000")
    parser.add_argument("--layers", default="redis,redis-2")
    parser.add_argument("--workloads", default="named,local,group")
    args = parser.parse_args()
    args.members = parse_list(args.members, int)
    args.layers = parse_list(args.layers)
    args.workloads = parse_list(args.workloads)
    for workload in args.workloads:
        if workload not in ("named", "local", "group"):
            parser.error("unknown workload %r (named, local, group)" % workload)
    if not 0 < args.seconds <= 600 or not 0 <= args.warmup <= 600:
        parser.error("--seconds must be in (0, 600] and --warmup in [0, 600]")
    results = asyncio.run(main_async(args))
    print(json.dumps({
        "impl": "channels_redis",
        "version": getattr(channels_redis, "__version__", "?"),
        "python": sys.version.split()[0],
        "redis": args.redis,
        "results": results,
    }), flush=True)


if __name__ == "__main__":
    main()
