//! The sync server as the integration tests run it: the same command line (`cli::run`: serve, or
//! an office action such as `code create`) as the real binary, built with the tests so that they
//! never run a stale server. Logs go to stderr, filtered by `RUST_LOG`.

use clap::Parser;
use gridwork_sync_server::cli::{Cli, run};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    run(Cli::parse()).await?;
    Ok(())
}
