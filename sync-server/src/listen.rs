//! Serving HTTP/1.1 connections, plain or over TLS, with the limits a hostile crowd needs: a TLS
//! handshake timeout; a header read timeout (which also closes idle keep-alive connections); a
//! cap on open connections, at which the oldest idle connection (or one still shaking hands)
//! makes room for a newcomer, and when none is idle the newcomer is answered
//! `503 overloaded` (health still answers) and, a little further on, closed at once; and a
//! graceful shutdown that lets the requests in flight finish.

mod conn;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::RETRY_AFTER;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper::server::conn::http1;
use hyper_util::rt::TokioTimer;
use tokio::net::{TcpListener, TcpSocket};

use crate::Limits;
use crate::error::AppError;
use conn::{ConnHandle, Queue, serve_conn};

/// Connections past the cap that are still read, to answer `503 overloaded` or health; past
/// these a connection is closed as soon as it is accepted.
pub const OVERFLOW: usize = 256;
/// Descriptors kept for all but connections: the listener, the database and its log, stdio.
pub const RESERVE: u64 = 256;
/// Hyper's read buffer: request heads above our own cap (`Limits::max_header_bytes`) and up to
/// this size are answered `431 header_too_large` JSON; beyond it hyper answers a bare 431 itself.
pub const HYPER_MAX_BUF: usize = 64 * 1024;
/// Hyper's cap on header fields: above `Limits::max_headers` and up to this, a JSON 431; beyond
/// it hyper's bare 431.
pub const HYPER_MAX_HEADERS: usize = 256;
/// Header read time of a connection past the cap: it gets one quick answer.
const OVER_CAP_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest wait for the requests in flight at shutdown.
const DRAIN: Duration = Duration::from_secs(30);
/// The one path answered on connections past the cap.
const HEALTH: &str = "/api/v1/health";

/// Connections the kernel may queue for the accept loop: a burst of them waits there instead of
/// having its SYNs dropped and sent again a second later (Linux caps it at `net.core.somaxconn`).
const BACKLOG: u32 = 4096;

/// Binds a listener with room for a burst of connections.
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// The connection cap a soft descriptor limit allows: what is wanted, less than the descriptors.
pub fn connection_cap(wanted: usize, fd_soft: u64) -> usize {
    let room = fd_soft.saturating_sub(RESERVE + OVERFLOW as u64);
    wanted.min(usize::try_from(room).unwrap_or(usize::MAX)).max(1)
}

/// One open connection, counted while it lives.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn builder(limits: &Limits, header_timeout: Duration, keep_alive: bool) -> http1::Builder {
    let mut b = http1::Builder::new();
    b.timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(keep_alive)
        .max_buf_size(HYPER_MAX_BUF.max(limits.max_header_bytes + 1))
        .max_headers(HYPER_MAX_HEADERS.max(limits.max_headers + 1));
    b
}

/// Middleware of connections past the cap: health answers, everything else is `503 overloaded`.
async fn overloaded(req: Request, next: Next) -> Response {
    if req.uri().path() == HEALTH {
        return next.run(req).await;
    }
    let mut res =
        AppError::Overloaded("the server has too many open connections; try again shortly".into()).into_response();
    res.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("1"));
    res
}

/// An error of one connection's accept: the peer's (skip it) or the server's, such as running out
/// of descriptors (wait a moment so the loop does not spin).
async fn accept_error(e: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        tracing::error!(%e, "accept error");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Serves `app` over plain HTTP on `listener` under `limits` until `shutdown` resolves, then
/// waits (at most [`DRAIN`]) for the requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    serve_with(listener, app, limits, None, shutdown).await
}

/// The longest a client may take over its TLS handshake (less when the header timeout is less).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// As [`serve`], over HTTPS when `tls` is given: each connection first shakes hands, within
/// [`HANDSHAKE_TIMEOUT`] (or the header timeout when shorter), holding its slot meanwhile.
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    tls: Option<Arc<rustls::ServerConfig>>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let tls = tls.map(tokio_rustls::TlsAcceptor::from);
    let handshake_timeout = HANDSHAKE_TIMEOUT.min(limits.header_timeout);
    let fd_soft = crate::fd_limit::current().map_or(1024, |l| l.soft);
    let cap = connection_cap(limits.max_connections, fd_soft);
    if cap < limits.max_connections {
        tracing::warn!(cap, wanted = limits.max_connections, fd_soft, "connection cap lowered to the descriptor limit");
    }
    let open = Arc::new(AtomicUsize::new(0));
    let normal = Arc::new(builder(&limits, limits.header_timeout, true));
    let over = Arc::new(builder(&limits, limits.header_timeout.min(OVER_CAP_TIMEOUT), false));
    let over_app = app
        .clone()
        .layer(axum::middleware::from_fn(overloaded))
        .layer(axum::middleware::map_response(crate::protocol_version::stamp));
    let (stop, stopped) = tokio::sync::watch::channel(());
    let mut queue = Queue::default();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
        };
        let n = open.fetch_add(1, Ordering::AcqRel) + 1;
        let slot = Slot(open.clone());
        let served = n <= cap || (n <= cap + OVERFLOW && queue.evict_idle());
        let handle = Arc::new(ConnHandle::default());
        let (builder, app) = if served {
            queue.push(&handle, n);
            (normal.clone(), app.clone())
        } else if n <= cap + OVERFLOW {
            (over.clone(), over_app.clone())
        } else {
            continue; // dropping the stream closes it, dropping the slot frees its place
        };
        let stopped = stopped.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _slot = slot;
            serve_conn(&builder, stream, tls, handshake_timeout, app, handle, stopped).await;
        });
    }
    drop(listener);
    drop(stopped);
    let _ = stop.send(());
    if tokio::time::timeout(DRAIN, stop.closed()).await.is_err() {
        tracing::warn!("connections still open after {DRAIN:?}; stopping anyway");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_room_for_the_overflow_and_the_reserve() {
        let cases = [(32_768, 1 << 20, 32_768), (32_768, 20_000, 19_488), (10, 20_000, 10), (100, 100, 1)];
        for (wanted, fd_soft, cap) in cases {
            assert_eq!(connection_cap(wanted, fd_soft), cap, "{wanted} {fd_soft}");
        }
    }
}
