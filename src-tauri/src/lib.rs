//! Gridwork's app shell: a Tauri v2 window around the grid worker's UI (ui/), with one command
//! per engine service, declared once in `command_table.rs` (see `schema`, `commands`). The store
//! lives in the app data directory, or in `GRIDWORK_DATA_DIR` when that is set (tests run several
//! instances side by side with it).

#[macro_use]
pub mod schema;
pub mod adapters;
pub mod commands;
pub mod keystore;
pub mod lock_state;
pub mod state;
pub mod sync_events;

use std::path::PathBuf;
use tauri::{Manager, Runtime};

pub use state::AppState;

/// The environment variable that overrides where the app keeps its store.
pub const DATA_DIR_ENV: &str = "GRIDWORK_DATA_DIR";

/// The environment variable that acts out a phone whose clock runs this many ms off the true
/// time (the end-to-end test of the offline lock; demonstrations of the clock warning).
pub const PHONE_CLOCK_SKEW_ENV: &str = "GRIDWORK_PHONE_CLOCK_SKEW_MS";

/// Adds the app's state and commands to a builder; shared by the real app and the tests (which
/// use the mock runtime). With `data_dir` the store opens there at once; without, it opens in
/// the app data directory when the app starts.
pub fn setup<R: Runtime>(
    builder: tauri::Builder<R>,
    data_dir: Option<PathBuf>,
) -> Result<tauri::Builder<R>, Box<dyn std::error::Error>> {
    let builder = builder.invoke_handler(commands::handler());
    Ok(match data_dir {
        Some(dir) => builder.manage(AppState::open(&dir)?),
        None => builder.setup(|app| {
            app.manage(AppState::open(&app.path().app_data_dir()?)?);
            Ok(())
        }),
    })
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn,gridwork_app=info".into()),
        )
        .init();
    let data_dir = std::env::var_os(DATA_DIR_ENV).map(PathBuf::from);
    let builder = match setup(tauri::Builder::default(), data_dir) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("gridwork: cannot open the store: {e}");
            std::process::exit(1);
        }
    };
    builder.run(tauri::generate_context!()).expect("the app could not start");
}
