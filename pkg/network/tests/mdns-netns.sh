#!/usr/bin/env bash
# Runs the ignored mDNS test inside a private network namespace (needs root and iproute2).
# libp2p-mdns ignores loopback interfaces, and multicast on the host's interfaces would leave the
# machine; a veth pair inside a fresh namespace keeps every packet local.
set -euo pipefail
ns="mdn-mdns-$$"
ip="10.254.0.1"
cleanup() { ip netns delete "$ns" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" ip link add v0 type veth peer name v1
ip netns exec "$ns" ip link set v0 up
ip netns exec "$ns" ip link set v1 up
ip netns exec "$ns" ip addr add "$ip/24" dev v0
cd "$(dirname "$0")/.."
cargo test -p mdn-network --test network --no-run
bin=$(cargo test -p mdn-network --test network --no-run --message-format=json 2>/dev/null \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
MDN_MDNS_TEST_IP="$ip" ip netns exec "$ns" "$bin" --ignored --exact mdns::mdns_discovers_and_connects_peers_without_bootnodes
