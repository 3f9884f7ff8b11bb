//! Enrollment: a one-time code from the grid office makes this store a device of the server's,
//! and the reference data (areas, handlers, deadlines, the lock policy) comes down with it. The
//! engine is held only to read and to keep what the server answers, never while it is asked.

use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::EnrollRequest;

use super::decide::clock_offset;
use super::http::SyncClient;
use super::reference::keep_reference;
use super::tls::TlsOptions;
use crate::engine::{Engine, get_meta, set_meta};
use crate::engine_cell::EngineCell;
use crate::error::Result;
use crate::profile::Profile;

/// The meta key of the pending enrollment: the code it was for and its request id, kept until an
/// answer comes so that trying again (even after a restart) is the same request, which the server
/// answers with the same device.
const PENDING_ENROLL: &str = "pending_enroll";

/// The request id of an enrollment with `code`: the pending one's when it was for the same code,
/// otherwise a fresh one, stored before it is sent.
fn enroll_request_id(engine: &Engine, code: &str) -> Result<uuid::Uuid> {
    let key: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).flat_map(|c| c.to_uppercase()).collect();
    if let Some(pending) = get_meta(&engine.conn, PENDING_ENROLL)?
        && let Some((for_code, id)) = pending.split_once(' ')
        && for_code == key
        && let Ok(id) = id.parse()
    {
        return Ok(id);
    }
    let id = uuid::Uuid::now_v7();
    set_meta(&engine.conn, PENDING_ENROLL, &format!("{key} {id}"))?;
    Ok(id)
}

/// Enrolls this device with a server using a one-time enrollment code from the grid office, and
/// loads its reference data (no private CA, no pin given, plain HTTP only on this machine).
pub fn enroll(engine: &mut Engine, server_url: &str, code: &str, device_name: &str) -> Result<Profile> {
    enroll_with(engine, server_url, code, device_name, &TlsOptions::default())
}

/// As [`enroll`], reaching the server as `tls` says; the key the server showed is pinned in the
/// profile (with `tls.pin`, the enrollment link's, even this first contact was pinned).
pub fn enroll_with(
    engine: &mut Engine,
    server_url: &str,
    code: &str,
    device_name: &str,
    tls: &TlsOptions,
) -> Result<Profile> {
    enroll_shared(&std::sync::Mutex::new(engine), server_url, code, device_name, tls)
}

/// [`enroll_with`] with the engine in a cell: held to note the request and to keep the answers,
/// never while the server is asked.
pub fn enroll_shared<C: EngineCell>(
    cell: &C,
    server_url: &str,
    code: &str,
    device_name: &str,
    tls: &TlsOptions,
) -> Result<Profile> {
    let client = SyncClient::with_tls(server_url, None, tls)?;
    let (request_id, sent) = cell.with(|e| Ok((enroll_request_id(e, code)?, e.phone_ms())))?;
    let r = client.enroll(&EnrollRequest {
        code: code.trim().to_owned(),
        device_name: device_name.to_owned(),
        request_id,
    })?;
    let profile = Profile {
        device_id: r.device_id,
        device_name: device_name.to_owned(),
        user_name: r.user_name,
        user_phone: r.user_phone,
        role: r.role,
        scope: r.scope,
        serial_block: r.serial_block,
        server_url: Some(server_url.trim().trim_end_matches('/').to_owned()),
        token: Some(r.token.clone()),
        server_pin: client.seen_pin().or_else(|| tls.pin.clone()),
        ca_file: tls.ca_file.clone(),
        insecure: tls.insecure,
    };
    cell.with(|e| {
        e.set_profile(profile.clone())?;
        e.conn.execute("DELETE FROM meta WHERE key = ?1", [PENDING_ENROLL])?;
        if r.server_ms > 0 {
            e.correct_clock(clock_offset(r.server_ms, sent, e.phone_ms()), false)?;
        }
        e.note_contact(wall_ms())
    })?;
    let reference = SyncClient::for_profile(&profile)?.reference()?;
    cell.with(|e| keep_reference(e, &reference, wall_ms()))?;
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrollment_keeps_its_request_id_until_answered() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::open(&dir.path().join("h.db"), &crate::StoreKey::from_bytes([1; 32])).unwrap();
        let first = enroll_request_id(&engine, "K7QM-3XHP-T9WD").unwrap();
        assert_eq!(enroll_request_id(&engine, " k7qm 3xhp t9wd ").unwrap(), first, "the same code, typed otherwise");
        drop(engine);
        let engine = Engine::open(&dir.path().join("h.db"), &crate::StoreKey::from_bytes([1; 32])).unwrap();
        assert_eq!(enroll_request_id(&engine, "K7QM3XHPT9WD").unwrap(), first, "and after a restart");
        let other = enroll_request_id(&engine, "AAAA-BBBB-CCCC").unwrap();
        assert_ne!(other, first, "another code is another enrollment");
    }
}
