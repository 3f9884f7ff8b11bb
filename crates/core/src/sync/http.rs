//! The HTTP side of sync: a blocking reqwest client (rustls) that speaks the protocol in
//! `gridwork_domain::wire`, retries with backoff, and turns failures into tagged errors.

use gridwork_domain::wire::{
    ApiError, DeviceState, EnrollRequest, EnrollResponse, PushRequest, PushResponse, ReenrollRequest, ReferenceData,
};
use reqwest::blocking::{Client, RequestBuilder};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::decide::{backoff, retryable};
use crate::error::{CoreError, Result};

/// A `PullResponse` read with each state's JSON text kept, so that it can be stored as received.
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

#[derive(Clone, Debug)]
pub struct SyncClient {
    http: Client,
    base: String,
    /// Shared by the clones of a client: when the device takes a new identity, every one follows.
    token: Arc<RwLock<Option<String>>>,
    pub retry: RetryPolicy,
}

impl SyncClient {
    /// A client for the server at `base_url` (e.g. `http://127.0.0.1:8787`).
    pub fn new(base_url: &str, token: Option<String>) -> Result<Self> {
        let http = Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| CoreError::Offline(e.to_string()))?;
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            token: Arc::new(RwLock::new(token)),
            retry: RetryPolicy::default(),
        })
    }

    /// Sends `token` from now on (this client and its clones).
    pub fn set_token(&self, token: Option<String>) {
        *self.token.write().unwrap_or_else(|p| p.into_inner()) = token;
    }

    /// A client for the server this device enrolled with; `not_initialized` when it has none.
    pub fn for_profile(profile: &crate::profile::Profile) -> Result<Self> {
        let url = profile.server_url.as_deref().ok_or(CoreError::NotInitialized)?;
        Self::new(url, profile.token.clone())
    }

    pub fn enroll(&self, req: &EnrollRequest) -> Result<EnrollResponse> {
        self.send(|| self.http.post(self.url("enroll")).json(req))
    }

    pub fn push(&self, req: &PushRequest) -> Result<PushResponse> {
        self.send(|| self.authed(self.http.post(self.url("push")).json(req)))
    }

    /// Pushes records given as their stored JSON text, without parsing them first.
    /// `records` are JSON objects as the store wrote them; they go out unparsed.
    pub fn push_texts(&self, batch_id: uuid::Uuid, records: &[String]) -> Result<PushResponse> {
        let size: usize = records.iter().map(|r| r.len() + 1).sum();
        let mut body = String::with_capacity(size + 80);
        body.push_str(&format!("{{\"batch_id\":\"{batch_id}\",\"records\":["));
        for (i, r) in records.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(r);
        }
        body.push_str("]}");
        self.send(|| {
            self.authed(self.http.post(self.url("push")))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
        })
    }

    /// A pull page, each state kept as the JSON text it came in.
    pub fn pull_texts(&self, after: u64, limit: u32) -> Result<PullTexts> {
        self.send(|| self.authed(self.http.get(format!("{}?after={after}&limit={limit}", self.url("pull")))))
    }

    pub fn conflicts(&self, after: u64, limit: u32) -> Result<gridwork_domain::wire::ConflictList> {
        self.send(|| self.authed(self.http.get(format!("{}?after={after}&limit={limit}", self.url("conflicts")))))
    }

    /// The open "needs attention" items this device may see, after the item `after`.
    pub fn attention(&self, after: u64, limit: u32) -> Result<gridwork_domain::attention::AttentionList> {
        self.send(|| self.authed(self.http.get(format!("{}?after={after}&limit={limit}", self.url("attention")))))
    }

    pub fn reference(&self) -> Result<ReferenceData> {
        self.send(|| self.authed(self.http.get(self.url("reference"))))
    }

    pub fn new_serial_block(&self) -> Result<gridwork_domain::SerialBlock> {
        self.send(|| self.authed(self.http.post(self.url("serial-blocks"))))
    }

    /// What the server holds of this device (`GET /api/v1/me`).
    pub fn me(&self, cursor: u64) -> Result<DeviceState> {
        self.send(|| self.authed(self.http.get(format!("{}?cursor={cursor}", self.url("me")))))
    }

    /// A new identity for this device's account (`POST /api/v1/reenroll`).
    pub fn reenroll(&self, req: &ReenrollRequest) -> Result<EnrollResponse> {
        self.send(|| self.authed(self.http.post(self.url("reenroll")).json(req)))
    }

    /// The server's versions of the records named, those in this device's area.
    pub fn records(&self, ids: &[gridwork_domain::RecordId]) -> Result<RecordTexts> {
        let body = serde_json::json!({ "ids": ids });
        self.send(|| self.authed(self.http.post(self.url("records")).json(&body)))
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
        self.send(|| {
            self.authed(self.http.post(self.url("restore")))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1/{path}", self.base)
    }

    fn authed(&self, rb: RequestBuilder) -> RequestBuilder {
        match &*self.token.read().unwrap_or_else(|p| p.into_inner()) {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    /// Sends the request `make` builds, again after a pause when the failure is worth retrying.
    fn send<T: DeserializeOwned>(&self, make: impl Fn() -> RequestBuilder) -> Result<T> {
        let mut attempt = 0;
        loop {
            match once(make()) {
                Ok(v) => return Ok(v),
                Err((status, err)) if retryable(status) && attempt + 1 < self.retry.attempts => {
                    tracing::debug!(attempt, %err, "sync request failed; retrying");
                    std::thread::sleep(backoff(attempt, self.retry.base, self.retry.max));
                    attempt += 1;
                }
                Err((_, err)) => return Err(err),
            }
        }
    }
}

fn once<T: DeserializeOwned>(rb: RequestBuilder) -> std::result::Result<T, (Option<u16>, CoreError)> {
    let resp = rb.send().map_err(|e| (None, CoreError::Offline(e.without_url().to_string())))?;
    let status = resp.status();
    if status.is_success() {
        return resp.json::<T>().map_err(|e| (None, CoreError::Offline(format!("the answer broke off: {e}"))));
    }
    let code = status.as_u16();
    let body: Option<ApiError> = resp.json().ok();
    let (api_code, message) =
        body.map(|b| (b.code, b.message)).unwrap_or_else(|| (code.to_string(), status.to_string()));
    let err = match (code, api_code.as_str()) {
        (401, "revoked") => CoreError::Revoked(message),
        (401, _) => CoreError::Unauthorized(message),
        _ => CoreError::Server { code: api_code, message },
    };
    Err((Some(code), err))
}
