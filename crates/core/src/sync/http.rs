//! The HTTP side of sync: a blocking reqwest client (rustls, the server verified and pinned as
//! `tls` says) that speaks the protocol in `gridwork_domain::wire`, retries with backoff
//! (reporting each retry), records the server's clock, and turns failures into tagged errors that
//! name their cause (`transport`).

use gridwork_domain::clock::wall_ms;
use gridwork_domain::standing::Held;
use gridwork_domain::wire::{
    ApiError, DeviceState, EnrollRequest, EnrollResponse, PROTOCOL_VERSION, PushRequest, PushResponse, ReenrollRequest,
    ReferenceData,
};
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::decide::{CONNECT_TIMEOUT, STALL_TIMEOUT, next_try, send_timeout};
use super::tls::{SeenPin, TlsOptions, check_address, client_config};
use super::transport::{Failure, classify_failure, classify_io, classify_send};
use crate::error::{CoreError, Result};
use crate::net_error::NetError;

/// The request header naming the protocol version the handset speaks.
pub const PROTOCOL_HEADER: &str = "Gridwork-Protocol";
/// The request header naming the app's version.
pub const APP_HEADER: &str = "Gridwork-App";
/// The response header with the server's wall clock (ms since the epoch).
pub const TIME_HEADER: &str = "Gridwork-Time";
/// The request header with the changes waiting in the outbox (kept by the server for the office).
pub const OUTBOX_HEADER: &str = "Gridwork-Outbox";
/// What `waiting` holds before it is told.
const WAITING_UNKNOWN: u64 = u64::MAX;

/// A PullResponse read with each state's JSON text kept, so that it can be stored as received.
#[derive(Debug, serde::Deserialize)]
pub struct PullTexts {
    pub changes: Vec<ChangeText>,
    pub next: u64,
    pub more: bool,
    #[serde(default)]
    pub last_conflict: u64,
    #[serde(default)]
    pub history: u64,
}

#[derive(Debug, serde::Deserialize)]
pub struct ChangeText {
    pub seq: u64,
    #[serde(default)]
    pub receipt: Option<String>,
    pub state: Box<RawValue>,
}

/// The answer of `POST /api/v1/records`, each state as the text the server holds.
#[derive(Debug, serde::Deserialize)]
pub struct RecordTexts {
    pub records: Vec<Box<RawValue>>,
}

/// The server's clock as last seen: its `Gridwork-Time`, this device's wall clock when the answer
/// came, and the round trip of that request (the server's time is somewhere within it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerTime {
    pub server_ms: u64,
    pub local_ms: u64,
    pub rtt_ms: u64,
}

/// How hard to try before telling the user the server cannot be reached.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub base: Duration,
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { attempts: 4, base: Duration::from_millis(250), max: Duration::from_secs(4) }
    }
}

/// Told about each failed try that will be made again (the error says when and why).
#[derive(Clone)]
pub struct RetryHook(Arc<dyn Fn(&NetError) + Send + Sync>);

impl std::fmt::Debug for RetryHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RetryHook")
    }
}

#[derive(Clone, Debug)]
pub struct SyncClient {
    http: Client,
    base: String,
    /// Shared by the clones of a client: when the device takes a new identity, every one follows.
    token: Arc<RwLock<Option<String>>>,
    pub retry: RetryPolicy,
    on_retry: Option<RetryHook>,
    server_time: Arc<Mutex<Option<ServerTime>>>,
    /// The changes waiting in the outbox, sent with every request (`Gridwork-Outbox`) once told.
    waiting: Arc<AtomicU64>,
    /// The server's key as pinned (every connection is refused with another).
    pin: Option<String>,
    /// The server's key as the last handshake showed it (what enrollment keeps).
    seen_pin: SeenPin,
    /// This device's wall clock when the last answer that was not a refusal came (0: none yet).
    answered: Arc<AtomicU64>,
}

impl SyncClient {
    /// A client for the server at `base_url` with no CA file and no pin: `https://` verified
    /// against the webpki roots, or plain `http://` on this machine (e.g. `http://127.0.0.1:8787`).
    pub fn new(base_url: &str, token: Option<String>) -> Result<Self> {
        Self::with_tls(base_url, token, &TlsOptions::default())
    }

