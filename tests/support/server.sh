# Talking to `textclass serve` from a CLI test (after support/cli.sh): source it, set serve_model.
# start_server LOG ARGS...: starts `textclass serve --model $serve_model` on a free port; sets $pid
# and $url.
start_server() {
  local log=$1
  shift
  "$textclass" serve --model "$serve_model" --port 0 --threads 1 "$@" 2>"$log" &
  pid=$!
  for _ in $(seq 100); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1)
    [ -n "$url" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  fail "the server did not start: $(cat "$log")"
  finish
}
# post PATH BODY [CURL ARGS...]: prints the status, a space, then the body.
post() {
  local path=$1 body=$2
  shift 2
  curl -s -o "$scratch/body" -w '%{http_code}' "$@" -H 'Content-Type: application/json' --data-binary "$body" "$url$path"
  echo " $(cat "$scratch/body")"
}
