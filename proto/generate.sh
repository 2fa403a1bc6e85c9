#!/usr/bin/env bash
# Lints the Settrade schemas and regenerates connectors/settrade/gen from them, offline, with
# the locally installed buf and protoc-gen-es (same version as
# @bufbuild/protobuf). CI runs this, then `git diff --exit-code connectors/settrade/gen`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bin=node_modules/.bin
"$bin/buf" format --diff --exit-code proto
"$bin/buf" lint proto
"$bin/buf" generate proto --template proto/buf.gen.yaml
