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

/// The app's commands, each of which gets an `allow-<name>` permission (see capabilities/): the
/// names come from the one command table the app's handler and TypeScript client come from.
mod gridwork_app_commands {
    macro_rules! gridwork_commands {
        ($( $(#[doc = $doc:literal])* $kind:ident $(( $($flag:ident),* ))? $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $ret:ty ; )*) => {
            pub const NAMES: &[&str] = &[$(stringify!($name)),*];
        };
    }
    include!("src/command_table.rs");
}
