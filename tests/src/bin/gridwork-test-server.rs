//! The sync server as the integration tests run it: the same `serve::run` as the real binary, built
//! with the tests so that they never run a stale server.

use clap::Parser;
use gridwork_sync_server::config::Config;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    gridwork_sync_server::serve::run(Config::parse()).await?;
    Ok(())
}
