//! Command-line configuration of the server binary and the database URL it names.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use gridwork_domain::extra_fields::ExtraField;
use gridwork_domain::policy::DevicePolicy;
use gridwork_domain::wire::{MIN_PROTOCOL, PROTOCOL_VERSION};
use thiserror::Error;

use crate::Limits;
use crate::protocol_version::VersionRules;
use crate::store::{SqliteStore, StoreError, SyncStore};

/// Gridwork sync server: handsets push and pull their records here.
#[derive(Clone, Debug, Parser)]
#[command(name = "gridwork-sync-server", version, about)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port; the bound address is printed).
    #[arg(long, env = "GRIDWORK_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// Database URL: `sqlite://PATH` (the file and its folder are created) or a plain file path.
    #[arg(long, env = "GRIDWORK_DATABASE", default_value = "sqlite://./data/gridwork-sync.db")]
    pub database: String,
    /// Serve HTTPS with this certificate (PEM: the server's certificate first, then the
    /// intermediates). Without `--tls-cert` and `--tls-key` the server speaks plain HTTP, for
    /// loopback or behind a reverse proxy that terminates TLS (docs/security.md).
    #[arg(long, env = "GRIDWORK_TLS_CERT", requires = "tls_key", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of `--tls-cert` (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "GRIDWORK_TLS_KEY", requires = "tls_cert", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// Seed a demo banner with demo accounts when the database is empty, and print the enrollment codes.
    #[arg(long)]
    pub demo: bool,
    /// Seed of the demo banner generator.
    #[arg(long, default_value_t = 20_221)]
    pub demo_seed: u64,
    /// With `--demo`: this many dispute cases per grid, reported over the past weeks and carried
    /// some way through the closed loop, so the leaders' and township queues have work in them.
    #[arg(long, default_value_t = 0)]
    pub demo_cases: u32,
    /// With `--demo`: this many months of history before now (visits, contact cards, cases
    /// carried through the loop, highlight points), for the township office's figures.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=24))]
    pub demo_months: u32,
    /// With `--demo`: the generated banner's size — small (8 grids), office (27 grids) or banner
    /// (1,680 grids).
    #[arg(long, default_value = "small", value_parser = ["small", "office", "banner"])]
    pub demo_size: String,
    /// Most open connections served normally; beyond them `503 overloaded` [default: 32768, lowered
    /// to what the open-file limit allows].
    #[arg(long, env = "GRIDWORK_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Seconds a client has to send a request's headers; an idle keep-alive connection is closed
    /// after as long [default: 30].
    #[arg(long, env = "GRIDWORK_HEADER_TIMEOUT")]
    pub header_timeout: Option<u64>,
    /// Seconds a client has to send a request's body once its headers are in [default: 60].
    #[arg(long, env = "GRIDWORK_BODY_TIMEOUT")]
    pub body_timeout: Option<u64>,
    /// Requests a device may make in a burst [default: 600].
    #[arg(long, env = "GRIDWORK_RATE_BURST")]
    pub rate_burst: Option<u32>,
    /// Requests per second a device may make after its burst [default: 10].
    #[arg(long, env = "GRIDWORK_RATE_PER_SEC")]
    pub rate_per_sec: Option<u32>,
    /// Oldest protocol answered; handsets speaking an older one are told to update the app
    /// (`426 upgrade_required`). At most the protocol this server speaks.
    #[arg(long, env = "GRIDWORK_MIN_PROTOCOL", default_value_t = MIN_PROTOCOL,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(PROTOCOL_VERSION)))]
    pub min_protocol: u32,
    /// A field a record kind gained with a newer app, before this server's code knows it:
    /// KIND.NAME:TYPE with TYPE one of text, int, number, bool, json (e.g. household.dialect:text).
    /// Repeat it, or separate with commas. Keep a field listed while any handset may hold it.
    #[arg(long = "field", env = "GRIDWORK_FIELDS", value_delimiter = ',')]
    pub fields: Vec<ExtraField>,
    /// Handsets' lock: wrong PINs in a row after which every further try waits, longer each time.
    #[arg(long, env = "GRIDWORK_PIN_DELAY_AFTER", default_value_t = DevicePolicy::default().pin_delay_after)]
    pub pin_delay_after: u32,
    /// Handsets' lock: wrong PINs in a row after which the handset destroys its key and wipes itself.
    #[arg(long, env = "GRIDWORK_PIN_WIPE_AFTER", default_value_t = DevicePolicy::default().pin_wipe_after)]
    pub pin_wipe_after: u32,
    /// Handsets' lock: seconds without a touch after which the app locks.
    #[arg(long, env = "GRIDWORK_IDLE_LOCK_SECS", default_value_t = DevicePolicy::default().idle_lock_s)]
    pub idle_lock_secs: u32,
    /// Handsets' lock: days without reaching this server after which the app offers only sync
    /// and the outbox (nothing is deleted).
    #[arg(long, env = "GRIDWORK_OFFLINE_LOCK_DAYS", default_value_t = DevicePolicy::default().offline_lock_days)]
    pub offline_lock_days: u32,
}

