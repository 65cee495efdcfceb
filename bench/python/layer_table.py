#!/usr/bin/python3
"""Puts the layer benchmarks side by side: JMH's JSON results (io.channels4j.bench.jmh) and the
JSON line of layer_bench.py (channels_redis), as Markdown tables with ratios; used by
bench/layer-bench.

Prints the section on stdout; with --write FILE also puts it into FILE between the markers
<!-- layer-bench:begin --> and <!-- layer-bench:end --> (replacing what was there, or appended
when the markers are absent; FILE is created when missing).

Usage: /usr/bin/python3 bench/python/layer_table.py --jmh jmh.json... --python python.json...
       [--machine TEXT] [--command TEXT] [--write FILE]
"""

import argparse
import json
import os
import sys

BEGIN = "<!-- layer-bench:begin -->"
END = "<!-- layer-bench:end -->"
TARGET_RATIO = 10.0
SPREADS = []  # per JMH result: (slowest - fastest measured iteration) / fastest


def load_jmh(paths):
    """{(workload, members, layer): (ops/s, deliveries/s)} from JMH's -rf json output files."""
    runs = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            runs.extend(json.load(f))
    scores = {}
    for run in runs:
        samples = [x for fork in run["primaryMetric"].get("rawData", []) for x in fork]
        if len(samples) > 1 and max(samples) > 0:
            SPREADS.append((max(samples) - min(samples)) / max(samples))
        name = run["benchmark"].rsplit(".", 1)[-1]
        params = run.get("params", {})
        layer = params.get("layer")
        if name == "groupSendAndReceive":
            members = int(params["members"])
            ops = run["primaryMetric"]["score"]
            deliveries = run.get("secondaryMetrics", {}).get("deliveries", {}).get("score", ops * members)
            scores[("group", members, layer)] = (ops, deliveries)
        elif name in ("named", "local"):
            ops = run["primaryMetric"]["score"]
            scores[(name, None, layer)] = (ops, ops)
    return scores


def load_python(paths):
    """({(workload, members, layer): (ops/s, deliveries/s)}, a run's header) from layer_bench.py outputs."""
    scores = {}
    run = None
    for path in paths:
        with open(path, encoding="utf-8") as f:
            lines = [line for line in f if line.strip().startswith("{")]
        if not lines:
            sys.exit("layer_table.py: no JSON line in " + path)
        run = json.loads(lines[-1])
        for r in run["results"]:
            scores[(r["workload"], r["members"], r["layer"])] = (r["ops_per_s"], r["deliveries_per_s"])
    return scores, run


def number(value):
    if value is None:
        return "n/a"
    if value >= 100:
        return "{:,.0f}".format(value)
    return "{:,.1f}".format(value)


def ratio(ours, theirs):
    if ours is None or theirs is None or theirs <= 0:
        return "n/a"
    return "{:,.1f}x".format(ours / theirs)


def rows(ours, theirs):
    keys = [("named", None), ("local", None)]
    members = sorted({k[1] for k in list(ours) + list(theirs) if k[0] == "group"})
    keys += [("group", n) for n in members]
    return keys


def label(workload, members):
    if workload == "named":
        return "send + receive, normal channel (round trips/s)"
    if workload == "local":
        return "send + receive, process-local channel (round trips/s)"
    return "groupSend to {} member{} + every receive (group msgs/s)".format(members, "" if members == 1 else "s")


def get(scores, workload, members, layer, index):
    value = scores.get((workload, members, layer))
    return None if value is None else value[index]


