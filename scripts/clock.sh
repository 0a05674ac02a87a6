#!/bin/sh
# Runs a command on another day. With ARBIDESK_CLOCK set (any date GNU date reads, such as
# 2027-03-28T00:30:00+01:00), the command and every process it starts (Node, PostgreSQL, Deno,
# Chromium) see a clock moved by the same offset and running on from there, through libfaketime
# (Debian's faketime package). So the stack, the demo data, the app and the tests all agree on
# "now", as they do on the real day. Without ARBIDESK_CLOCK the command runs as it is.
set -eu
if [ -z "${ARBIDESK_CLOCK:-}" ]; then exec "$@"; fi
if ! command -v faketime >/dev/null 2>&1; then
  echo "ARBIDESK_CLOCK needs libfaketime: apt-get install faketime" >&2
  exit 2
fi
if ! target=$(date -d "$ARBIDESK_CLOCK" +%s 2>/dev/null); then
  echo "ARBIDESK_CLOCK=$ARBIDESK_CLOCK is not a date GNU date reads (e.g. 2027-03-28T00:30:00+01:00)" >&2
  exit 2
fi
offset=$((target - $(date +%s)))
# Timers and timeouts run on the monotonic clock, and files keep their real times: only the
# calendar moves.
export FAKETIME_DONT_FAKE_MONOTONIC=1 NO_FAKE_STAT=1
echo "Clock moved by ${offset} s: now is $(date -u -d "@$target" '+%Y-%m-%d %H:%M:%S UTC') for: $*" >&2
exec faketime -f "$(printf '%+d' "$offset")" "$@"
