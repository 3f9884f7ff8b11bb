//! A loopback TCP proxy that injects one network fault on demand: a request dropped before it
//! reaches the server, or a response lost after the server has committed the request; and that
//! can hold every answer back for a while (a slow server or link).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Fault {
    None = 0,
    /// The next connection is closed before any byte reaches the server.
    DropRequest = 1,
    /// The next response is swallowed: the server did the work, the client never hears.
    LoseResponse = 2,
}

#[derive(Debug)]
pub struct Proxy {
    pub addr: String,
    fault: Arc<AtomicU8>,
    injected: Arc<AtomicUsize>,
    delay_ms: Arc<AtomicU64>,
}

impl Proxy {
    /// A proxy on a free loopback port forwarding to `upstream` (`127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let fault = Arc::new(AtomicU8::new(Fault::None as u8));
        let injected = Arc::new(AtomicUsize::new(0));
        let delay_ms = Arc::new(AtomicU64::new(0));
        let (f, inj, up, d) = (fault.clone(), injected.clone(), upstream.to_owned(), delay_ms.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (f, inj, up, d) = (f.clone(), inj.clone(), up.clone(), d.clone());
                std::thread::spawn(move || serve(client, &up, &f, &inj, &d));
            }
        });
        Self { addr, fault, injected, delay_ms }
    }

    /// Holds every answer back `ms` before it starts (0: none), as a slow server would.
    pub fn slow(&self, ms: u64) {
        self.delay_ms.store(ms, Ordering::SeqCst);
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Arms one fault; it fires once.
    pub fn arm(&self, fault: Fault) {
        self.fault.store(fault as u8, Ordering::SeqCst);
    }

    /// How many faults fired so far.
    pub fn injected(&self) -> usize {
        self.injected.load(Ordering::SeqCst)
    }
}

fn take(fault: &AtomicU8, want: Fault) -> bool {
    fault.compare_exchange(want as u8, Fault::None as u8, Ordering::SeqCst, Ordering::SeqCst).is_ok()
}

fn serve(client: TcpStream, upstream: &str, fault: &AtomicU8, injected: &AtomicUsize, delay_ms: &AtomicU64) {
    if take(fault, Fault::DropRequest) {
        injected.fetch_add(1, Ordering::SeqCst);
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(server) = TcpStream::connect(upstream) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    // Set when request bytes went up since the last answer began: the next bytes down start an answer.
    let asked = Arc::new(AtomicBool::new(false));
    let asking = asked.clone();
    let up = std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        loop {
            let n = match c_read.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            asking.store(true, Ordering::SeqCst);
            if s_write.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = s_write.shutdown(Shutdown::Write);
    });
    let (mut s_read, mut c_write) = (server, client);
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match s_read.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let delay = delay_ms.load(Ordering::SeqCst);
        if delay > 0 && asked.swap(false, Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(delay));
        }
        // A response is on its way, so the server has finished the request: lose it.
        if take(fault, Fault::LoseResponse) {
            injected.fetch_add(1, Ordering::SeqCst);
            let _ = c_write.shutdown(Shutdown::Both);
            let _ = s_read.shutdown(Shutdown::Both);
            break;
        }
        if c_write.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = c_write.shutdown(Shutdown::Both);
    let _ = up.join();
}
