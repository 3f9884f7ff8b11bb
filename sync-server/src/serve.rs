//! Running the server as a process: load the TLS certificate and key when given, raise the
//! open-file limit, open the store, seed the demo banner on request, bind, print the bound address
//! (`listening on https://…` or `http://…`), and serve (see `listen`) until Ctrl-C or SIGTERM,
//! letting in-flight requests finish.

use std::io::Write;

use thiserror::Error;

use crate::config::{Config, ConfigError, open_store};
use crate::seed::{DemoPlan, SeedError, demo_code_lines, demo_codes, seed_plan};
use crate::{AppState, app};
use gridwork_domain::demo::DemoSize;

#[derive(Debug, Error)]
pub enum ServeError {
    #[error("{0}")]
    Config(ConfigError),
    #[error("opening {url}: {source}")]
    Store { url: String, source: ConfigError },
    #[error("seeding the demo banner: {0}")]
    Seed(#[from] SeedError),
    #[error("binding {addr}: {source}")]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("the TLS certificate: {0}")]
    Tls(#[from] crate::tls::TlsError),
    #[error("serving: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves `config` until a shutdown signal.
pub async fn run(config: Config) -> Result<(), ServeError> {
    let policy = config.policy().map_err(ServeError::Config)?;
    match crate::fd_limit::raise() {
        Ok(l) => tracing::info!(soft = l.soft, hard = l.hard, "open-file limit"),
        Err(e) => tracing::warn!(%e, "cannot raise the open-file limit"),
    }
    // A bad certificate or key stops the start before anything else is touched.
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(crate::tls::server_config(cert, key)?),
        _ => None,
    };
    let store =
        open_store(&config.database).map_err(|source| ServeError::Store { url: config.database.clone(), source })?;
    if config.demo {
        let plan = DemoPlan {
            seed: config.demo_seed,
            size: DemoSize::named(&config.demo_size).unwrap_or_else(DemoSize::small),
            cases_per_grid: config.demo_cases,
            months: config.demo_months,
        };
        match seed_plan(&*store, &plan).await? {
            Some(accounts) => {
                println!("demo banner seeded; one-time enrollment codes (handle, code, role, area; valid 7 days):");
                for line in demo_code_lines(&demo_codes(&*store, &accounts).await?) {
                    println!("{line}");
                }
                let now = i64::try_from(gridwork_domain::clock::wall_ms()).unwrap_or(i64::MAX);
                let handsets =
                    crate::demo_fleet::seed_demo_fleet(&*store, &accounts, now).await.map_err(SeedError::from)?;
                println!("demo fleet: {handsets} handsets with their last contacts (their tokens were thrown away)");
            }
            None => println!(
                "demo: the database already holds data; nothing seeded. New codes: \
                 gridwork-sync-server code create --database URL --account DEMO-W-0001 --by DEMO-A-0001"
            ),
        }
    }
    let listener =
        crate::listen::bind(config.listen).map_err(|source| ServeError::Bind { addr: config.listen, source })?;
    let addr = listener.local_addr()?;
    if tls.is_none() && !addr.ip().is_loopback() {
        tracing::warn!(
            %addr,
            "serving plain HTTP on a non-loopback address: handsets refuse it unless enrolled with --insecure; \
             give --tls-cert and --tls-key, or put a TLS-terminating reverse proxy in front (docs/security.md)"
        );
    }
    println!("listening on {}://{addr}", if tls.is_some() { "https" } else { "http" });
    std::io::stdout().flush()?;
    let limits = config.limits();
    let state = AppState { limits, versions: config.versions(), policy, ..AppState::new(store) };
    crate::listen::serve_with(listener, app(state), limits, tls, shutdown_signal()).await?;
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
