//! `gridwork`: the handset engine on the command line, for scripts, demos and field support.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    // With --json every error is JSON too, even one in the arguments.
    let json = std::env::args().any(|a| a == "--json");
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) if json && e.use_stderr() => {
            println!("{}", serde_json::json!({ "error": { "tag": "usage", "message": e.to_string().trim_end() } }));
            return std::process::ExitCode::from(2);
        }
        Err(e) => e.exit(),
    };
    match cli::run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            report(&e, json);
            std::process::ExitCode::FAILURE
        }
    }
}

/// Prints a failed command's error: `error [tag]: message` on stderr, or with `--json`
/// `{"error": {"tag", "message", …}}` on stdout, where the command's answer would have been.
/// The message is the outermost one (the CLI may say what to do instead of the engine's words).
fn report(e: &anyhow::Error, json: bool) {
    let core = e.downcast_ref::<gridwork_core::CoreError>();
    let message = match core {
        Some(core) if e.to_string() == core.to_string() => core.to_string(),
        _ => e.to_string(),
    };
    match (core, json) {
        (Some(core), true) => {
            let mut v = core.to_json();
            v["error"]["message"] = message.into();
            println!("{v}");
        }
        (None, true) => println!("{}", serde_json::json!({ "error": { "tag": "error", "message": format!("{e:#}") } })),
        (Some(core), false) => eprintln!("error [{}]: {message}", core.tag()),
        (None, false) => eprintln!("error: {e:#}"),
    }
}