impl Config {
    /// The handsets' lock policy the command line sets, served with the reference data; refused
    /// with the reason when a handset could not work under it.
    pub fn policy(&self) -> Result<DevicePolicy, ConfigError> {
        let policy = DevicePolicy {
            pin_delay_after: self.pin_delay_after,
            pin_wipe_after: self.pin_wipe_after,
            idle_lock_s: self.idle_lock_secs,
            offline_lock_days: self.offline_lock_days,
        };
        policy.validate().map_err(|e| ConfigError::Policy(format!("{}: {}", flag(&e.field), e.message)))?;
        Ok(policy)
    }

    /// The server's version settings.
    pub fn versions(&self) -> VersionRules {
        VersionRules { min_protocol: self.min_protocol, fields: Arc::new(self.fields.iter().cloned().collect()) }
    }

    /// The server's limits: the defaults, with what the command line sets.
    pub fn limits(&self) -> Limits {
        let d = Limits::default();
        let secs = |s: Option<u64>, default| s.map_or(default, Duration::from_secs);
        Limits {
            max_connections: self.max_connections.unwrap_or(d.max_connections),
            header_timeout: secs(self.header_timeout, d.header_timeout),
            body_timeout: secs(self.body_timeout, d.body_timeout),
            rate_burst: self.rate_burst.unwrap_or(d.rate_burst),
            rate_per_sec: self.rate_per_sec.unwrap_or(d.rate_per_sec),
            ..d
        }
    }
}

/// The command-line flag that sets a policy field.
fn flag(field: &str) -> String {
    match field {
        "idle_lock_s" => "--idle-lock-secs".into(),
        other => format!("--{}", other.replace('_', "-")),
    }
}

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("the handsets' lock policy cannot be used: {0}")]
    Policy(String),
    #[error("unsupported database URL '{0}': use sqlite://PATH (PostgreSQL support comes later)")]
    UnsupportedDatabase(String),
    #[error("cannot create the database folder {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot open the database: {0}")]
    Store(#[from] StoreError),
}

/// A parsed database URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            return if path.is_empty() {
                Err(ConfigError::UnsupportedDatabase(url.into()))
            } else {
                Ok(Self::Sqlite(path.into()))
            };
        }
        if url.contains("://") || url.is_empty() {
            return Err(ConfigError::UnsupportedDatabase(url.into()));
        }
        Ok(Self::Sqlite(url.into()))
    }
}

