//! Receipts: the server's MAC over each record text it stores, under a key kept in its own
//! database. A device keeps the receipt beside the version it got; should the server be restored
//! from an older copy and lose that version, the device hands it back and the receipt proves
//! that the server itself took it once — no device can slip in a version of its own making.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The meta key of the receipt key (64 hex digits).
pub const RECEIPT_KEY: &str = "receipt_key";

/// Bytes of the MAC kept: 128 bits, as hex.
const RECEIPT_BYTES: usize = 16;

/// The receipt of a record text.
pub fn receipt(key: &[u8], text: &str) -> String {
    hex::encode(&mac(key, text).finalize().into_bytes()[..RECEIPT_BYTES])
}

/// Whether `receipt` is this server's receipt of `text` (compared in constant time).
pub fn verify(key: &[u8], text: &str, receipt: &str) -> bool {
    match hex::decode(receipt) {
        Ok(bytes) if bytes.len() == RECEIPT_BYTES => mac(key, text).verify_truncated_left(&bytes).is_ok(),
        _ => false,
    }
}

fn mac(key: &[u8], text: &str) -> Hmac<Sha256> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    m.update(text.as_bytes());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_holds_for_its_text_and_key_only() {
        let (key, other) = ([7u8; 32], [8u8; 32]);
        let r = receipt(&key, "{\"id\":1}");
        assert_eq!(r.len(), 32);
        assert!(verify(&key, "{\"id\":1}", &r));
        assert!(!verify(&key, "{\"id\":2}", &r), "another text");
        assert!(!verify(&other, "{\"id\":1}", &r), "another server");
        assert!(!verify(&key, "{\"id\":1}", &r[..30]), "cut short");
        assert!(!verify(&key, "{\"id\":1}", "not hex at all, not hex at all!!"));
    }
}
