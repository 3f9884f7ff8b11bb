//! The desktop binary: starts the grid worker's app.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    gridwork_app::run();
}
