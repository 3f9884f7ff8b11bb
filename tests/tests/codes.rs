//! The lists of codes a person may meet, kept in step: every reject code the server gives has the
//! CLI's words (`gridwork_core::explain`), and ui/src/lib/codes.json — which the UI's catalog test
//! reads — lists exactly the server's reject codes, the engine's error tags, the workflow's and the
//! authority table's refusal codes and the table's actions (a refusal names its action). The file is written
//! again when it differs (commit it; scripts/test.sh notices a stale one like a stale binding).

use gridwork_core::CoreError;
use gridwork_core::explain::{Lang, REJECT_CODES, rejection};
use gridwork_domain::authority::Action;
use gridwork_sync_server::push_logic::RejectCode;

/// The codes of the engine's `forbidden` refusals (the authority table).
const FORBIDDEN_CODES: [&str; 2] = ["outside_area", "forbidden"];

/// Codes the handset mends by itself and never parks.
const MENDED: [&str; 2] = ["clock_skew", "dot_reused"];

fn reject_codes() -> Vec<String> {
    let mut codes: Vec<String> = RejectCode::ALL.iter().map(|c| c.as_str().to_owned()).collect();
    codes.extend(MENDED.iter().map(|c| (*c).to_owned()));
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn every_reject_code_has_the_clis_words() {
    for code in reject_codes() {
        assert!(REJECT_CODES.contains(&code.as_str()), "{code} is missing from explain::REJECT_CODES");
        for lang in [Lang::ZhCn, Lang::En] {
            assert!(rejection(&code, lang).is_some(), "{code} has no words");
        }
    }
}

#[test]
fn the_uis_list_of_codes_is_up_to_date() {
    let doc = serde_json::json!({
        "reject": reject_codes(),
        "mended": MENDED,
        "error": CoreError::TAGS,
        "workflow": gridwork_domain::workflow::REFUSAL_CODES,
        "forbidden": FORBIDDEN_CODES,
        "action": Action::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
    });
    let text = format!("{}\n", serde_json::to_string_pretty(&doc).unwrap());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/codes.json");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, &text).unwrap();
    }
}
