#!/usr/bin/env bash
# Regenerate the committed shell completions and man page from the CLI definition.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --workspace --quiet  # same feature set as `cargo test --workspace`: no rebuild
bin="${CARGO_TARGET_DIR:-target}/debug/facectl"
"$bin" completions bash > completions/facectl.bash
"$bin" completions zsh > completions/_facectl
"$bin" completions fish > completions/facectl.fish
"$bin" completions powershell > completions/_facectl.ps1
"$bin" manpage > completions/facectl.1
