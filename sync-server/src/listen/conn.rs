//! One served connection: whether a request is in progress on it, how it is asked to close (the
//! server stopping, or room wanted for a newcomer) and the queue of connections, oldest first, from
//! which an idle one is chosen to make that room.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::{Notify, watch};
use tokio::time::{Instant, sleep_until};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// How long a connection asked to close may take to do so while no request is in progress on it
/// (one that stalls in its request head) before it is cut.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// What the accept loop and the connection's task share.
#[derive(Debug, Default)]
pub struct ConnHandle {
    /// Requests in progress: from the call of the service until its answer's body is sent.
    busy: AtomicUsize,
    /// Asks the connection to close (room is wanted for a newcomer).
    evict: Notify,
}

impl ConnHandle {
    fn idle(&self) -> bool {
        self.busy.load(Ordering::Acquire) == 0
    }
}

/// Counts a request in progress while it lives.
struct Busy(Arc<ConnHandle>);

impl Busy {
    fn enter(h: &Arc<ConnHandle>) -> Self {
        h.busy.fetch_add(1, Ordering::AcqRel);
        Self(h.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// An answer's body that keeps its request counted as in progress until it is sent (or dropped).
struct BusyBody {
    inner: Body,
    _busy: Busy,
}

impl HttpBody for BusyBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Serves `app` on `stream` (first shaking hands over TLS when `tls` is given, within
/// `handshake_timeout`) until the peer leaves, a timeout closes it, or it is asked to close:
/// then a request in progress is finished first, and a connection with none is closed at once
/// (or, stalled in a request head, after [`CLOSE_GRACE`]).
pub async fn serve_conn(
    builder: &http1::Builder,
    stream: TcpStream,
    tls: Option<TlsAcceptor>,
    handshake_timeout: Duration,
    app: Router,
    handle: Arc<ConnHandle>,
    mut stop: watch::Receiver<()>,
) {
    // The client's address, for what is counted per address (failed enrollments).
    let peer = stream.peer_addr().ok().map(axum::extract::ConnectInfo);
    let Some(tls) = tls else {
        return serve_io(builder, stream, peer, app, handle, stop).await;
    };
    // A client that never finishes its handshake holds a slot only this long; the connection is
    // idle meanwhile, so it is also the first to make room for a newcomer, and a stopping server
    // does not wait for it.
    let stream = tokio::select! {
        done = tokio::time::timeout(handshake_timeout, tls.accept(stream)) => match done {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => {
                tracing::debug!(%e, "TLS handshake failed");
                return;
            }
            Err(_) => {
                tracing::debug!(?handshake_timeout, "TLS handshake not finished in time; closed");
                return;
            }
        },
        () = handle.evict.notified() => return,
        _ = stop.changed() => return,
    };
    serve_io(builder, stream, peer, app, handle, stop).await;
}

async fn serve_io<I>(
    builder: &http1::Builder,
    stream: I,
    peer: Option<axum::extract::ConnectInfo<std::net::SocketAddr>>,
    app: Router,
    handle: Arc<ConnHandle>,
    mut stop: watch::Receiver<()>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let h = handle.clone();
    let service = service_fn(move |req: Request<Incoming>| {
        let busy = Busy::enter(&h);
        let app = app.clone();
        let mut req = req.map(Body::new);
        if let Some(peer) = peer {
            req.extensions_mut().insert(peer);
        }
        async move {
            let res = app.oneshot(req).await?;
            Ok::<Response, Infallible>(res.map(|inner| Body::new(BusyBody { inner, _busy: busy })))
        }
    });
    let mut conn = pin!(builder.serve_connection(TokioIo::new(stream), service));
    let mut cut = pin!(sleep_until(Instant::now() + Duration::from_secs(86_400 * 365)));
    let mut asked = false;
    loop {
        tokio::select! {
            done = conn.as_mut() => {
                if let Err(e) = done {
                    tracing::debug!(%e, "connection ended with an error");
                }
                return;
            }
            _ = stop.changed(), if !asked => asked = true,
            () = handle.evict.notified(), if !asked => asked = true,
            () = &mut cut, if asked => {
                if handle.idle() {
                    return; // dropping the connection closes it
                }
                cut.as_mut().reset(Instant::now() + CLOSE_GRACE);
                continue;
            }
        }
        conn.as_mut().graceful_shutdown();
        cut.as_mut().reset(Instant::now() + CLOSE_GRACE);
    }
}

/// The connections served normally, oldest first, to choose an idle one from.
#[derive(Debug, Default)]
pub struct Queue(VecDeque<Weak<ConnHandle>>);

/// Busy connections looked at, at most, to find an idle one.
const SCAN: usize = 64;

impl Queue {
    /// Adds a new connection; forgets the closed ones when they outnumber the open ones.
    pub fn push(&mut self, h: &Arc<ConnHandle>, open: usize) {
        self.0.push_back(Arc::downgrade(h));
        if self.0.len() > 2 * open + 1024 {
            self.0.retain(|w| w.strong_count() > 0);
        }
    }

    /// Asks the oldest connection with no request in progress to close, to make room; false when
    /// none is found among the oldest [`SCAN`] busy ones.
    pub fn evict_idle(&mut self) -> bool {
        let mut busy = 0;
        while busy < SCAN {
            let Some(w) = self.0.pop_front() else { return false };
            let Some(h) = w.upgrade() else { continue };
            if h.idle() {
                h.evict.notify_one();
                return true;
            }
            self.0.push_back(w);
            busy += 1;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;

    #[test]
    fn the_oldest_idle_connection_is_chosen_and_busy_ones_are_passed_over() {
        let mut q = Queue::default();
        let hs: Vec<Arc<ConnHandle>> = (0..4).map(|_| Arc::new(ConnHandle::default())).collect();
        for h in &hs {
            q.push(h, hs.len());
        }
        let _busy = Busy::enter(&hs[0]);
        drop(hs[1].clone()); // still open: the vector holds it
        assert!(q.evict_idle());
        // the first idle one (1) was asked: its permit is stored
        assert!(futures_now(hs[1].evict.notified()));
        assert!(!futures_now(hs[2].evict.notified()));
        // all busy: no room
        let _b: Vec<Busy> = hs.iter().map(Busy::enter).collect();
        assert!(!q.evict_idle());
    }

    /// True when the future is ready at its first poll.
    fn futures_now<F: Future>(f: F) -> bool {
        let mut f = pin!(f);
        let waker = std::task::Waker::noop();
        f.as_mut().poll(&mut Context::from_waker(waker)).is_ready()
    }
}
