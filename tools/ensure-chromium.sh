#!/bin/sh
# The browser tests drive Debian's Chromium; install it when it is missing.
set -eu
if command -v chromium >/dev/null 2>&1; then exit 0; fi
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else echo "sitegen setup: Chromium is missing; run as root or: apt-get install chromium" >&2; exit 1
    fi
}
echo "sitegen setup: installing Debian's chromium for the browser tests" >&2
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