    /// A client for the server at `base_url` as `tls` says: the private CA trusted, the pinned key
    /// required, plain `http://` allowed off this machine only when `insecure`
    /// (`insecure_server` otherwise, before any connection).
    pub fn with_tls(base_url: &str, token: Option<String>, tls: &TlsOptions) -> Result<Self> {
        let base = base_url.trim().trim_end_matches('/').to_owned();
        check_address(&base, tls.insecure)?;
        let seen_pin = SeenPin::default();
        let config = client_config(tls, &seen_pin)?;
        // `timeout` of the blocking client bounds the wait for the answer to start and then each
        // read of its body on its own: a slow answer that keeps coming is not cut off, a stalled
        // one is noticed after STALL_TIMEOUT. (reqwest 0.13's blocking client has no read_timeout.)
        let http = Client::builder()
            .tls_backend_preconfigured(config)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(STALL_TIMEOUT)
            .build()
            .map_err(|e| CoreError::Offline(classify_send(&e, &base, STALL_TIMEOUT).into_error(&base, 1, 1, None)))?;
        Ok(Self {
            pin: tls.pin.clone(),
            seen_pin,
            http,
            base,
            token: Arc::new(RwLock::new(token)),
            retry: RetryPolicy::default(),
            on_retry: None,
            server_time: Arc::new(Mutex::new(None)),
            waiting: Arc::new(AtomicU64::new(WAITING_UNKNOWN)),
            answered: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Sends `n` changes waiting as `Gridwork-Outbox` from now on (this client and its clones).
    pub fn set_waiting(&self, n: u64) {
        self.waiting.store(n.min(u64::from(u32::MAX)), Ordering::Relaxed);
    }

    /// Sends `token` from now on (this client and its clones).
    pub fn set_token(&self, token: Option<String>) {
        *self.token.write().unwrap_or_else(|p| p.into_inner()) = token;
    }

    /// A client for the server this device enrolled with, as it enrolled (CA file, pinned key,
    /// `--insecure`); `not_initialized` when it has none.
    pub fn for_profile(profile: &crate::profile::Profile) -> Result<Self> {
        let url = profile.server_url.as_deref().ok_or(CoreError::NotInitialized)?;
        Self::with_tls(url, profile.token.clone(), &TlsOptions::for_profile(profile))
    }

    /// The server's key as pinned, if it is.
    pub fn pin(&self) -> Option<&str> {
        self.pin.as_deref()
    }

    /// The server's key (`sha256/<base64>`) as the last TLS handshake showed it, once verified;
    /// `None` over plain HTTP.
    pub fn seen_pin(&self) -> Option<String> {
        self.seen_pin.get()
    }

    /// Calls `f` with each failed try that will be made again, before waiting for it: the CLI
    /// prints it, the app sends it to the screen as a `retry` progress step.
    pub fn on_retry(mut self, f: impl Fn(&NetError) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(RetryHook(Arc::new(f)));
        self
    }

    /// The server's clock as the last answer (of any status) told it, if one did.
    pub fn server_time(&self) -> Option<ServerTime> {
        *self.server_time.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// This device's wall clock (ms) when the server last answered a request of this client (or
    /// a clone) and did not refuse it: the last contact, for the offline lock.
    pub fn last_answer_ms(&self) -> Option<u64> {
        Some(self.answered.load(Ordering::Relaxed)).filter(|ms| *ms > 0)
    }

    /// The HTTP client, for the calls of sibling modules.
    pub(super) fn http(&self) -> &Client {
        &self.http
    }

    /// The server's address, as configured.
    pub fn server(&self) -> &str {
        &self.base
    }

    pub fn enroll(&self, req: &EnrollRequest) -> Result<EnrollResponse> {
        let body = serde_json::to_vec(req)?;
        self.send(body.len(), || self.http.post(self.url("enroll")).json(req))
    }

    pub fn push(&self, req: &PushRequest) -> Result<PushResponse> {
        let size = serde_json::to_vec(req)?.len();
        self.send(size, || self.authed(self.http.post(self.url("push")).json(req)))
    }

    /// Pushes records given as their stored JSON text, without parsing them first.
    /// `records` are JSON objects as the store wrote them; they go out unparsed.
    /// `held`, with the first request of a sync, asks the server to refuse the batch when this
    /// store and it are out of step (`store_behind`, `history_changed`).
    pub fn push_texts(&self, batch_id: uuid::Uuid, records: &[String], held: Option<&Held>) -> Result<PushResponse> {
        let size: usize = records.iter().map(|r| r.len() + 1).sum();
        let mut body = String::with_capacity(size + 160);
        body.push_str(&format!("{{\"batch_id\":\"{batch_id}\","));
        if let Some(held) = held {
            body.push_str(&format!("\"held\":{},", serde_json::to_string(held)?));
        }
        body.push_str("\"records\":[");
        for (i, r) in records.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(r);
        }
        body.push_str("]}");
        self.send(body.len(), || {
            self.authed(self.http.post(self.url("push")))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
        })
    }

    /// A pull page, each state kept as the JSON text it came in.
    /// `held`: as for [`SyncClient::push_texts`] (its cursor is `after`).
    pub fn pull_texts(&self, after: u64, limit: u32, held: Option<&Held>) -> Result<PullTexts> {
        let mut url = format!("{}?after={after}&limit={limit}", self.url("pull"));
        if let Some(h) = held {
            url.push_str(&format!("&pushes={}&in_flight={}", h.pushes, h.in_flight));
            if let Some(history) = h.history {
                url.push_str(&format!("&history={history}"));
            }
        }
        self.send(0, || self.authed(self.http.get(&url)))
    }

    pub fn conflicts(&self, after: u64, limit: u32) -> Result<gridwork_domain::wire::ConflictList> {
        self.send(0, || self.authed(self.http.get(format!("{}?after={after}&limit={limit}", self.url("conflicts")))))
    }

    /// The open "needs attention" items this device may see, after the item `after`.
    pub fn attention(&self, after: u64, limit: u32) -> Result<gridwork_domain::attention::AttentionList> {
        self.send(0, || self.authed(self.http.get(format!("{}?after={after}&limit={limit}", self.url("attention")))))
    }

    pub fn reference(&self) -> Result<ReferenceData> {
        self.send(0, || self.authed(self.http.get(self.url("reference"))))
    }

    pub fn new_serial_block(&self) -> Result<gridwork_domain::SerialBlock> {
        self.send(0, || self.authed(self.http.post(self.url("serial-blocks"))))
    }

    /// What the server holds of this device (`GET /api/v1/me`).
    pub fn me(&self, cursor: u64) -> Result<DeviceState> {
        self.send(0, || self.authed(self.http.get(format!("{}?cursor={cursor}", self.url("me")))))
    }

    /// A new identity for this device's account (`POST /api/v1/reenroll`).
    pub fn reenroll(&self, req: &ReenrollRequest) -> Result<EnrollResponse> {
        self.send(0, || self.authed(self.http.post(self.url("reenroll")).json(req)))
    }

    /// The server's versions of the records named, those in this device's area.
    pub fn records(&self, ids: &[gridwork_domain::RecordId]) -> Result<RecordTexts> {
        let body = serde_json::json!({ "ids": ids });
        self.send(ids.len() * 40, || self.authed(self.http.post(self.url("records")).json(&body)))
    }

    /// Hands back versions with their receipts (`POST /api/v1/restore`): `(receipt, state text)`.
    pub fn restore_texts(&self, batch_id: uuid::Uuid, records: &[(String, String)]) -> Result<PushResponse> {
        let mut body = format!("{{\"batch_id\":\"{batch_id}\",\"records\":[");
        for (i, (receipt, text)) in records.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            // A receipt is the server's hex; anything else is sent quoted as JSON.
            body.push_str(&format!("{{\"receipt\":{},\"state\":{text}}}", serde_json::Value::from(receipt.as_str())));
        }
        body.push_str("]}");
        self.send(body.len(), || {
            self.authed(self.http.post(self.url("restore")))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
        })
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}/api/v1/{path}", self.base)
    }

    pub(super) fn authed(&self, rb: RequestBuilder) -> RequestBuilder {
        match &*self.token.read().unwrap_or_else(|p| p.into_inner()) {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    /// Sends the request `make` builds (with a body of `body_bytes`), again after a pause when
    /// the failure is worth retrying (`decide::next_try`), telling `on_retry` each time.
    pub(super) fn send<T: DeserializeOwned>(&self, body_bytes: usize, make: impl Fn() -> RequestBuilder) -> Result<T> {
        let started = Instant::now();
        let of = self.retry.attempts.max(1);
        let mut attempt = 0;
        loop {
            let rb = make()
                .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
                .header(APP_HEADER, env!("CARGO_PKG_VERSION"));
            let rb = match self.waiting.load(Ordering::Relaxed) {
                WAITING_UNKNOWN => rb,
                n => rb.header(OUTBOX_HEADER, n.to_string()),
            };
            // A body bigger than a few kilobytes gets longer to go out on a slow link.
            let rb = if body_bytes > 0 { rb.timeout(send_timeout(body_bytes)) } else { rb };
            let failure = match self.once(rb, send_timeout(body_bytes)) {
                Ok(v) => return Ok(v),
                Err(Failure::Tls(refused)) => return Err(refused),
                Err(f) => f,
            };
            let wait = next_try(failure.status(), attempt, started.elapsed(), of, self.retry.base, self.retry.max);
            match (failure, wait) {
                (Failure::Net(cause), Some(wait)) => {
                    let err = cause.into_error(&self.base, attempt + 1, of, Some(wait));
                    tracing::info!(%err, "sync request failed; retrying");
                    if let Some(RetryHook(hook)) = &self.on_retry {
                        hook(&err);
                    }
                    std::thread::sleep(wait);
                }
                (Failure::Server(_, err), Some(wait)) => {
                    tracing::info!(%err, "sync request failed; retrying");
                    std::thread::sleep(wait);
                }
                (Failure::Net(cause), None) => {
                    return Err(CoreError::Offline(cause.into_error(&self.base, attempt + 1, of, None)));
                }
                (Failure::Server(_, err), None) | (Failure::Tls(err), _) => return Err(err),
            }
            attempt += 1;
        }
    }

    /// One try: the answer decoded, or what went wrong.
    fn once<T: DeserializeOwned>(&self, rb: RequestBuilder, limit: Duration) -> std::result::Result<T, Failure> {
        let sent = Instant::now();
        let resp = rb.send().map_err(|e| classify_failure(&e, &self.base, limit))?;
        self.note_time(&resp, sent);
        let status = resp.status();
        let text = read_body(resp)?;
        if status.is_success() {
            self.answered.fetch_max(wall_ms(), Ordering::Relaxed);
            return serde_json::from_slice::<T>(&text).map_err(|e| {
                Failure::Server(
                    Some(status.as_u16()),
                    CoreError::Server {
                        code: "bad_answer".into(),
                        message: format!("the answer could not be read: {e}"),
                    },
                )
            });
        }
        let code = status.as_u16();
        let body: Option<ApiError> = serde_json::from_slice(&text).ok();
        let (api_code, message) =
            body.map(|b| (b.code, b.message)).unwrap_or_else(|| (code.to_string(), status.to_string()));
        let err = match (code, api_code.as_str()) {
            (401, "revoked") => CoreError::Revoked(message),
            (401, _) => CoreError::Unauthorized(message),
            (426, _) | (_, "upgrade_required") => CoreError::UpgradeRequired(message),
            (403, "forbidden") => {
                CoreError::Forbidden(crate::error::Refused { code: "forbidden", params: Vec::new(), message })
            }
            _ => CoreError::Server { code: api_code, message },
        };
        Err(Failure::Server(Some(code), err))
    }

    /// Keeps the server's `Gridwork-Time`, when the answer has one.
    fn note_time(&self, resp: &Response, sent: Instant) {
        let Some(server_ms) =
            resp.headers().get(TIME_HEADER).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok())
        else {
            return;
        };
        let seen = ServerTime { server_ms, local_ms: wall_ms(), rtt_ms: sent.elapsed().as_millis() as u64 };
        *self.server_time.lock().unwrap_or_else(|p| p.into_inner()) = Some(seen);
    }
}

/// Reads the whole body, each read bounded by the client's stall timeout (not the body as a
/// whole): a big page on a slow link keeps coming, a stalled one is noticed.
fn read_body(mut resp: Response) -> std::result::Result<Vec<u8>, Failure> {
    let mut buf = Vec::with_capacity(resp.content_length().unwrap_or(0).min(64 << 20) as usize);
    resp.read_to_end(&mut buf).map_err(|e| Failure::Net(classify_io(&e, STALL_TIMEOUT)))?;
    Ok(buf)
}
