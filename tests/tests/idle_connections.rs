//! 25,000 idle TCP connections opened against the real server binary do not stop a normal sync
//! (enroll, push, pull through the handset engine); the server's memory during it is printed (the
//! figures are in docs/benchmarks.md, from `cargo test -p gridwork-tests --test idle_connections
//! -- --nocapture`). Two `idle_holder` processes hold the connections (each raises its own
//! open-file limit; one process may not hold them all where the hard limit is 20,000). Where the
//! server's own limit is below 25,000 it holds as many as its cap allows and closes the oldest
//! idle ones to make room for newcomers.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gridwork_domain::*;
use gridwork_sync_server::Limits;
use gridwork_tests::{Device, ServerProc};

const IDLE: usize = 25_000;

/// Resident memory of a process in KiB: now (`VmRSS`) and its peak so far (`VmHWM`).
#[derive(Clone, Copy, Debug)]
struct Mem {
    rss_kib: u64,
    hwm_kib: u64,
}

impl Mem {
    fn of(pid: u32) -> Self {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let field = |name: &str| {
            let line = status.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no {name}"));
            line[name.len()..].trim().trim_end_matches("kB").trim().parse::<u64>().unwrap()
        };
        Self { rss_kib: field("VmRSS:"), hwm_kib: field("VmHWM:") }
    }
}

impl std::fmt::Display for Mem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VmRSS {:.1} MiB, VmHWM {:.1} MiB", self.rss_kib as f64 / 1024.0, self.hwm_kib as f64 / 1024.0)
    }
}

/// Open descriptors of a process.
fn fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

/// The server's soft open-file limit.
fn fd_soft_limit(pid: u32) -> u64 {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits.lines().find(|l| l.starts_with("Max open files")).unwrap();
    line.split_whitespace().nth(3).unwrap().parse().unwrap()
}

/// A process holding idle connections until dropped.
struct Holder(Child);

impl Holder {
    fn start(addr: &str, n: usize) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_idle_holder"))
            .args([addr, &n.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        Self(child)
    }

    /// Waits until it holds its connections.
    fn wait(&mut self) -> String {
        let mut line = String::new();
        BufReader::new(self.0.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
        line.trim().to_owned()
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        drop(self.0.stdin.take()); // its standard input closes: it lets go
        let _ = self.0.wait();
    }
}

/// Waits (at most 20 s) until the server holds at least `n` descriptors.
fn wait_for_fds(pid: u32, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while fds(pid) < n {
        assert!(Instant::now() < deadline, "the server holds {} descriptors, not {n}", fds(pid));
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn twenty_five_thousand_idle_connections_do_not_stop_a_normal_sync() {
    let dir = tempfile::tempdir().unwrap();
    // A header timeout longer than the test, so that no idle connection times out before the sync
    // (the timeout itself is tested in sync-server/tests/limits.rs).
    let server = ServerProc::start_demo_with(&dir.path().join("server.db"), &["--header-timeout", "300"]);
    let pid = server.pid().unwrap();
    let base_fds = fds(pid);
    let fd_soft = fd_soft_limit(pid);
    let cap = gridwork_sync_server::listen::connection_cap(Limits::default().max_connections, fd_soft);
    let expected = IDLE.min(cap);
    let started = Mem::of(pid);

    let t = Instant::now();
    let mut holders = [Holder::start(&server.addr, IDLE / 2), Holder::start(&server.addr, IDLE - IDLE / 2)];
    let held: Vec<String> = holders.iter_mut().map(Holder::wait).collect();
    assert_eq!(held, [format!("held {}", IDLE / 2), format!("held {}", IDLE - IDLE / 2)]);
    wait_for_fds(pid, base_fds + expected - 16);
    let opened = t.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    let holding = Mem::of(pid);
    let held_by_server = fds(pid) - base_fds;

    let t = Instant::now();
    let mut a = Device::enroll(dir.path(), "a", &server.url(), "DEMO-W-0001");
    let scope = AreaCode::parse(&a.scope()).unwrap().child(1);
    let h = a.engine.create_household(&Household::new(scope, "张伟", "吉格斯太镇乌兰嘎查二社", "1号")).unwrap();
    a.engine.record_visits(&vec![a.visit(h); 200]).unwrap();
    a.sync().expect("a pushes while the idle connections are held");
    assert_eq!(a.engine.pending_count().unwrap(), 0);
    let mut b = Device::enroll(dir.path(), "b", &server.url(), "DEMO-L-0001");
    b.sync().expect("b pulls while the idle connections are held");
    let visits = b.records_in("").values().filter(|s| s.kind == RecordKind::Visit).count();
    assert_eq!(visits, 200);
    let synced = t.elapsed();
    let after = Mem::of(pid);
    let still = fds(pid) - base_fds;
    assert!(still + 16 >= expected, "the idle connections went away during the sync: {still} left");

    println!("server open-file limit {fd_soft}, connection cap {cap}");
    println!(
        "{IDLE} idle connections opened in {:.1} s; the server holds {held_by_server} of them",
        opened.as_secs_f64()
    );
    println!("sync (enroll, 201 records pushed; enroll, 201 pulled): {:.2} s", synced.as_secs_f64());
    println!("server memory at start: {started}");
    println!("server memory holding the idle connections: {holding}");
    println!("server memory after the sync, {still} connections still held: {after}");
    println!(
        "per held connection: {:.1} KiB",
        holding.rss_kib.saturating_sub(started.rss_kib) as f64 / held_by_server.max(1) as f64
    );
    // The server goes first, so that it closes the connections and the clients leave no TIME_WAIT
    // sockets on the ephemeral ports behind them.
    drop(server);
    drop(holders);
}
