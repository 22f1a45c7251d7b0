//! Helpers for tests that run the real `briefbot` binary. Include with
//! `#[path = "support/cli.rs"] mod support_cli;`.
#![allow(dead_code)] // each test crate uses its own part

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// `briefbot` running in `dir`, with no environment that would change its output.
pub fn briefbot(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("briefbot").expect("the briefbot binary is built");
    cmd.current_dir(dir)
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .env_remove("DISCORD_TOKEN")
        .env_remove("DATABASE_URL");
    cmd
}

/// `briefbot` running in the repository root: its `config.toml` and the shipped seed brief.
pub fn repo() -> Command {
    briefbot(Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// Runs `cmd`, expects exit 0 and parses stdout as one JSON value.
pub fn json_of(cmd: &mut Command) -> Value {
    let output = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&output).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}):\n{}",
            String::from_utf8_lossy(&output)
        )
    })
}

/// Runs `cmd`, expects exit 0 and returns stdout.
pub fn stdout_of(cmd: &mut Command) -> String {
    let output = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(output).expect("stdout is UTF-8")
}

/// Runs `cmd`, expects exit `code` and returns stderr.
pub fn stderr_of(cmd: &mut Command, code: i32) -> String {
    let output = cmd.assert().code(code).get_output().stderr.clone();
    String::from_utf8(output).expect("stderr is UTF-8")
}

/// The text with every run of white space made one space (terminal output is wrapped).
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
