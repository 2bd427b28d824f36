#!/bin/sh
# Installs the Debian packages the tests and the demo need, when they are
# missing and we may (root, apt-get). Elsewhere it only says what is missing.
set -eu
need=""
command -v mandoc >/dev/null 2>&1 || need="$need mandoc"
command -v bmake >/dev/null 2>&1 || need="$need bmake"
command -v ip >/dev/null 2>&1 || need="$need iproute2"
command -v ping >/dev/null 2>&1 || need="$need iputils-ping"
command -v tclsh >/dev/null 2>&1 || need="$need tcl"
# tclsh reading a script from a pipe exits 0 even when a command fails:
# ask for the exit status explicitly.
echo 'if {[catch {package require md5}]} {exit 1}' | tclsh >/dev/null 2>&1 || need="$need tcllib"
command -v diff >/dev/null 2>&1 || need="$need diffutils"
[ -z "$need" ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$need"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $need >/dev/null
else
	echo "deps: missing$need (install them, or run as root on Debian)" >&2
fi
