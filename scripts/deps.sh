#!/usr/bin/env bash
# Installs the Debian 12 packages confinfo needs to build, test and run.
# Safe to run again: apt-get skips what is installed. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
	build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
	libxml2-dev libxml2-utils libjansson-dev libcmocka-dev
	libidn2-dev libunistring-dev libpsl-dev libsqlite3-dev
	libicu-dev # UTS #39 skeletons for look-alike chat room hosts
	libre-dev libssl-dev libsofia-sip-ua-dev sip-tester python3 openssl
	dnsmasq-base
	kamailio kamailio-presence-modules kamailio-sqlite-modules
	libstrophe-dev prosody python3-slixmpp # XMPP child + its tests (issue 12)
	libpq-dev postgresql # the shared store of several focus nodes
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
