//! The server's open-file limit, raised at start so that a crowd of connections meets the
//! connection cap (a coded `503`) long before the descriptor limit (a server that stops answering).

use std::io;

use rlimit::Resource;

/// The hard limit asked for when the process may raise it (root, or `CAP_SYS_RESOURCE`); Linux's
/// default per-process ceiling (`fs.nr_open`), which bounds it too.
pub const WANTED_HARD: u64 = 1 << 20;

/// A soft and a hard open-file limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FdLimit {
    pub soft: u64,
    pub hard: u64,
}

/// The process's open-file limit now.
pub fn current() -> io::Result<FdLimit> {
    let (soft, hard) = rlimit::getrlimit(Resource::NOFILE)?;
    Ok(FdLimit { soft, hard })
}

/// The kernel's ceiling of a process's descriptors (`fs.nr_open`), or [`WANTED_HARD`] when unknown.
fn nr_open() -> u64 {
    std::fs::read_to_string("/proc/sys/fs/nr_open").ok().and_then(|s| s.trim().parse().ok()).unwrap_or(WANTED_HARD)
}

/// Raises the hard limit to [`WANTED_HARD`] when the process may (an unprivileged process keeps
/// its hard limit), then the soft limit to the hard one; answers the limit now in force.
pub fn raise() -> io::Result<FdLimit> {
    let ceiling = nr_open().min(WANTED_HARD);
    let before = current()?;
    if before.hard < ceiling {
        // Refused (EPERM) without the privilege: then the hard limit stays as it is.
        let _ = rlimit::setrlimit(Resource::NOFILE, before.soft, ceiling);
    }
    let hard = current()?.hard;
    rlimit::increase_nofile_limit(hard.min(nr_open()))?;
    current()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raising_leaves_the_soft_limit_at_the_hard_one() {
        let before = current().unwrap();
        let after = raise().unwrap();
        assert!(after.soft >= before.soft && after.hard >= before.hard, "{before:?} → {after:?}");
        assert_eq!(after.soft, after.hard.min(nr_open()));
    }
}
