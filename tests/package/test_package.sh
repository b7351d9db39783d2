#!/bin/sh
# The Debian package (issue 33): built with CPack from the release build, its contents,
# control fields, conffiles and maintainer scripts checked with dpkg-deb. As root (CI),
# it is installed on this machine: the units pass systemd-analyze verify, the service's
# command line (osic serve --config /etc/osic/osic.yaml, as the osic user) answers on
# loopback, the nightly backup script keeps the newest N, and a purge removes the
# package and its user but keeps the data. PID 1 here is not systemd, so the units are
# verified, not started by systemd. Usage: test_package.sh BUILD_DIR
set -eu
build="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -B "$work" -G DEB >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/osic_*_amd64.deb) || fail "no .deb made"
dpkg-deb -I "$deb" >"$work/info"
dpkg-deb -c "$deb" | awk '{print $6}' >"$work/contents"
for path in ./usr/bin/osic ./etc/osic/osic.yaml ./lib/systemd/system/osic.service ./lib/systemd/system/osic-backup.service \
            ./lib/systemd/system/osic-backup.timer ./usr/lib/osic/osic-backup ./usr/share/osic/workflows/agreement.yaml \
            ./usr/share/doc/osic/README.md; do
  grep -qx "$path" "$work/contents" || fail "the package lacks $path"
done
dpkg-deb -f "$deb" Depends | grep -q "libsoci-sqlite3" || fail "Depends does not name the libraries it links"
dpkg-deb -f "$deb" Depends | grep -q "adduser" || fail "Depends lacks adduser"
dpkg-deb -f "$deb" Depends | grep -q "libjemalloc2" || fail "Depends lacks libjemalloc2, which osic links (cli/CMakeLists.txt)"
dpkg-deb -e "$deb" "$work/control"
[ "$(cat "$work/control/conffiles")" = "/etc/osic/osic.yaml" ] || fail "conffiles: $(cat "$work/control/conffiles")"
[ -x "$work/control/postinst" ] && [ -x "$work/control/postrm" ] || fail "maintainer scripts missing"
echo "package: $(basename "$deb"), $(wc -l <"$work/contents") paths, conffiles and scripts in place"

if [ "$(id -u)" -ne 0 ]; then
  echo "not root: the package is built and inspected, not installed"
  exit 0
fi
if dpkg -s osic >/dev/null 2>&1; then
  echo "osic is installed on this machine already: not touching it"
  exit 0
fi
cleanup() {
  pkill -u osic -f "osic serve --config /etc/osic/osic.yaml" 2>/dev/null || true
  dpkg --purge osic >/dev/null 2>&1 || true
  rm -rf /var/lib/osic /etc/osic "$work"
}
trap cleanup EXIT
dpkg -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i"; }
getent passwd osic >/dev/null || fail "no osic user"
[ "$(stat -c %U /var/lib/osic)" = osic ] || fail "/var/lib/osic is not the osic user's"
[ -f /etc/osic/workflows/agreement.yaml ] || fail "the workflows were not copied to /etc/osic/workflows"
systemd-analyze verify /lib/systemd/system/osic.service /lib/systemd/system/osic-backup.service \
  /lib/systemd/system/osic-backup.timer || fail "systemd-analyze verify"
runuser -u osic -- /usr/bin/osic config check /etc/osic/osic.yaml >/dev/null || fail "the shipped config does not check"

# The service's command line, as the unit runs it (another port, to stay out of the way).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd /var/lib/osic && runuser -u osic -- /usr/bin/osic serve --config /etc/osic/osic.yaml --listen "127.0.0.1:$port" \
  >"$work/serve.log" 2>&1 &)
ok=""
for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then ok=1; break; fi
  sleep 0.1
done
[ -n "$ok" ] || { cat "$work/serve.log"; fail "the service did not answer"; }
[ -s /var/lib/osic/osic.tokens ] || fail "the admin token was not written to /var/lib/osic/osic.tokens"

# Two nightly backups, keeping one.
runuser -u osic -- env OSIC_BACKUP_KEEP=1 /usr/lib/osic/osic-backup >/dev/null || fail "the first backup"
runuser -u osic -- env OSIC_BACKUP_KEEP=1 /usr/lib/osic/osic-backup >/dev/null || fail "the second backup"
[ "$(ls /var/lib/osic/backups | wc -l)" = 1 ] || fail "kept $(ls /var/lib/osic/backups | wc -l) backups, not 1"
[ -f /var/lib/osic/backups/*/manifest.json ] || fail "the backup has no manifest"
pkill -u osic -f "osic serve --config /etc/osic/osic.yaml" || true

# A conffile edited by the office survives a reinstall.
echo "# edited by the office" >>/etc/osic/osic.yaml
dpkg -i "$deb" >"$work/reinstall.log" 2>&1 || fail "reinstall"
grep -q "edited by the office" /etc/osic/osic.yaml || fail "a reinstall overwrote the edited config"
dpkg --purge osic >/dev/null 2>&1 || fail "purge"
[ ! -e /usr/bin/osic ] || fail "/usr/bin/osic left after purge"
! getent passwd osic >/dev/null || fail "the osic user left after purge"
[ -f /var/lib/osic/osic.db ] || fail "purge removed the office's database"
echo "installed, verified, served, backed up twice keeping one, reinstalled keeping the config, purged keeping the data"
