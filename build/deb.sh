#!/usr/bin/env bash
# Debian package of a single-file build: /usr/bin/portwarden, the hub and agent systemd units, /etc/portwarden/portwarden.json
# (a conffile) and the docs; postinst creates the 'portwarden' system user. Services are not enabled: see docs/install.md.
# Usage: build/deb.sh [amd64|arm64]   (default amd64; needs build/publish.sh linux-x64, and linux-arm64 for arm64)
# Output: $ARTIFACTS/deb/portwarden_VERSION_ARCH.deb   ($ARTIFACTS defaults to artifacts/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
artifacts="${ARTIFACTS:-$root/artifacts}"
arch="${1:-amd64}"
case "$arch" in
  amd64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) echo "deb.sh: unknown architecture '$arch' (amd64 or arm64)" >&2; exit 2 ;;
esac
binary="$artifacts/publish/$rid/portwarden"
# The units and the default configuration are written by portwarden itself, so they match what 'service install'
# writes; that needs a binary this machine runs.
host="$artifacts/publish/linux-x64/portwarden"
for file in "$binary" "$host"; do
  [ -x "$file" ] || { echo "deb.sh: $file is missing: run build/publish.sh first" >&2; exit 2; }
done
version="$("$host" --version)"
version="${version%%+*}"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
install -D -m 0755 "$binary" "$stage/usr/bin/portwarden"
for role in hub agent; do
  "$host" service install "$role" --root "$stage" --unit-dir /lib/systemd/system --exec /usr/bin/portwarden >/dev/null
done
chmod 0644 "$stage"/lib/systemd/system/*.service "$stage/etc/portwarden/portwarden.json"
install -d "$stage/usr/share/doc/portwarden"
install -m 0644 "$root/README.md" "$root"/docs/*.md "$root/docs/portwarden.example.json" "$stage/usr/share/doc/portwarden/"

install -d "$stage/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" \
  -e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$stage" | cut -f1)/" "$root/build/deb/control" > "$stage/DEBIAN/control"
echo /etc/portwarden/portwarden.json > "$stage/DEBIAN/conffiles"
install -m 0755 "$root/build/deb/postinst" "$root/build/deb/prerm" "$root/build/deb/postrm" "$stage/DEBIAN/"

mkdir -p "$artifacts/deb"
out="$artifacts/deb/portwarden_${version}_${arch}.deb"
dpkg-deb --build --root-owner-group -Zxz "$stage" "$out" >/dev/null
echo "$out"
