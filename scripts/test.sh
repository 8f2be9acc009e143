#!/usr/bin/env bash
# The project's one test command (`npm test`): installs what the tests drive when it is missing,
# type-checks, runs every test with Node's runner, and fails if a test leaked a network namespace.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use as real peers, clients and kernel paths.
packages=(iproute2 iputils-ping iputils-arping curl procps keepalived haproxy nftables wrk apache2-utils chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test: missing Debian packages (tests that need them will skip): ${missing[*]}"
  fi
fi
# keepalived and haproxy are peers the tests start themselves; the Debian packages enable
# services on install, which would hold ports and VRRP groups on this host.
if [ "$(id -u)" = 0 ] && command -v systemctl >/dev/null 2>&1; then
  systemctl stop keepalived haproxy >/dev/null 2>&1 || true
fi

node=node_modules/node/bin/node
if [ ! -x "$node" ]; then
  echo "test: node_modules missing, running npm install"
  npm install --no-audit --no-fund
fi

echo "test: typecheck (tsc --noEmit)"
node_modules/.bin/tsc --noEmit -p .

before=$(ip netns list 2>/dev/null | awk '{print $1}' | sort || true)
status=0
"$node" --test --test-timeout=600000 --test-reporter=spec \
  'src/**/*.test.ts' 'test/**/*.test.ts' "$@" || status=$?

after=$(ip netns list 2>/dev/null | awk '{print $1}' | sort || true)
leaked=$(comm -13 <(echo "$before") <(echo "$after") | grep . || true)
if [ -n "$leaked" ]; then
  echo "test: FAILED: network namespaces left behind: $leaked" >&2
  status=1
fi
exit $status
