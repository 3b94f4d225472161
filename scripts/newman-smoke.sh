#!/usr/bin/env bash
# Runs docs/api-collection.json with newman against a throwaway instance of the service: built dist,
# a temporary SQLite database, fresh admin/merchant/webhook secrets. Exits with newman's status.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ ! -f dist/src/main.js ] || [ -n "$(find src nest-cli.json -type f -newer dist/src/main.js -print -quit)" ]; then
  echo "== build"
  npm run build --silent
fi

work="$(mktemp -d)"
up() { node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "${base_url}/health"; }
random() { node -e "process.stdout.write(require('crypto').randomBytes(16).toString('hex'))"; }
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})")"
admin_key="smoke-admin-$(random)"
merchant_key="smoke-merchant-$(random)"
webhook_secret="smoke-webhook-$(random)"
base_url="http://127.0.0.1:${port}"

echo "== service on ${base_url} (log: ${work}/service.log)"
# Started from the temp directory so a developer's .env is not picked up.
(
  cd "$work" &&
    exec env NODE_ENV=test PORT="$port" DB_URL="sqlite:${work}/smoke.sqlite" REDIS_URL= \
      ADMIN_API_KEY="$admin_key" MERCHANT_API_KEYS="$merchant_key" PROVIDER=mock PROVIDER_WEBHOOK_SECRET="$webhook_secret" \
      RATE_LIMIT_MAX=100000 WEBHOOK_RATE_LIMIT_MAX=100000 LOG_LEVEL=warn \
      node "$root/dist/src/main.js"
) >"$work/service.log" 2>&1 &
pid=$!

stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT

for _ in $(seq 1 150); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the service exited during startup:" >&2
    cat "$work/service.log" >&2
    exit 1
  fi
  if up; then break; fi
  sleep 0.2
done
up || { echo "the service did not become healthy:" >&2; cat "$work/service.log" >&2; exit 1; }

echo "== newman"
status=0
npx newman run docs/api-collection.json \
  --env-var "baseUrl=${base_url}" \
  --env-var "adminApiKey=${admin_key}" \
  --env-var "merchantApiKey=${merchant_key}" \
  --env-var "webhookSecret=${webhook_secret}" \
  --timeout-request 10000 \
  "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "== service log" >&2
  cat "$work/service.log" >&2
fi
exit "$status"
