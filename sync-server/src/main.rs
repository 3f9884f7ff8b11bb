//! The server binary: logging, configuration from the command line, then `serve::run`.

use clap::Parser;
use gridwork_sync_server::config::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    gridwork_sync_server::serve::run(Config::parse()).await?;
    Ok(())
}
