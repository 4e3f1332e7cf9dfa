#!/bin/sh
# Runs echo_server on a free port for two connections and echo_client twice
# against it; prints what the clients print.
#   run_echo.sh path/to/echo_server path/to/echo_client
set -eu
server=$1
client=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$server" 127.0.0.1:0 2 >"$out" &
pid=$!
tries=0
until grep -q '^listening on ' "$out"; do
  tries=$((tries + 1))
  if [ "$tries" -gt 200 ]; then echo "the server did not start" >&2; kill "$pid"; exit 1; fi
  sleep 0.05
done
address=$(sed -n 's/^listening on //p' "$out")
"$client" "$address" hello "asynchronous world"
"$client" "$address" "$(head -c 100000 /dev/zero | tr '\0' x)" | wc -c
wait "$pid"
