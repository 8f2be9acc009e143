#!/usr/bin/env bash
# Regenerates test/fixtures/seed/ from the seed document: the seed's own config text, line for
# line, minus its `//` annotations (and the spaces before them), and test/fixtures/mapped/, the
# same files with the seed's networks mapped to the documentation ranges the tests may use
# (192.168.4.0/24 -> 198.51.100.0/24, 192.168.2.0/24 -> 203.0.113.0/24, host numbers kept).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seed=${1:-$root/../shared/seeds/000_7c0896cc3e25950c.txt}
out=$root/test/fixtures
extract() { # from to dest
  mkdir -p "$(dirname "$out/seed/$3")" "$(dirname "$out/mapped/$3")"
  sed -n "$1,$2p" "$seed" | sed -E 's#[[:space:]]*//.*$##' > "$out/seed/$3"
  sed -E 's/192\.168\.4\./198.51.100./g; s/192\.168\.2\./203.0.113./g' "$out/seed/$3" > "$out/mapped/$3"
}
extract 50 69 case1/web1/keepalived.conf
extract 75 94 case1/web2/keepalived.conf
extract 216 258 case2/lvs1/keepalived.conf
extract 269 310 case2/lvs2/keepalived.conf
extract 391 416 case3/haproxy.cfg
