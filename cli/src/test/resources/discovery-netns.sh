#!/bin/sh
# Two test hosts in network namespaces of our own, joined by a veth pair: one announces over
# mDNS, the other runs `sitewatch discover`. No packet leaves these namespaces.
# Usage: discovery-netns.sh JAVA CLASSPATH
set -eu
java=$1
cp=$2
id=$$
a=swa$id
b=swb$id
cleanup() { ip netns del "$a" 2>/dev/null || true; ip netns del "$b" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$a"
ip netns add "$b"
ip link add "va$id" type veth peer name "vb$id"
ip link set "va$id" netns "$a"
ip link set "vb$id" netns "$b"
ip -n "$a" addr add 10.250.0.1/24 dev "va$id"
ip -n "$b" addr add 10.250.0.2/24 dev "vb$id"
for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
ip -n "$a" link set "va$id" up multicast on
ip -n "$b" link set "vb$id" up multicast on
ip netns exec "$a" "$java" -cp "$cp" io.sitewatch.cli.DiscoveryProbe 10.250.0.1 8000 >/dev/null 2>&1 &
announcer=$!
sleep 2
ip netns exec "$b" "$java" -cp "$cp" io.sitewatch.cli.Main discover --address 10.250.0.2 --seconds 4 --json
kill "$announcer" 2>/dev/null || true
wait "$announcer" 2>/dev/null || true
