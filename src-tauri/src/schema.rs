//! The command schema: `gridwork_commands!` turns the one table in `command_table.rs` into the
//! Tauri wrappers and handler, the list of names, and the typed TypeScript client, so a command's
//! name, arguments or answer cannot differ between Rust and the UI.

use std::collections::BTreeMap;
use std::path::PathBuf;
use ts_rs::{Config, Dependency, TS, TypeVisitor};

/// One command as the UI sees it: name, documentation, arguments and answer as TypeScript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandSpec {
    pub name: &'static str,
    pub doc: Vec<&'static str>,
    /// (argument name as the IPC carries it, TypeScript type)
    pub args: Vec<(&'static str, String)>,
    pub answer: String,
    /// The generated bindings the types above name: TypeScript name → file under bindings/.
    pub imports: BTreeMap<String, PathBuf>,
}

/// The TypeScript name of `T` (as ts-rs writes it in the bindings, large integers as `number`).
pub fn ts_name<T: TS + 'static>() -> String {
    T::name(&config())
}

/// Adds the bindings `T` names (itself and its type arguments, e.g. `Vec<HouseholdRow>`).
pub fn ts_imports<T: TS + 'static>(into: &mut BTreeMap<String, PathBuf>) {
    struct Collect<'a>(&'a Config, &'a mut BTreeMap<String, PathBuf>);
    impl TypeVisitor for Collect<'_> {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            if let Some(Dependency { ts_name, output_path, .. }) = Dependency::from_ty::<U>(self.0) {
                self.1.insert(ts_name, output_path);
            }
        }
    }
    let cfg = config();
    let mut visit = Collect(&cfg, into);
    visit.visit::<T>();
    T::visit_generics(&mut visit);
}

fn config() -> Config {
    Config::from_env()
}

