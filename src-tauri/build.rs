//! Build script: generates the Tauri context (config, capabilities, the permissions of the app's
//! own commands) at compile time.

fn main() {
    // The built UI is embedded by `generate_context!`: rebuild when it changes.
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(gridwork_app_commands::NAMES)),
    )
    .expect("tauri build script");
}

/// The app's commands, each of which gets an `allow-<name>` permission (see capabilities/).
mod gridwork_app_commands {
    include!("src/command_names.rs");
}
