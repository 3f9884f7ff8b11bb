//! The server binary: reads the configuration, opens the store, seeds the demo banner on request,
//! then serves until Ctrl-C or SIGTERM, letting in-flight requests finish.

use std::io::Write;

use anyhow::Context;
use clap::Parser;
use gridwork_sync_server::config::{Config, open_store};
use gridwork_sync_server::seed::seed_demo;
use gridwork_sync_server::{AppState, app};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let config = Config::parse();
    let store = open_store(&config.database).with_context(|| format!("opening {}", config.database))?;
    if config.demo {
        match seed_demo(&*store, config.demo_seed).await.context("seeding the demo banner")? {
            Some(accounts) => {
                println!("demo banner seeded; enrollment codes:");
                for a in &accounts {
                    let role = serde_json::to_value(a.role)?.as_str().unwrap_or_default().to_owned();
                    println!("  {:<12} {:<12} {:<8} {}", a.code, role, a.name, a.scope);
                }
            }
            None => println!("demo: the database already holds data; nothing seeded"),
        }
    }
    let listener =
        tokio::net::TcpListener::bind(config.listen).await.with_context(|| format!("binding {}", config.listen))?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    std::io::stdout().flush()?;
    axum::serve(listener, app(AppState::new(store))).with_graceful_shutdown(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(%e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(%e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down; finishing in-flight requests");
}
