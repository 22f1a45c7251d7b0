//! The `briefbot` binary: parse arguments, run the command, map the outcome to an exit code
//! (0 success, 1 invalid input or failure, 2 usage error).

use std::process::ExitCode;

use clap::Parser;

/// mimalloc returns freed memory to the system promptly and does not keep one arena per
/// thread the way glibc does: peak memory while the index is built in parallel is much lower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = briefbot::cli::Cli::parse();
    match briefbot::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}
