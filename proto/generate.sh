#!/usr/bin/env bash
# Lints the schemas and regenerates the code from them, offline, with the locally installed
# buf and protoc-gen-es (same version as @bufbuild/protobuf): the Settrade schemas into
# connectors/settrade/gen, tickwire's own wire schema (proto/tickwire) into
# connectors/nats/gen. CI runs this, then checks that nothing differs from the commit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bin=node_modules/.bin
"$bin/buf" format --diff --exit-code proto
"$bin/buf" lint proto
"$bin/buf" generate --template proto/buf.gen.yaml
"$bin/buf" generate --template proto/buf.gen.tickwire.yaml
