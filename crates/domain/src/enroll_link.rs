//! The enrollment link a QR code carries, `gridwork:enroll?server=<url>&code=<code>[&pin=<pin>]`:
//! built by the office's handset from the server address it is enrolled with (and the server's
//! key pin it holds, so that even a new handset's first contact is pinned), read back on a new
//! handset's first-run screen. Anything else scanned is refused with a code the UI can name.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The link's scheme and path.
pub const PREFIX: &str = "gridwork:enroll?";

/// The characters of a one-time code (no look-alikes: no 0/O, 1/I/L).
pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Characters in a one-time code, without its dashes.
pub const CODE_LEN: usize = 12;

/// Longest link read, and longest server address.
pub const MAX_LINK: usize = 512;
pub const MAX_SERVER: usize = 300;

/// A server address and a one-time code, read from a scanned link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct EnrollLink {
    pub server: String,
    pub code: String,
    /// The server's key, `sha256/<base64>` (the pin the office's handset holds), when the link
    /// carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub pin: Option<String>,
}

/// Why a text is not an enrollment link.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum LinkError {
    #[error("this is not a Gridwork enrollment link")]
    NotALink,
    #[error("the link is longer than {MAX_LINK} characters")]
    TooLong,
    #[error("the link does not name a server (http:// or https:// address)")]
    BadServer,
    #[error("the link does not hold a one-time code of {CODE_LEN} characters")]
    BadCode,
    #[error("the link's server key pin is not sha256/ and 44 characters of base64")]
    BadPin,
}

impl LinkError {
    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotALink => "not_enroll_link",
            Self::TooLong => "too_long",
            Self::BadServer => "bad_server",
            Self::BadCode => "bad_code",
            Self::BadPin => "bad_pin",
        }
    }
}

/// The link for `server` and `code` (and the server's key `pin`, when known); refuses what
/// [`parse_enroll_link`] would refuse.
pub fn enroll_link(server: &str, code: &str, pin: Option<&str>) -> Result<String, LinkError> {
    let link =
        EnrollLink { server: check_server(server)?, code: check_code(code)?, pin: pin.map(check_pin).transpose()? };
    let mut text = format!("{PREFIX}server={}&code={}", encode(&link.server), encode(&link.code));
    if let Some(pin) = &link.pin {
        text.push_str(&format!("&pin={}", encode(pin)));
    }
    Ok(text)
}

/// Reads a scanned text as an enrollment link: the server address (trailing `/` dropped), the
/// code grouped as typed (`ABCD-EFGH-JKMN`) and the pin when there is one.
pub fn parse_enroll_link(text: &str) -> Result<EnrollLink, LinkError> {
    let text = text.trim();
    if text.chars().count() > MAX_LINK {
        return Err(LinkError::TooLong);
    }
    let query = strip_prefix_ci(text, PREFIX).ok_or(LinkError::NotALink)?;
    let (mut server, mut code, mut pin) = (None, None, None);
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        match key {
            "server" if server.is_none() => server = Some(value.ok_or(LinkError::BadServer)?),
            "code" if code.is_none() => code = Some(value.ok_or(LinkError::BadCode)?),
            "pin" if pin.is_none() => pin = Some(value.ok_or(LinkError::BadPin)?),
            "server" => return Err(LinkError::BadServer),
            "code" => return Err(LinkError::BadCode),
            "pin" => return Err(LinkError::BadPin),
            // Parameters a later version may add are passed over.
            _ => {}
        }
    }
    let server = check_server(&server.ok_or(LinkError::BadServer)?)?;
    let code = check_code(&code.ok_or(LinkError::BadCode)?)?;
    let pin = pin.as_deref().map(check_pin).transpose()?;
    Ok(EnrollLink { server, code, pin })
}

/// `sha256/` and the 44 characters of a 32-byte hash in base64 (the handset checks it again
/// when it uses it).
fn check_pin(pin: &str) -> Result<String, LinkError> {
    let pin = pin.trim();
    let b64 = pin.strip_prefix("sha256/").ok_or(LinkError::BadPin)?;
    let ok = b64.len() == 44
        && b64.ends_with('=')
        && !b64[..43].contains('=')
        && b64.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    if ok { Ok(pin.to_owned()) } else { Err(LinkError::BadPin) }
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// An `http://` or `https://` address with a host, no spaces or control characters; the trailing
/// `/` dropped.
fn check_server(server: &str) -> Result<String, LinkError> {
    let s = server.trim().trim_end_matches('/');
    let rest = strip_prefix_ci(s, "https://").or_else(|| strip_prefix_ci(s, "http://")).ok_or(LinkError::BadServer)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_ok = !host.is_empty()
        && !host.contains('@')
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    let ok = host_ok && s.len() <= MAX_SERVER && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok { Ok(s.to_owned()) } else { Err(LinkError::BadServer) }
}

/// [`CODE_LEN`] characters of [`CODE_ALPHABET`] (case, spaces and dashes aside), grouped by four.
fn check_code(code: &str) -> Result<String, LinkError> {
    let raw: String =
        code.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{3000}')).flat_map(char::to_uppercase).collect();
    if raw.len() != CODE_LEN || !raw.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return Err(LinkError::BadCode);
    }
    Ok(raw.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c)).collect::<Vec<_>>().join("-"))
}

/// Percent-encodes everything but the unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decodes (and `+` as a space); `None` for a broken escape or bytes that are not UTF-8.
fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests;
