#!/bin/sh
# Installs or upgrades sitewatch on a Debian or Ubuntu box, in one command:
#
#     sudo sh install.sh [sitewatch_VERSION_all.deb]
#
# Without an argument it takes the newest sitewatch_*_all.deb beside this script or in target/ below it.
# apt installs the package and, if missing, a Java 17+ runtime. Then it waits for the service, creates the
# operator 'admin' with a random password when there is no operator yet (shown once, stored only as a hash),
# and prints where operators log in, how devices trust the appliance's CA, and 'sitewatch doctor'.
# Running it again changes nothing that is already right.
set -eu

SERVICE_WAIT_SECONDS=${SITEWATCH_INSTALL_WAIT:-120}
CA=/var/lib/sitewatch/tls/ca.pem

say() {
    printf '%s\n' "$*"
}

fail() {
    printf 'install.sh: %s\n' "$*" >&2
    exit 1
}

find_package() {
    here=$(cd "$(dirname "$0")" && pwd)
    for candidate in $(ls -t "$here"/sitewatch_*_all.deb "$here"/target/sitewatch_*_all.deb 2>/dev/null); do
        echo "$candidate"
        return
    done
}

systemd_running() {
    [ -d /run/systemd/system ]
}

# The admin socket answers once the appliance has started (it opens after the web ports).
wait_for_service() {
    waited=0
    until sitewatch operator list --json >/dev/null 2>&1; do
        if [ "$waited" -ge "$SERVICE_WAIT_SECONDS" ]; then
            journalctl -u sitewatch -n 30 --no-pager >&2 || true
            fail "sitewatch did not start within ${SERVICE_WAIT_SECONDS}s (log above); check it with: sitewatch doctor"
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

random_password() {
    tr -dc 'A-HJ-NP-Za-km-z2-9' </dev/urandom | head -c 20
}

create_first_admin() {
    if [ "$(sitewatch operator list --json | tr -d ' \n')" != "[]" ]; then
        say "Operators exist already; their passwords are unchanged (reset one: sitewatch operator passwd NAME --password-stdin)."
        return
    fi
    password=$(random_password)
    printf '%s\n' "$password" | sitewatch operator add admin --password-stdin >/dev/null
    say ""
    say "  First operator   name: admin   password: $password"
    say "  (shown only now; change it with: sitewatch operator passwd admin --password-stdin)"
}

print_access() {
    port=$(sed -n 's/^[[:space:]]*https-port[[:space:]]*=[[:space:]]*\([0-9][0-9]*\).*/\1/p' \
        /etc/sitewatch/sitewatch.conf | head -n 1)
    port=${port:-8443}
    address=$(hostname -I 2>/dev/null | awk '{ print $1 }')
    address=${address:-$(hostname)}
    suffix=""
    if [ "$port" != 443 ]; then
        suffix=":$port"
    fi
    say ""
    say "  Operators log in at   https://$address$suffix/operator/"
    say "  Sites connect from    https://$address$suffix/site/  (give each its token: sitewatch site add ID)"
    say ""
    say "  The certificate comes from the appliance's own CA. Trust it once on every device:"
    say "    copy it:  scp root@$address:$CA sitewatch-ca.pem   (or: sudo cat $CA)"
    if command -v openssl >/dev/null 2>&1 && [ -r "$CA" ]; then
        say "    check it: SHA-256 $(openssl x509 -in "$CA" -noout -fingerprint -sha256 | sed 's/^.*=//')"
    fi
    say "    install it as a trusted root CA: Android Settings > Security > Install a certificate > CA;"
    say "    iOS/macOS open it, then trust it fully; Windows certlm.msc > Trusted Root Certification Authorities;"
    say "    Debian/Ubuntu /usr/local/share/ca-certificates/sitewatch.crt + update-ca-certificates."
    say ""
}

[ "$(id -u)" -eq 0 ] || fail "run it as root: sudo sh $0 $*"
command -v apt-get >/dev/null 2>&1 || fail "this box has no apt-get; sitewatch installs on Debian 12+ and Ubuntu 22.04+"

package=${1:-$(find_package)}
[ -n "$package" ] || fail "no sitewatch_*_all.deb beside $0; give its path: sudo sh $0 FILE.deb"
[ -f "$package" ] || fail "no such file: $package"
case "$package" in
    /*) ;;
    *) package="$(pwd)/$package" ;; # apt takes a local package only by path
esac

say "Installing $(basename "$package") ..."
export DEBIAN_FRONTEND=noninteractive
# A fresh box may have no package lists yet: fetch them when the Java runtime cannot be found otherwise.
if ! apt-get install -y --no-install-recommends "$package"; then
    say "Updating the package lists and trying again ..."
    apt-get update
    apt-get install -y --no-install-recommends "$package"
fi

if ! systemd_running; then
    say ""
    say "systemd is not running here (a container or chroot?), so the service was not started."
    say "Start the appliance under your own supervisor as user sitewatch: sitewatch serve"
    exit 0
fi

systemctl enable --now sitewatch.service >/dev/null
wait_for_service
create_first_admin
print_access
sitewatch doctor || true
