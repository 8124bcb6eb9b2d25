#!/usr/bin/env bash
# The Python, Java and Go packages and the example app of each language
# (examples/python-app, examples/java-app, examples/go-app).
#
#   scripts/language-apps.sh package         builds the Java, Python and Go
#                                            packages (dist/java, dist/python,
#                                            dist/go), timing each one
#   scripts/language-apps.sh package-go      writes the Go module to dist/go
#   scripts/language-apps.sh setup <lang>    installs the package in dist/ for
#                                            the app of <lang> (python, java, go)
#
# The apps are synthesized and compared with examples/ts-twin by
# test-languages/ (`npx projen test:languages`). Needs the compiled library
# (lib/, .jsii: `npx projen compile`).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PATH="$ROOT/node_modules/.bin:$PATH"

# The aws-cdk-lib the library declares as its minimum: what the Go module
# requires, and what every language app pins.
PEER_CDK=$(node -p "require('./package.json').peerDependencies['aws-cdk-lib'].replace(/^[^0-9]*/, '')")
# The version of the packages in dist/: that of the assembly they are generated from (.jsii), which is the release's
# after `npx projen release` (package.json is reset to 0.0.0 after a release).
VERSION=$(node -p "JSON.parse(require('fs').readFileSync('.jsii', 'utf8')).version" 2>/dev/null || node -p "require('./package.json').version")
# Go modules generated here because the module proxy does not serve them (see setup_go).
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-message-patterns"

log() { echo "language-apps: $*" >&2; }

# The Go module, as jsii-pacmak generates it, requiring the aws-cdk-go of the
# peer minimum rather than the aws-cdk-lib the library is developed with
# (jsii-pacmak writes the latter): Go's minimal version selection would
# otherwise force every Go user onto that newer release. The code is compiled
# when the Go app is built (setup go, then the app's synth).
package_go() {
  rm -rf dist/go
  jsii-pacmak --target go --code-only
  local mod=dist/go/cdkmessagepatterns/go.mod
  sed -i -E -e "s#(github.com/aws/aws-cdk-go/awscdk/v2) v[0-9][0-9.]*#\1 v${PEER_CDK}#" -e '/\/\/ indirect/d' "$mod"
  grep -q "github.com/aws/aws-cdk-go/awscdk/v2 v${PEER_CDK}$" "$mod" || { log "$mod does not require aws-cdk-go v${PEER_CDK}"; exit 1; }
  log "dist/go/cdkmessagepatterns requires aws-cdk-go v${PEER_CDK}"
}

# The packages of every language but JavaScript (built by `projen build`);
# how long each takes goes to test-reports/languages-packaging.json.
package_all() {
  local entries=() target start
  for target in java python go; do
    start=$SECONDS
    if [ "$target" = go ]; then package_go; else projen "package:$target"; fi
    entries+=("\"package:$target\": $((SECONDS - start))")
    log "package:$target took $((SECONDS - start)) s"
  done
  mkdir -p test-reports
  (IFS=,; echo "{${entries[*]}}") >test-reports/languages-packaging.json
}

setup_python() {
  local wheel
  wheel=$(ls dist/python/*-"${VERSION}"-py3-none-any.whl)
  cd examples/python-app
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  # Same version number on every build: replace whatever wheel was installed before.
  .venv/bin/pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$ROOT/$wheel"
  log "python: $(.venv/bin/pip list --disable-pip-version-check 2>/dev/null | grep -E '^(aws-cdk-lib|cdk-message-patterns|constructs) ' | tr -s ' ' | paste -sd ',')"
}

setup_java() {
  local dir="dist/java/io/github/cdk-message-patterns/cdk-message-patterns/${VERSION}"
  # The app depends on the version of dist/java: pom.xml's property, set for every
  # Maven command run in the app's folder by .mvn/maven.config (not committed).
  mkdir -p examples/java-app/.mvn
  echo "-Dcdk-message-patterns.version=${VERSION}" >examples/java-app/.mvn/maven.config
  # install-file overwrites the artifact of the same version in ~/.m2 (a file
  # repository would be cached there once and never read again).
  mvn -B -q install:install-file -Dfile="$dir/cdk-message-patterns-${VERSION}.jar" -DpomFile="$dir/cdk-message-patterns-${VERSION}.pom"
  (cd examples/java-app && mvn -B -q dependency:resolve >/dev/null)
  log "java: io.github.cdk-message-patterns:cdk-message-patterns:${VERSION} installed in the local Maven repository"
}

# Generates, from its npm package, the Go module of a jsii library that the Go
# module proxy refuses to serve, with the same jsii-pacmak as the real one.
go_standin() {
  local module=$1 version=$2 npm_name
  case "$module" in
    github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/*) npm_name=@aws-cdk/cloud-assembly-schema ;;
    *) log "go: no npm package known for $module"; return 1 ;;
  esac
  local out="$CACHE/go-standin/${npm_name#@}@${version#v}"
  if [ ! -f "$out/done" ]; then
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "${npm_name}@${version#v}" >/dev/null && tar xzf ./*.tgz)
    rm -rf "$out" && mkdir -p "$out"
    jsii-pacmak --target go --code-only --outdir "$out" "$tmp/package" >&2
    rm -rf "$tmp"
    touch "$out/done"
  fi
  local dir
  dir=$(dirname "$(grep -l "^module ${module}$" "$out"/go/*/go.mod)")
  echo "$dir"
}

setup_go() {
  [ -f dist/go/cdkmessagepatterns/go.mod ] || { log "dist/go is missing: run package-go first"; exit 1; }
  cd examples/go-app
  rm -f local.go.mod local.go.sum
  local out
  if out=$(go mod download 2>&1); then
    log "go: every module downloaded"
    # go.mod and go.sum must be complete by themselves: `go run` refuses a
    # module whose content hash is missing from go.sum, whatever the cache holds.
    local diff
    if ! diff=$(go mod tidy -diff 2>&1); then
      log "go: examples/go-app/go.mod or go.sum is incomplete; run 'go mod tidy' there (after package-go) and commit:"
      echo "$diff" >&2
      exit 1
    fi
    return
  fi
  # Modules the proxy refuses (403): generate them, and build the app with
  # local.go.mod (go.mod plus replace directives) instead of go.mod.
  cp go.mod local.go.mod
  cp go.sum local.go.sum
  local refused
  refused=$(echo "$out" | grep -oE '^go: [^ ]+@v[^:]+: reading https?://[^ ]+: 403' | sed -E 's/^go: ([^ ]+)@(v[^:]+):.*/\1 \2/' | sort -u)
  [ -n "$refused" ] || { echo "$out" >&2; exit 1; }
  while read -r module version; do
    local dir
    dir=$(go_standin "$module" "$version")
    log "go: the module proxy refuses ${module}@${version}; using the module generated from its npm package ($dir)"
    go mod edit -modfile local.go.mod -replace "${module}=${dir}"
  done <<<"$refused"
  go mod download -modfile local.go.mod
}

case "${1:-}" in
  package) package_all ;;
  package-go) package_go ;;
  setup)
    case "${2:-}" in
      python) setup_python ;;
      java) setup_java ;;
      go) setup_go ;;
      *) echo "usage: $0 setup python|java|go" >&2; exit 2 ;;
    esac
    ;;
  *) echo "usage: $0 package | package-go | setup python|java|go" >&2; exit 2 ;;
esac