/// `list_households` → `listHouseholds`.
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The typed client of every command (ui/src/lib/commands.gen.ts).
pub fn ts_client(specs: &[CommandSpec]) -> String {
    let mut imports = BTreeMap::new();
    for s in specs {
        imports.extend(s.imports.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let mut out = String::from(
        "// Generated from src-tauri/src/command_table.rs by `cargo test -p gridwork-app`: do not edit.\n\
         // One typed function per command of the app; a failed call rejects with a TaggedError.\n\
         import { call } from './ipc';\n",
    );
    for (name, path) in &imports {
        let file = path.with_extension("");
        out += &format!("import type {{ {name} }} from './bindings/{}';\n", file.display());
    }
    out += "\n/** The name of every command, as the IPC and the capability know it. */\n";
    out += "export const COMMAND_NAMES = [\n";
    for s in specs {
        out += &format!("  '{}',\n", s.name);
    }
    out += "] as const;\nexport type CommandName = (typeof COMMAND_NAMES)[number];\n\n";
    out += "export const commands = {\n";
    for s in specs {
        for line in &s.doc {
            out += &format!("  /**{line} */\n");
        }
        let params: Vec<String> = s.args.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        let names: Vec<&str> = s.args.iter().map(|(n, _)| *n).collect();
        let body = if names.is_empty() { "{}".to_owned() } else { format!("{{ {} }}", names.join(", ")) };
        out += &format!(
            "  {}: ({}): Promise<{}> =>\n    call<{}>('{}', {body}),\n",
            camel(s.name),
            params.join(", "),
            s.answer,
            s.answer,
            s.name
        );
    }
    out += "};\n";
    out
}

/// Expands the command table (see `command_table.rs`) in the module that includes it.
macro_rules! gridwork_commands {
    ($( $(#[doc = $doc:literal])* $kind:ident $(( $($flag:ident),* ))? $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $ret:ty ; )*) => {
        $( gridwork_command_fn!($kind [$($($flag),*)?] [$(#[doc = $doc])*] $name ( $($arg : $ty),* ) -> $ret); )*

        /// The name of every command: one `allow-<name>` permission each (see build.rs).
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// The invoke handler with every command of the table.
        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// Every command as the UI sees it, for the TypeScript client.
        pub fn specs() -> Vec<$crate::schema::CommandSpec> {
            vec![$({
                let mut imports = std::collections::BTreeMap::new();
                $( $crate::schema::ts_imports::<$ty>(&mut imports); )*
                $crate::schema::ts_imports::<$ret>(&mut imports);
                $crate::schema::CommandSpec {
                    name: stringify!($name),
                    doc: vec![$($doc),*],
                    args: vec![$((stringify!($arg), $crate::schema::ts_name::<$ty>())),*],
                    answer: $crate::schema::ts_name::<$ret>(),
                    imports,
                }
            }),*]
        }
    };
}

/// One Tauri wrapper: `engine` runs `adapters::<name>` with the engine on a blocking thread,
/// `net` awaits `adapters::<name>` with the app handle, `app` runs `adapters::<name>` with the
/// app's state. `engine` and `net` pass the lock's gate first (`AppState::admit`) with their flags.
macro_rules! gridwork_command_fn {
    (engine [$($flag:ident),*] [$($doc:tt)*] $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty) => {
        $($doc)*
        #[tauri::command(async, rename_all = "snake_case")]
        fn $name(state: tauri::State<'_, $crate::AppState>, $($arg: $ty),*) -> Answer<$ret> {
            state.admit(stringify!($name), &[$($crate::state::Flag::$flag),*])?;
            state.with(|e| $crate::adapters::$name(e, $($arg),*))
        }
    };
    (net [$($flag:ident),*] [$($doc:tt)*] $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty) => {
        $($doc)*
        #[tauri::command(rename_all = "snake_case")]
        async fn $name<R: tauri::Runtime>(app: tauri::AppHandle<R>, $($arg: $ty),*) -> Answer<$ret> {
            {
                use tauri::Manager;
                app.state::<$crate::AppState>().admit(stringify!($name), &[$($crate::state::Flag::$flag),*])?;
            }
            $crate::adapters::$name(app, $($arg),*).await
        }
    };
    (app [$($flag:ident),*] [$($doc:tt)*] $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty) => {
        $($doc)*
        #[tauri::command(async, rename_all = "snake_case")]
        fn $name(state: tauri::State<'_, $crate::AppState>, $($arg: $ty),*) -> Answer<$ret> {
            state.touch(&[$($crate::state::Flag::$flag),*]);
            $crate::adapters::$name(&state, $($arg),*)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_camel_case() {
        assert_eq!(camel("list_households"), "listHouseholds");
        assert_eq!(camel("status"), "status");
        assert_eq!(camel("sync_now"), "syncNow");
    }

    #[test]
    fn types_are_named_as_the_bindings_name_them_and_imported_from_them() {
        use gridwork_core::households::HouseholdRow;
        use gridwork_domain::{AreaCode, ContactCard, RecordId};
        assert_eq!(ts_name::<Vec<HouseholdRow>>(), "Array<HouseholdRow>");
        assert_eq!(ts_name::<Option<AreaCode>>(), "AreaCode | null");
        assert_eq!(ts_name::<(RecordId, ContactCard)>(), "[RecordId, ContactCard]");
        assert_eq!(ts_name::<i64>(), "number");
        assert_eq!(ts_name::<()>(), "null");
        let mut imports = BTreeMap::new();
        ts_imports::<Option<Vec<HouseholdRow>>>(&mut imports);
        ts_imports::<(RecordId, ContactCard)>(&mut imports);
        ts_imports::<String>(&mut imports);
        let names: Vec<&str> = imports.keys().map(String::as_str).collect();
        assert_eq!(names, ["ContactCard", "HouseholdRow", "RecordId"]);
    }

    /// Writes the client when the table changed (as ts-rs writes the bindings); scripts/test.sh
    /// fails when the written file differs from the committed one.
    #[test]
    fn the_typescript_client_is_the_table() {
        let specs = crate::commands::specs();
        assert_eq!(specs.len(), crate::commands::NAMES.len());
        let client = ts_client(&specs);
        for (spec, name) in specs.iter().zip(crate::commands::NAMES) {
            assert_eq!(spec.name, *name);
            assert!(client.contains(&format!("('{name}', ")), "{name} has no call");
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/commands.gen.ts");
        if std::fs::read_to_string(path).ok().as_deref() != Some(client.as_str()) {
            std::fs::write(path, &client).expect("write ui/src/lib/commands.gen.ts");
        }
        let bindings = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/bindings");
        for spec in &specs {
            for file in spec.imports.values() {
                assert!(std::path::Path::new(bindings).join(file).exists(), "{} names {}", spec.name, file.display());
            }
        }
    }
}
