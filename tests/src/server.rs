//! The sync server binary run as a child process with its own SQLite file, so tests can kill it
//! with SIGKILL and start it again on the same address and data.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `gridwork-sync-server`.
#[derive(Debug)]
pub struct ServerProc {
    child: Option<Child>,
    db: PathBuf,
    /// Options given after the usual ones (`--header-timeout 60`, …).
    extra: Vec<String>,
    /// `127.0.0.1:PORT`
    pub addr: String,
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
        let mut s = Self { child: None, db: db.to_owned(), extra, addr: "127.0.0.1:0".into() };
        s.spawn();
        s
    }

    /// The server's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn spawn(&mut self) {
        let mut child = Command::new(server_bin())
            .args(["--listen", &self.addr, "--database", &format!("sqlite://{}", self.db.display()), "--demo"])
            .args(&self.extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the sync server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines.next().expect("the server exited before listening").expect("read stdout");
            if let Some(rest) = line.strip_prefix("listening on http://") {
                break rest.trim().to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        self.addr = addr;
        self.child = Some(child);
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

impl Drop for ServerProc {
    fn drop(&mut self) {
        self.kill();
    }
}
