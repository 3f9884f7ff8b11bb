//! The server binary's command line: with no subcommand it serves (`--listen`, `--database`,
//! `--demo`, as always); the subcommands are office actions on a database, which work while a
//! server runs on it: `code create`, `device revoke`, `account disable`, `audit export`.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use gridwork_domain::DeviceId;
use thiserror::Error;

use crate::audit_csv::{ExportError, export};
use crate::config::{Config, ConfigError, open_store};
use crate::enroll_codes::DEFAULT_VALID_DAYS;
use crate::serve::ServeError;
use crate::store::StoreError;
use crate::{admin, serve};

/// Gridwork sync server: handsets push and pull their records here.
#[derive(Clone, Debug, Parser)]
#[command(name = "gridwork-sync-server", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(flatten)]
    pub serve: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Clone, Debug, Subcommand)]
pub enum Command {
    /// One-time enrollment codes.
    #[command(subcommand)]
    Code(CodeCommand),
    /// Enrolled handsets.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// The accounts of people.
    #[command(subcommand)]
    Account(AccountCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

/// The database an office action works on.
#[derive(Clone, Debug, Args)]
pub struct Database {
    /// Database URL: `sqlite://PATH` or a plain file path.
    #[arg(long, env = "GRIDWORK_DATABASE", default_value = "sqlite://./data/gridwork-sync.db")]
    pub database: String,
}

#[derive(Clone, Debug, Subcommand)]
pub enum CodeCommand {
    /// Make one-time enrollment codes for an account and print them, one a line.
    Create {
        #[command(flatten)]
        db: Database,
        /// The account's handle, e.g. DEMO-W-0001.
        #[arg(long)]
        account: String,
        /// The handle of the supervisor or admin making the codes.
        #[arg(long)]
        by: String,
        /// Days the codes stay valid.
        #[arg(long, default_value_t = DEFAULT_VALID_DAYS, value_parser = clap::value_parser!(u32).range(1..=90))]
        valid_days: u32,
        /// How many codes (each enrolls one handset).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        count: u32,
    },
}

#[derive(Clone, Debug, Subcommand)]
pub enum DeviceCommand {
    /// Withdraw a handset: its next request is answered `revoked`, and it wipes itself.
    Revoke {
        #[command(flatten)]
        db: Database,
        /// The device id.
        #[arg(long)]
        device: DeviceId,
        /// The handle of the supervisor or admin revoking it.
        #[arg(long)]
        by: String,
    },
}

#[derive(Clone, Debug, Subcommand)]
pub enum AccountCommand {
    /// Disable an account: every handset of it is answered `revoked` from now on.
    Disable {
        #[command(flatten)]
        db: Database,
        /// The account's handle.
        #[arg(long)]
        account: String,
        /// The handle of the supervisor or admin disabling it.
        #[arg(long)]
        by: String,
    },
}

#[derive(Clone, Debug, Subcommand)]
pub enum AuditCommand {
    /// Write the audit log as CSV.
    Export {
        #[command(flatten)]
        db: Database,
        /// The file to write (standard output when left out).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Error)]
pub enum CliError {
    #[error(transparent)]
    Serve(#[from] ServeError),
    #[error("opening the database: {0}")]
    Open(#[from] ConfigError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Export(#[from] ExportError),
    #[error("writing {path}: {source}")]
    Out { path: PathBuf, source: std::io::Error },
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs what the command line asks for.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let Some(command) = cli.command else {
        return Ok(serve::run(cli.serve).await?);
    };
    match command {
        Command::Code(CodeCommand::Create { db, account, by, valid_days, count }) => {
            let store = open_store(&db.database)?;
            let codes = admin::create_codes(&*store, &account, &by, valid_days, count).await?;
            eprintln!("{count} one-time enrollment code(s) for {account}, valid {valid_days} day(s):");
            let mut out = std::io::stdout().lock();
            for code in codes {
                writeln!(out, "{code}")?;
            }
        }
        Command::Device(DeviceCommand::Revoke { db, device, by }) => {
            admin::revoke_device(&*open_store(&db.database)?, device, &by).await?;
            eprintln!("device {device} revoked");
        }
        Command::Account(AccountCommand::Disable { db, account, by }) => {
            admin::disable_account(&*open_store(&db.database)?, &account, &by).await?;
            eprintln!("account {account} disabled");
        }
        Command::Audit(AuditCommand::Export { db, out }) => {
            let store = open_store(&db.database)?;
            let n = match &out {
                Some(path) => {
                    let file =
                        std::fs::File::create(path).map_err(|source| CliError::Out { path: path.clone(), source })?;
                    export(&*store, &mut std::io::BufWriter::new(file)).await?
                }
                None => export(&*store, &mut std::io::stdout().lock()).await?,
            };
            eprintln!("{n} audit entries written");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_serving_flags_still_parse() {
        let c = Cli::parse_from(["gridwork-sync-server", "--listen", "127.0.0.1:0", "--database", "x.db", "--demo"]);
        assert!(c.command.is_none());
        assert!(c.serve.demo);
        assert_eq!(c.serve.database, "x.db");
    }

    #[test]
    fn subcommands_parse() {
        let c = Cli::parse_from([
            "gridwork-sync-server",
            "code",
            "create",
            "--database",
            "x.db",
            "--account",
            "DEMO-W-0001",
            "--by",
            "DEMO-A-0001",
            "--count",
            "3",
        ]);
        match c.command {
            Some(Command::Code(CodeCommand::Create { db, account, count, valid_days, .. })) => {
                assert_eq!((db.database.as_str(), account.as_str(), count, valid_days), ("x.db", "DEMO-W-0001", 3, 7));
            }
            other => panic!("{other:?}"),
        }
        assert!(
            Cli::try_parse_from(["gridwork-sync-server", "device", "revoke", "--device", "nope", "--by", "A"]).is_err()
        );
        assert!(Cli::try_parse_from(["gridwork-sync-server", "audit", "export"]).is_ok());
    }
}
