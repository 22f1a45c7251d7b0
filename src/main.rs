//! The `briefbot` binary: parse arguments, run the command, map the outcome to an exit code
//! (0 success, 1 invalid input or failure, 2 usage error).

use std::process::ExitCode;

use clap::Parser;

/// mimalloc returns freed memory to the system promptly and does not keep one arena per
/// thread the way glibc does: peak memory while the index is built in parallel is much lower,
/// and loading is faster. It is built without transparent huge pages (`no_thp`): they made
/// every touched 2 MiB be zeroed and counted.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, mimalloc.h, v3; the Rust
/// bindings name no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Give freed memory back at once rather than after 10 ms: loading frees most of what
    // parsing allocated, and the bot then runs for weeks. (Measured: -13% peak memory at
    // 10,000 briefs; see BENCHMARKS.md.)
    // SAFETY: this sets one integer option of the allocator; it is called first thing, before
    // any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
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
