//! Flushing the log to disk off the writer's turn. The writer commits without waiting for the disk
//! (`synchronous=NORMAL` in WAL mode writes the log but does not sync it); this module's thread
//! then syncs the log file once for every commit made so far, and a write is answered only after
//! a sync that began after its commit has ended. So the writer applies the next batches while the
//! disk flushes the last ones, and one flush covers every commit made meanwhile (group commit
//! across transactions, as PostgreSQL and MySQL do it).
//!
//! Readers must not hand out what a power cut could still take back: a pull serves changes up to
//! the last durable change number only, and the conflicts feed up to the last durable conflict id.
//! Otherwise a device could move its cursor past a change number that the server, after a power
//! cut, gives to a different change.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use tokio::sync::watch;

use super::StoreError;

/// The newest change number and conflict id at some point of the store's history.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    pub seq: u64,
    pub conflict: u64,
}

/// How far the log is flushed: commits up to `position`, whose newest marks were `marks`; or the
/// reason flushing stopped for good.
#[derive(Clone, Debug)]
struct Flushed {
    position: u64,
    marks: Marks,
    failed: Option<String>,
}

/// What the writer committed and the flushing thread has not picked up yet.
#[derive(Debug)]
struct Committed {
    position: u64,
    marks: Marks,
    stop: bool,
}

/// The writer's side of the flushing thread.
#[derive(Debug)]
pub struct Flusher {
    committed: Mutex<Committed>,
    wake: Condvar,
    flushed: watch::Sender<Flushed>,
}

impl Flusher {
    /// Starts the flushing thread for the log at `wal`; everything up to `durable` is on disk already.
    pub fn start(wal: PathBuf, durable: Marks) -> Result<Arc<Self>, StoreError> {
        let (flushed, _) = watch::channel(Flushed { position: 0, marks: durable, failed: None });
        let me = Arc::new(Self {
            committed: Mutex::new(Committed { position: 0, marks: durable, stop: false }),
            wake: Condvar::new(),
            flushed,
        });
        let worker = me.clone();
        std::thread::Builder::new()
            .name("log-flusher".into())
            .spawn(move || worker.run(&wal))
            .map_err(|e| StoreError::Backend(format!("cannot start the log flushing thread: {e}")))?;
        Ok(me)
    }

    fn run(&self, wal: &Path) {
        let mut done = 0;
        loop {
            let (position, marks) = {
                let mut c = self.committed.lock().unwrap_or_else(|p| p.into_inner());
                while c.position == done && !c.stop {
                    c = self.wake.wait(c).unwrap_or_else(|p| p.into_inner());
                }
                if c.stop && c.position == done {
                    return;
                }
                (c.position, c.marks)
            };
            // Every commit up to `position` has written its frames to the log file already; syncing
            // the file (through any descriptor) makes them durable.
            match File::open(wal).and_then(|f| f.sync_data()) {
                Ok(()) => {
                    done = position;
                    self.flushed.send_replace(Flushed { position, marks, failed: None });
                }
                Err(e) => {
                    // After a failed sync the kernel may have dropped the unwritten pages, so a
                    // later sync proves nothing: refuse every write from now on.
                    tracing::error!(error = %e, log = %wal.display(), "flushing the log failed; writes stop");
                    let reason = format!("the log could not be flushed to disk: {e}");
                    self.flushed.send_modify(|f| f.failed = Some(reason));
                    return;
                }
            }
        }
    }

    /// Notes a commit (call it while still holding the writer, so positions follow commit order)
    /// with the store's newest marks after it; returns its position.
    pub fn committed(&self, marks: Marks) -> u64 {
        let mut c = self.committed.lock().unwrap_or_else(|p| p.into_inner());
        c.position += 1;
        c.marks = marks;
        self.wake.notify_one();
        c.position
    }

    /// Waits until the commit at `position` is on disk.
    pub async fn flushed(&self, position: u64) -> Result<(), StoreError> {
        let mut rx = self.flushed.subscribe();
        let f = rx
            .wait_for(|f| f.position >= position || f.failed.is_some())
            .await
            .map_err(|_| StoreError::Backend("the log flushing thread is gone".into()))?;
        match &f.failed {
            Some(reason) if f.position < position => Err(StoreError::Backend(reason.clone())),
            _ => Ok(()),
        }
    }

    /// The newest marks known to be on disk: what readers may hand out.
    pub fn durable(&self) -> Marks {
        self.flushed.borrow().marks
    }

    /// Ends the flushing thread once it has flushed what was committed.
    pub fn stop(&self) {
        self.committed.lock().unwrap_or_else(|p| p.into_inner()).stop = true;
        self.wake.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_commit_is_answered_once_flushed_and_its_marks_become_durable() {
        let dir = tempfile::tempdir().unwrap();
        let wal = dir.path().join("s.db-wal");
        std::fs::write(&wal, b"frames").unwrap();
        let start = Marks { seq: 3, conflict: 1 };
        let f = Flusher::start(wal, start).unwrap();
        assert_eq!(f.durable(), start);
        let p1 = f.committed(Marks { seq: 5, conflict: 1 });
        let p2 = f.committed(Marks { seq: 9, conflict: 2 });
        assert!(p2 > p1);
        f.flushed(p2).await.unwrap();
        assert_eq!(f.durable(), Marks { seq: 9, conflict: 2 });
        f.flushed(p1).await.unwrap();
        f.stop();
    }

    #[tokio::test]
    async fn a_log_that_cannot_be_synced_fails_the_write_and_every_later_one() {
        let dir = tempfile::tempdir().unwrap();
        let f = Flusher::start(dir.path().join("missing-wal"), Marks::default()).unwrap();
        let p = f.committed(Marks { seq: 1, conflict: 0 });
        assert!(matches!(f.flushed(p).await, Err(StoreError::Backend(m)) if m.contains("flushed")));
        let p = f.committed(Marks { seq: 2, conflict: 0 });
        assert!(f.flushed(p).await.is_err());
        assert_eq!(f.durable(), Marks::default(), "nothing unflushed is handed to readers");
    }
}
