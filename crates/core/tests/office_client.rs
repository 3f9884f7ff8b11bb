//! The office's client against a scripted server: each request says how many changes wait here
//! (`Gridwork-Outbox`), the fleet is kept and read back `stale` when the server cannot be reached,
//! a `forbidden` answer is the engine's `forbidden`, a `revoked` one wipes the store, and a
//! scanned text that is not an enrollment link is a coded validation error.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use gridwork_core::office;
use gridwork_core::sync::{RetryPolicy, SyncClient};
use gridwork_core::{CoreError, Engine, Profile};
use gridwork_domain::wire::Role;
use gridwork_domain::{AreaCode, Household};

/// A server that answers each request with the next of `answers` (status, JSON body) and sends
/// each request's head (lowercased) to the returned channel; returns its URL.
fn scripted(answers: Vec<(u16, String)>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (heads, seen) = mpsc::channel();
    std::thread::spawn(move || {
        for ((status, body), stream) in answers.into_iter().zip(listener.incoming()) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut head, mut length) = (String::new(), 0usize);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let line = line.to_ascii_lowercase();
                if let Some(v) = line.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut rest = vec![0; length];
            let _ = reader.read_exact(&mut rest);
            let _ = heads.send(head);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, seen)
}

fn supervisor(dir: &std::path::Path, url: &str) -> (Engine, SyncClient) {
    let mut e = Engine::open(&dir.join("office.db"), &gridwork_core::StoreKey::from_bytes([3; 32])).unwrap();
    let scope = AreaCode::parse("150621001").unwrap();
    let mut p = Profile::offline("李娜", "13800138000", Role::Supervisor, scope, 3).unwrap();
    p.server_url = Some(url.to_owned());
    p.token = Some("a-token".into());
    e.set_profile(p.clone()).unwrap();
    let mut client = SyncClient::for_profile(&p).unwrap();
    client.retry = RetryPolicy { attempts: 1, ..RetryPolicy::default() };
    (e, client)
}

const FLEET: &str = r#"{"scope":"150621001","as_of_ms":1800000000000,"silent_days":3,"backlog_limit":100,"rows":[
  {"device":"0191e8a4-0000-7000-8000-000000000001","device_name":"手机","account":"150621001-W-0001","person":"王芳",
   "role":"grid_worker","scope":"150621001001001","scope_name":"一网格","enrolled_ms":1700000000000,
   "last_contact_ms":null,"waiting_at_contact":null,"app_version":null,"days_without_contact":null,
   "flags":["never_synced"]}],"stale":false}"#;

#[test]
fn the_fleet_is_fetched_with_the_outbox_count_and_kept_for_offline() {
    let dir = tempfile::tempdir().unwrap();
    let (url, heads) = scripted(vec![(200, FLEET.into())]);
    let (mut e, client) = supervisor(dir.path(), &url);
    let mg = AreaCode::parse("150621001001001001").unwrap();
    for head in ["周建国", "吴秀英"] {
        e.create_household(&Household::new(mg.clone(), head, "吉格斯太镇", "1号")).unwrap();
    }
    assert_eq!(e.kept_fleet().unwrap(), None);
    let fleet = office::fleet(&std::sync::Mutex::new(&mut e), &client).unwrap();
    assert!(!fleet.stale);
    assert_eq!(fleet.rows[0].person, "王芳");
    let head = heads.recv().unwrap();
    assert!(head.starts_with("get /api/v1/fleet "), "{head}");
    assert!(head.contains("gridwork-outbox: 2\r\n"), "{head}");
    assert!(head.contains("authorization: bearer a-token"), "{head}");
    // The server is gone now (the script is spent): the kept copy answers, marked stale.
    let kept = office::fleet(&std::sync::Mutex::new(&mut e), &client).unwrap();
    assert!(kept.stale);
    assert_eq!(kept.rows, fleet.rows);
    drop(e);
    // Kept in the store, not in memory.
    let (mut e, client) = supervisor(dir.path(), &url);
    assert!(office::fleet(&std::sync::Mutex::new(&mut e), &client).unwrap().stale);
}

#[test]
fn refusals_keep_their_codes_and_revoked_wipes() {
    let dir = tempfile::tempdir().unwrap();
    let forbidden = r#"{"code":"forbidden","message":"only a township office may do this"}"#;
    let revoked = r#"{"code":"revoked","message":"this device was withdrawn"}"#;
    let invalid = r#"{"code":"validation","message":"valid_days: 1 to 30 days (range)"}"#;
    let (url, _heads) = scripted(vec![(403, forbidden.into()), (400, invalid.into()), (401, revoked.into())]);
    let (mut e, client) = supervisor(dir.path(), &url);
    match office::accounts(&std::sync::Mutex::new(&mut e), &client) {
        Err(CoreError::Forbidden(r)) => assert_eq!(r.code, "forbidden"),
        other => panic!("{other:?}"),
    }
    match office::issue_code(&std::sync::Mutex::new(&mut e), &client, "150621001-W-0001", 99) {
        Err(CoreError::Server { code, .. }) => assert_eq!(code, "validation"),
        other => panic!("{other:?}"),
    }
    match office::disable_account(&std::sync::Mutex::new(&mut e), &client, "150621001-W-0001") {
        Err(CoreError::Revoked(_)) => {}
        other => panic!("{other:?}"),
    }
    assert!(matches!(e.profile(), Err(CoreError::NotInitialized)), "wiped");
}

#[test]
fn scanned_texts_that_are_not_links_are_refused_with_their_code() {
    let ok =
        office::read_enroll_link("gridwork:enroll?server=http%3A%2F%2F10.0.0.2%3A8787&code=abcd-efgh-jk23").unwrap();
    assert_eq!((ok.server.as_str(), ok.code.as_str()), ("http://10.0.0.2:8787", "ABCD-EFGH-JK23"));
    for (text, code) in
        [("https://weixin.qq.com/x", "not_enroll_link"), ("gridwork:enroll?code=ABCD-EFGH-JK23", "bad_server")]
    {
        match office::read_enroll_link(text) {
            Err(CoreError::Validation(f)) => assert_eq!((f[0].field.as_str(), f[0].code.as_str()), ("link", code)),
            other => panic!("{other:?}"),
        }
    }
}
