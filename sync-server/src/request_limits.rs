//! Limits on a request as it arrives: its line and header fields (`431 header_too_large`, JSON like
//! every error) and the time its body may take once its headers are in (`408 request_timeout`).
//! Hyper's own limits sit above these (see `listen`); only beyond them is a 431 answered bare.

use std::error::Error;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::BoxError;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::header::CONNECTION;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use crate::Limits;
use crate::error::AppError;

/// A body's time ran out before it was all sent.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTimeout;

/// True when `E` sits anywhere in an error's chain (a body wrapped in layers wraps its errors).
pub fn caused_by<E: Error + 'static>(e: &(dyn Error + 'static)) -> bool {
    let mut e = Some(e);
    while let Some(x) = e {
        if x.is::<E>() {
            return true;
        }
        e = x.source();
    }
    false
}

/// A body that fails with [`BodyTimeout`] once its deadline has passed, however it trickles in.
#[derive(Debug)]
pub struct DeadlineBody {
    inner: Body,
    deadline: Pin<Box<Sleep>>,
}

impl DeadlineBody {
    pub fn new(inner: Body, deadline: Instant) -> Self {
        Self { inner, deadline: Box::pin(tokio::time::sleep_until(deadline)) }
    }
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if this.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(Box::new(BodyTimeout))));
        }
        Pin::new(&mut this.inner).poll_frame(cx).map(|f| f.map(|r| r.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Bytes of the request line and header fields as they came on the wire (HTTP/1.1).
pub fn head_bytes(req: &Request) -> usize {
    let uri = req.uri();
    let target = uri.path_and_query().map_or(1, |p| p.as_str().len())
        + uri.authority().map_or(0, |a| a.as_str().len() + uri.scheme_str().map_or(0, |s| s.len() + 3));
    let line = req.method().as_str().len() + 1 + target + " HTTP/1.1\r\n".len();
    line + req.headers().iter().map(|(n, v)| n.as_str().len() + 2 + v.len() + 2).sum::<usize>() + 2
}

fn closing(mut res: Response) -> Response {
    res.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    res
}

/// Middleware: refuses oversized heads with `431 header_too_large` and gives the body its deadline;
/// both answers close the connection.
pub async fn guard_request(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let (bytes, fields) = (head_bytes(&req), req.headers().len());
    if bytes > limits.max_header_bytes || fields > limits.max_headers {
        let (max, n) = (limits.max_header_bytes, limits.max_headers);
        let e = AppError::HeaderTooLarge(format!(
            "the request line and headers may take at most {max} bytes in at most {n} fields; this one has {bytes} bytes in {fields}"
        ));
        return closing(e.into_response());
    }
    let req = if req.body().is_end_stream() {
        req
    } else {
        let deadline = Instant::now() + limits.body_timeout;
        req.map(|b| Body::new(DeadlineBody::new(b, deadline)))
    };
    let res = next.run(req).await;
    if res.status() == StatusCode::REQUEST_TIMEOUT { closing(res) } else { res }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_bytes_count_the_line_and_every_field() {
        let req = Request::builder()
            .uri("/api/v1/pull?after=0")
            .header("host", "a")
            .header("x-y", "bc")
            .body(Body::empty())
            .unwrap();
        let wire = "GET /api/v1/pull?after=0 HTTP/1.1\r\nhost: a\r\nx-y: bc\r\n\r\n";
        assert_eq!(head_bytes(&req), wire.len());
    }

    /// A body whose sender never sends.
    struct Stalled;

    impl HttpBody for Stalled {
        type Data = Bytes;
        type Error = std::io::Error;
        fn poll_frame(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            Poll::Pending
        }
    }

    #[tokio::test]
    async fn a_body_past_its_deadline_fails_with_body_timeout() {
        use http_body_util::BodyExt;
        let body = DeadlineBody::new(Body::new(Stalled), Instant::now() + std::time::Duration::from_millis(50));
        let err = body.collect().await.unwrap_err();
        assert!(caused_by::<BodyTimeout>(&*err), "{err}");
    }
}
