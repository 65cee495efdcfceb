# Shared helpers of the peer scripts (sourced, not run).
# Every peer script takes start|stop and reads PORT, LAYER (memory|redis), PIDFILE, LOG, JAVA_OPTS.

JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# wait_port PID PORT SECONDS: until 127.0.0.1:PORT accepts, the process exits, or the bound passes.
wait_port() {
    local pid="$1" port="$2" seconds="$3" i
    for ((i = 0; i < seconds * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || return 1
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

# port_free PORT: true when nothing listens on 127.0.0.1:PORT.
port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# stop_pidfile PIDFILE MARKER: TERM the pid in PIDFILE if its command line contains MARKER, then
# KILL after 15 s; removes the pidfile. Never touches any other process.
stop_pidfile() {
    local pidfile="$1" marker="$2" pid i
    [ -f "$pidfile" ] || { echo "no pidfile $pidfile" >&2; return 0; }
    pid="$(cat "$pidfile")"
    if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$pidfile"
        return 0
    fi
    if ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$marker"; then
        echo "pid $pid is not $marker; not stopping it" >&2
        return 1
    fi
    kill -TERM "$pid"
    for ((i = 0; i < 75; i++)); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
        sleep 0.2
    done
    echo "pid $pid still alive after 15 s; sending KILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}
