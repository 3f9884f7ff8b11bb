//! The HTTP side of sync: a blocking reqwest client (rustls) that speaks the protocol in
//! `gridwork_domain::wire`, retries with backoff, and turns failures into tagged errors.

use gridwork_domain::wire::{ApiError, EnrollRequest, EnrollResponse, PushRequest, PushResponse, ReferenceData};
use reqwest::blocking::{Client, RequestBuilder};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
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
}

#[derive(Debug, serde::Deserialize)]
pub struct ChangeText {
    pub seq: u64,
    pub state: Box<RawValue>,
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
    token: Option<String>,
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
        Ok(Self { http, base: base_url.trim_end_matches('/').to_owned(), token, retry: RetryPolicy::default() })
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

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1/{path}", self.base)
    }

    fn authed(&self, rb: RequestBuilder) -> RequestBuilder {
        match &self.token {
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
