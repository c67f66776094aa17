#!/usr/bin/env bash
# A Python base image made from Debian's packages, for machines that reach Debian's package
# mirror but no image registry: debootstrap (minbase) bookworm with python3 and pip, imported into
# podman. Prints the image's name; build the service on it with
#   podman build --network host --build-arg PYTHON_IMAGE="$(deploy/debian-base.sh)" \
#       -f deploy/Dockerfile --ignorefile deploy/Dockerfile.dockerignore -t trainees .
# The root filesystem is kept in $TRAINEES_IMAGE_CACHE (default /var/cache/trainees-images) and the
# image is tagged with a hash of this script, so a second run with the same recipe does nothing.
# Needs root, debootstrap and podman (Debian: apt-get install debootstrap podman runc).
set -euo pipefail

SUITE=bookworm
PACKAGES=python3,python3-pip,ca-certificates
cache=${TRAINEES_IMAGE_CACHE:-/var/cache/trainees-images}
key=$(sha256sum "$0" | cut -c1-12)
image=localhost/trainees-debian-python:$SUITE-$key

# The mirror apt already uses here (deb822 or one-line sources), unless DEBIAN_MIRROR says.
mirror=${DEBIAN_MIRROR:-$(
    { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
      grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}'; } \
        | grep -v -- -security | head -n1 || true
)}
mirror=${mirror:-http://deb.debian.org/debian}

if podman image exists "$image"; then
    echo "$image"
    exit 0
fi

tarball=$cache/debian-python-$SUITE-$key.tar
if [ ! -f "$tarball" ]; then
    mkdir -p "$cache"
    root=$(mktemp -d "$cache/rootfs.XXXXXX")
    trap 'rm -rf "$root"' EXIT
    debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$root" "$mirror" >&2
    cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb ${mirror%/debian}/debian-security $SUITE-security main
EOF
    # pip installs into the image's own Python, as on the official Python images.
    rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
    rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/* \
        "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/*
    find "$root"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
    tar -C "$root" --numeric-owner -cf "$tarball.part" .
    mv "$tarball.part" "$tarball"
fi
podman import --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' "$tarball" "$image" >&2
echo "$image"
