//! A handset speaking today's protocol against a server whose household gained a field
//! (`--field household.dialect:text`), written by a newer app: neither side loses the field or the
//! handset's edits — through a plain edit, a concurrent edit merged by the server, and a server
//! restarted without the declaration. The newer app is played over raw HTTP, since today's engine
//! is the older one.

use gridwork_domain::wire::{EnrollResponse, PullResponse, PushResponse, PushStatus};
use gridwork_domain::{HlcClock, RecordId, RecordKind, RecordState, Stamp};
use gridwork_tests::{Device, ServerProc};
use serde_json::{Value, json};
use uuid::Uuid;

/// A newer app: an enrolled device that knows `dialect` and writes it.
struct NewerApp {
    http: reqwest::blocking::Client,
    url: String,
    me: EnrollResponse,
    clock: HlcClock,
}

impl NewerApp {
    fn enroll(server: &ServerProc) -> Self {
        let http = reqwest::blocking::Client::new();
        let body = json!({"code": server.code("DEMO-W-0001"), "device_name": "新版手机", "request_id": Uuid::now_v7()});
        let res = http
            .post(format!("{}/api/v1/enroll", server.url()))
            .header("gridwork-protocol", "1")
            .header("gridwork-app", "9.0.0")
            .json(&body)
            .send()
            .unwrap();
        assert_eq!(res.status(), 200);
        Self { http, url: server.url(), me: res.json().unwrap(), clock: HlcClock::default() }
    }

    /// The server's current version of `id`.
    fn get(&self, id: RecordId) -> RecordState {
        let mut after = 0;
        let mut found = None;
        loop {
            let page: PullResponse = self
                .http
                .get(format!("{}/api/v1/pull?after={after}&limit=5000", self.url))
                .bearer_auth(&self.me.token)
                .send()
                .unwrap()
                .json()
                .unwrap();
            found = page.changes.into_iter().map(|c| c.state).rfind(|s| s.id == id).or(found);
            after = page.next;
            if !page.more {
                break;
            }
        }
        found.expect("the record is on the server")
    }

    /// Writes `dialect` on the server's version of `id`, as the newer app's own edit.
    fn write_dialect(&mut self, id: RecordId, value: &str) -> PushStatus {
        let mut s = self.get(id);
        let now = gridwork_domain::clock::wall_ms();
        self.clock.observe(s.latest_stamp().hlc, now).unwrap();
        let n = s.vv.increment(self.me.device_id);
        let stamp = Stamp { hlc: self.clock.tick(now), device: self.me.device_id, n };
        s.stamps.insert("dialect".into(), stamp);
        s.fields.insert("dialect".into(), json!(value));
        let body = json!({"batch_id": Uuid::now_v7(), "records": [s]});
        let r: PushResponse = self
            .http
            .post(format!("{}/api/v1/push", self.url))
            .bearer_auth(&self.me.token)
            .json(&body)
            .send()
            .unwrap()
            .json()
            .unwrap();
        r.results.into_iter().next().unwrap().status
    }
}

fn held(d: &Device, id: RecordId) -> RecordState {
    d.records_in("").remove(&id).expect("the device holds the record")
}

#[test]
fn a_field_an_older_handset_does_not_know_survives_its_edits_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let mut server = ServerProc::start_demo_with(&db, &["--field", "household.dialect:text"]);
    let mut older = Device::enroll(dir.path(), "older", &server.url(), "DEMO-W-0001");
    older.sync().unwrap();
    let mut newer = NewerApp::enroll(&server);
    let id = *older.records_in(&older.scope()).iter().find(|(_, s)| s.kind == RecordKind::Household).unwrap().0;

    // The newer app writes the new field; the older handset pulls it and keeps it as it came.
    assert_eq!(newer.write_dialect(id, "蒙古语"), PushStatus::Accepted);
    older.sync().unwrap();
    let pulled = held(&older, id);
    assert_eq!(pulled.fields["dialect"], "蒙古语");
    assert_eq!(pulled.stamp_of("dialect").device, newer.me.device_id);

    // It edits another field through its typed form (which has no dialect): the field stays, goes
    // back to the server with the edit, and the newer side sees both.
    let mut h = older.engine.household(id).unwrap();
    h.notes = "独居老人，每周走访".into();
    assert!(older.engine.edit_household(id, &h).unwrap());
    assert_eq!(held(&older, id).fields["dialect"], "蒙古语", "the local edit keeps it");
    let report = older.sync().unwrap();
    assert_eq!((report.pushed, report.rejected), (1, 0));
    let on_server = newer.get(id);
    assert_eq!(on_server.fields["dialect"], "蒙古语");
    assert_eq!(on_server.fields["notes"], "独居老人，每周走访");

    // Concurrent: the newer app changes the field while the older handset, offline, edits the
    // phone. The server merges; both sides end with both.
    assert_eq!(newer.write_dialect(id, "达斡尔语"), PushStatus::Accepted);
    let mut h = older.engine.household(id).unwrap();
    h.phone = Some("13912345678".into());
    assert!(older.engine.edit_household(id, &h).unwrap());
    let report = older.sync().unwrap();
    assert_eq!(report.rejected, 0);
    let mine = held(&older, id);
    let theirs = newer.get(id);
    for s in [&mine, &theirs] {
        assert_eq!(s.fields["dialect"], "达斡尔语");
        assert_eq!(s.fields["phone"], "13912345678");
        assert_eq!(s.fields["notes"], "独居老人，每周走访");
    }
    assert_eq!(mine, theirs, "the handset ends equal to the server");

    // The server restarted without the declaration (settings rolled back): the older handset's
    // edits still go through, the field carried exactly as held; nobody may write it anew.
    server.kill();
    let bare = ServerProc::start_demo_with(&db, &[]);
    older.via(&bare.url());
    newer.url = bare.url();
    let mut h = older.engine.household(id).unwrap();
    h.notes = "已搬回".into();
    assert!(older.engine.edit_household(id, &h).unwrap());
    let report = older.sync().unwrap();
    assert_eq!((report.pushed, report.rejected), (1, 0));
    let on_server = newer.get(id);
    assert_eq!(
        (on_server.fields["dialect"].clone(), on_server.fields["notes"].clone()),
        (json!("达斡尔语"), json!("已搬回"))
    );
    match newer.write_dialect(id, "汉语") {
        PushStatus::Rejected { code, .. } => assert_eq!(code, "validation"),
        other => panic!("an undeclared field written anew: {other:?}"),
    }
    assert_eq!(newer.get(id).fields["dialect"], Value::from("达斡尔语"));
}
