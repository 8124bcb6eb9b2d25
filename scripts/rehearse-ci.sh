#!/usr/bin/env bash
# Runs CI as a machine that never built the project would: a fresh clone of a
# commit (HEAD by default) in a temporary folder, with every cache the build
# reads pointed at empty folders (home, npm, pip, Go modules and build cache,
# Maven's local repository, the project's own generated-module cache), then
# `CI=true bash .ci/run`. A warm cache can hide a missing install step or a
# missing lock entry (go.sum, package-lock.json); this cannot.
#
#   scripts/rehearse-ci.sh [REV]     REV defaults to HEAD; only committed work is cloned
#
# The log is written to <tmp>/ci.log and its last lines printed; the folder is
# kept for inspection and its path printed. Exits with .ci/run's status.
set -euo pipefail
ROOT=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
REV=$(git -C "$ROOT" rev-parse "${1:-HEAD}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cdk-message-patterns-ci.XXXXXX")

git clone --quiet --no-local "$ROOT" "$WORK/repo"
git -C "$WORK/repo" checkout --quiet --detach "$REV"
mkdir -p "$WORK/home" "$WORK/cache" "$WORK/go" "$WORK/npm" "$WORK/m2"
echo "rehearse-ci: $REV in $WORK/repo, caches under $WORK" >&2

start=$SECONDS
status=0
(
  cd "$WORK/repo"
  # Java reads its home folder from the password database, not $HOME: name it
  # for Maven explicitly so that ~/.m2 is the empty one too.
  env HOME="$WORK/home" \
    XDG_CACHE_HOME="$WORK/cache" \
    npm_config_cache="$WORK/npm" \
    PIP_CACHE_DIR="$WORK/cache/pip" \
    GOPATH="$WORK/go" \
    GOMODCACHE="$WORK/go/pkg/mod" \
    GOCACHE="$WORK/cache/go-build" \
    GOFLAGS="-buildvcs=false -modcacherw" \
    MAVEN_OPTS="-Duser.home=$WORK/home -Dmaven.repo.local=$WORK/home/.m2/repository" \
    CI=true \
    bash .ci/run
) >"$WORK/ci.log" 2>&1 || status=$?

tail -n 15 "$WORK/ci.log"
echo "rehearse-ci: exit $status after $((SECONDS - start)) s; log $WORK/ci.log" >&2
exit "$status"