/// Opens the store a database URL names, creating the SQLite file's folder if needed.
pub fn open_store(url: &str) -> Result<Arc<dyn SyncStore>, ConfigError> {
    match DatabaseUrl::parse(url)? {
        DatabaseUrl::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| ConfigError::CreateDir { path: dir.into(), source })?;
            }
            Ok(Arc::new(SqliteStore::open(&path)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gridwork_domain::RecordKind;
    use gridwork_domain::extra_fields::FieldType;

    #[test]
    fn database_urls() {
        let ok = [
            ("sqlite://./data/gridwork-sync.db", "./data/gridwork-sync.db"),
            ("sqlite:///var/lib/g.db", "/var/lib/g.db"),
            ("sqlite:g.db", "g.db"),
            ("plain/file.db", "plain/file.db"),
        ];
        for (url, path) in ok {
            assert_eq!(DatabaseUrl::parse(url).unwrap(), DatabaseUrl::Sqlite(path.into()), "{url}");
        }
        for bad in ["postgres://localhost/g", "sqlite://", ""] {
            assert!(DatabaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults() {
        let c = Config::parse_from(["gridwork-sync-server"]);
        assert_eq!(c.listen.to_string(), "127.0.0.1:8787");
        assert_eq!(c.database, "sqlite://./data/gridwork-sync.db");
        assert!(!c.demo);
        assert_eq!(c.limits(), Limits::default());
        let c = Config::parse_from(["s", "--max-connections", "7", "--header-timeout", "2", "--rate-per-sec", "1"]);
        let l = c.limits();
        assert_eq!((l.max_connections, l.header_timeout, l.rate_per_sec), (7, Duration::from_secs(2), 1));
    }

    #[test]
    fn lock_policy_flags() {
        assert_eq!(Config::parse_from(["s"]).policy().unwrap(), DevicePolicy::default());
        let c = Config::parse_from([
            "s",
            "--pin-delay-after",
            "3",
            "--pin-wipe-after",
            "8",
            "--idle-lock-secs",
            "120",
            "--offline-lock-days",
            "7",
        ]);
        let want = DevicePolicy { pin_delay_after: 3, pin_wipe_after: 8, idle_lock_s: 120, offline_lock_days: 7 };
        assert_eq!(c.policy().unwrap(), want);
        let bad = Config::parse_from(["s", "--pin-delay-after", "10", "--pin-wipe-after", "10"]).policy().unwrap_err();
        assert!(bad.to_string().contains("--pin-wipe-after"), "{bad}");
        let bad = Config::parse_from(["s", "--offline-lock-days", "0"]).policy().unwrap_err();
        assert!(bad.to_string().contains("--offline-lock-days"), "{bad}");
        let bad = Config::parse_from(["s", "--idle-lock-secs", "1"]).policy().unwrap_err();
        assert!(bad.to_string().contains("--idle-lock-secs"), "{bad}");
    }

    #[test]
    fn version_settings() {
        let v = Config::parse_from(["s"]).versions();
        assert_eq!((v.min_protocol, v.fields.is_empty()), (MIN_PROTOCOL, true));
        let c = Config::parse_from([
            "s",
            "--field",
            "household.dialect:text,visit.minutes:int",
            "--field",
            "dispute.x:json",
        ]);
        let v = c.versions();
        assert_eq!(v.fields.iter().count(), 3);
        assert_eq!(v.fields.get(RecordKind::Household, "dialect"), Some(FieldType::Text));
        assert!(Config::try_parse_from(["s", "--field", "household.dialect"]).is_err());
        assert!(Config::try_parse_from(["s", "--tls-cert", "c.pem"]).is_err(), "a certificate needs its key");
        assert!(Config::try_parse_from(["s", "--tls-key", "k.pem"]).is_err(), "a key needs its certificate");
        let c = Config::parse_from(["s", "--tls-cert", "c.pem", "--tls-key", "k.pem"]);
        assert_eq!((c.tls_cert.unwrap(), c.tls_key.unwrap()), ("c.pem".into(), "k.pem".into()));
        assert!(Config::try_parse_from(["s", "--min-protocol", "0"]).is_err());
        let too_new = (PROTOCOL_VERSION + 1).to_string();
        assert!(Config::try_parse_from(["s", "--min-protocol", &too_new]).is_err());
    }
}
