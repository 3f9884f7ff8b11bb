//! The sync server binary run as a child process with its own SQLite file, so tests can kill it
//! with SIGKILL and start it again on the same address and data.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// The database of each running server by its URL, so that a device enrolling with a server by
/// an account handle gets a fresh one-time code made for it.
static DATABASES: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());

/// A fresh one-time code for `account` on the server at `url`, if that is a server started here and
/// `account` one of its accounts' handles (`DEMO-W-0001`).
pub fn code_for(url: &str, account: &str) -> Option<String> {
    let database = DATABASES.lock().unwrap_or_else(|p| p.into_inner()).get(url).cloned()?;
    let looks_like_handle = account.starts_with("DEMO-") && account.len() == "DEMO-W-0001".len();
    looks_like_handle.then(|| create_code(&database, account))
}

/// Makes a one-time code for `account` with the server binary's `code create` on `database`.
fn create_code(database: &str, account: &str) -> String {
    let out = Command::new(server_bin())
        .args(["code", "create", "--database", database, "--account", account, "--by", "DEMO-A-0001"])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run the server binary");
    assert!(out.status.success(), "code create: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8").lines().next().expect("a code").trim().to_owned()
}

/// A running `gridwork-sync-server`.
#[derive(Debug)]
pub struct ServerProc {
    child: Option<Child>,
    db: PathBuf,
    /// Options given after the usual ones (`--header-timeout 60`, …).
    extra: Vec<String>,
    /// Where the server's log goes (inherited when `None`).
    log: Option<PathBuf>,
    /// `127.0.0.1:PORT`
    pub addr: String,
    /// `https` when started with `--tls-cert`, `http` otherwise (as the server printed it).
    scheme: String,
}

/// The server binary built with these tests (cargo builds a package's binaries for its tests).
fn server_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    let path = dir.join("gridwork-test-server");
    assert!(path.exists(), "{} is missing: run the tests with cargo test", path.display());
    path
}

impl ServerProc {
    /// Starts a server with a demo banner on a free loopback port.
    pub fn start_demo(db: &Path) -> Self {
        Self::start_demo_with(db, &[])
    }

    /// Starts a server with a demo banner and these further options.
    pub fn start_demo_with(db: &Path, extra: &[&str]) -> Self {
        let extra = extra.iter().map(|&a| a.to_owned()).collect();
        let mut s = Self {
            child: None,
            db: db.to_owned(),
            extra,
            log: None,
            addr: "127.0.0.1:0".into(),
            scheme: "http".into(),
        };
        s.spawn();
        s
    }

    /// Starts a server with a demo banner whose log (at `debug`) and printed lines go to `log`.
    pub fn start_demo_logged(db: &Path, log: &Path) -> Self {
        let log = Some(log.to_owned());
        let mut s = Self {
            child: None,
            db: db.to_owned(),
            extra: Vec::new(),
            log,
            addr: "127.0.0.1:0".into(),
            scheme: "http".into(),
        };
        s.spawn();
        s
    }

    /// The server's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The database URL of this server.
    pub fn database(&self) -> String {
        format!("sqlite://{}", self.db.display())
    }

    /// A fresh one-time enrollment code for the account `handle` (`DEMO-W-0001`), made by the demo
    /// admin with the server binary's `code create` on the server's database (while it runs).
    pub fn code(&self, handle: &str) -> String {
        create_code(&self.database(), handle)
    }

    /// Runs an office subcommand of the server binary (`code create …`, `device revoke …`) on this
    /// server's database; returns what it printed on stdout.
    pub fn admin(&self, args: &[&str]) -> String {
        let (group, rest) = args.split_at(2);
        let out = Command::new(server_bin())
            .args(group)
            .args(["--database", &self.database()])
            .args(rest)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run the server binary");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("UTF-8")
    }

    fn spawn(&mut self) {
        let mut child = Command::new(server_bin())
            .args(["--listen", &self.addr, "--database", &format!("sqlite://{}", self.db.display()), "--demo"])
            .args(&self.extra)
            .env("RUST_LOG", if self.log.is_some() { "debug" } else { "warn" })
            .stdout(Stdio::piped())
            .stderr(match &self.log {
                Some(path) => Stdio::from(log_file(path)),
                None => Stdio::inherit(),
            })
            .spawn()
            .expect("start the sync server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut printed = self.log.as_deref().map(log_file);
        let mut keep = move |line: &str| {
            if let Some(f) = printed.as_mut() {
                let _ = writeln!(f, "{line}");
            }
        };
        let (scheme, addr) = loop {
            let line = lines.next().expect("the server exited before listening").expect("read stdout");
            keep(&line);
            if let Some((scheme, rest)) = line.strip_prefix("listening on ").and_then(|l| l.split_once("://")) {
                break (scheme.to_owned(), rest.trim().to_owned());
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                keep(&line);
            }
        });
        self.addr = addr;
        self.scheme = scheme;
        self.child = Some(child);
        DATABASES.lock().unwrap_or_else(|p| p.into_inner()).insert(self.url(), self.database());
    }

    /// SIGKILL: no shutdown, no flush — what a power cut or an OOM kill does.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the server again on the same address and database.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

/// The log file, opened for appending (a restarted server adds to it).
fn log_file(path: &Path) -> std::fs::File {
    std::fs::OpenOptions::new().create(true).append(true).open(path).expect("open the server log")
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        self.kill();
    }
}
