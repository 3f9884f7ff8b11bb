//! The server binary: logging, then the command line (`cli`): serve, or an office action.

use clap::Parser;
use gridwork_sync_server::cli::{Cli, run};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    run(Cli::parse()).await?;
    Ok(())
}