def tables(ours, theirs):
    out = []
    out.append("| workload | ours in-memory | ours Redis, 1 process | channels_redis, 1 process | ratio "
               "| ours Redis, 2 processes | channels_redis, 2 processes | ratio |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for workload, members in rows(ours, theirs):
        mem = get(ours, workload, members, "memory", 0)
        r1 = get(ours, workload, members, "redis", 0)
        p1 = get(theirs, workload, members, "redis", 0)
        r2 = get(ours, workload, members, "redis-2", 0)
        p2 = get(theirs, workload, members, "redis-2", 0)
        out.append("| {} | {} | {} | {} | {} | {} | {} | {} |".format(
            label(workload, members), number(mem), number(r1), number(p1), ratio(r1, p1),
            number(r2), number(p2), ratio(r2, p2)))
    group_rows = [(w, n) for w, n in rows(ours, theirs) if w == "group"]
    if group_rows:
        out.append("")
        out.append("Deliveries/s of the group workloads (messages received by members; members x group msgs/s):")
        out.append("")
        out.append("| members | ours in-memory | ours Redis, 1 process | channels_redis, 1 process "
                   "| ours Redis, 2 processes | channels_redis, 2 processes |")
        out.append("|---:|---:|---:|---:|---:|---:|")
        for workload, members in group_rows:
            out.append("| {} | {} | {} | {} | {} | {} |".format(
                members, *(number(get(scores, workload, members, layer, 1))
                           for scores, layer in ((ours, "memory"), (ours, "redis"), (theirs, "redis"),
                                                 (ours, "redis-2"), (theirs, "redis-2")))))
    return out


def verdicts(ours, theirs):
    out = []
    checks = [("send + receive, process-local channel", "local", None),
              ("send + receive, normal channel", "named", None),
              ("groupSend to 100 members + receives", "group", 100)]
    for text, workload, members in checks:
        for layer, where in (("redis-2", "2 processes: every message crosses Redis"),
                             ("redis", "1 process")):
            o = get(ours, workload, members, layer, 0)
            t = get(theirs, workload, members, layer, 0)
            if o is None or t is None or t <= 0:
                continue
            r = o / t
            out.append("- {} ({}): {:,.1f}x channels_redis, target >= {:.0f}x: **{}**".format(
                text, where, r, TARGET_RATIO, "met" if r >= TARGET_RATIO else "missed"))
    return out


def section(ours, theirs, header, machine, command):
    out = [BEGIN, "## Channel layers: channels4j vs channels_redis (bench/layer-bench)", ""]
    if machine:
        out.append("Machine: " + machine)
        out.append("")
    if command:
        out.append("Command: `" + command + "`")
        out.append("")
    out.append("One message in flight, one sending thread (JMH, `io.channels4j.bench.jmh`) or one asyncio "
               "event loop (`bench/python/layer_bench.py`, channels_redis {}, Python {}). "
               "*1 process*: one layer instance sends and owns the receiving channels (ours then delivers "
               "to its own process-local channels in-process: no Redis for a local send, only the members "
               "read for a group send; channels_redis goes through Redis); *2 processes*: a second layer "
               "instance on the same Redis owns them, so every message crosses Redis. Each workload runs "
               "ours then channels_redis right after, so both sides of a ratio see about the same load. "
               "Ops/s, higher is better; ratio = ours / channels_redis.".format(
                   header.get("version", "?"), header.get("python", "?")))
    out.append("")
    out.extend(tables(ours, theirs))
    out.append("")
    out.extend(verdicts(ours, theirs))
    if SPREADS:
        ordered = sorted(SPREADS)
        out.append("")
        out.append("Noise: the measured iterations of one of our results differed by a median of {:.0f}% and at "
                   "most {:.0f}% (slowest vs fastest; raw JMH output in bench/target/layer-bench/jmh.log). "
                   "Round trips are latency-bound: a busy machine moves them most.".format(
                       100 * ordered[len(ordered) // 2], 100 * ordered[-1]))
    out.append("")
    out.append("The other layer target, one Redis round trip per process for a group send (not per "
               "member), is checked by `channels-redis/.../GroupSendRoundTripIT` with Redis's own "
               "command counters.")
    out.append(END)
    return "\n".join(out) + "\n"


def write_section(path, text):
    old = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            old = f.read()
    if BEGIN in old and END in old and old.index(BEGIN) < old.index(END):
        new = old[:old.index(BEGIN)] + text.rstrip("\n") + old[old.index(END) + len(END):]
    elif old:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        new = "# Layer benchmark results\n\nWritten by `bench/layer-bench`; rerun it to refresh.\n\n" + text
    if not new.endswith("\n"):
        new += "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(new)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jmh", required=True, nargs="+", help="JMH results, -rf json")
    parser.add_argument("--python", required=True, nargs="+", help="layer_bench.py's outputs")
    parser.add_argument("--machine", default="")
    parser.add_argument("--command", default="")
    parser.add_argument("--write", help="Markdown file to put the section into")
    args = parser.parse_args()
    ours = load_jmh(args.jmh)
    theirs, header = load_python(args.python)
    text = section(ours, theirs, header, args.machine, args.command)
    sys.stdout.write(text)
    if args.write:
        write_section(args.write, text)
        print("written to " + args.write, file=sys.stderr)


if __name__ == "__main__":
    main()
