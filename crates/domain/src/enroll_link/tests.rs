//! Tables: links made and read back, and the garbage a camera may see.

use super::*;

#[test]
fn links_round_trip() {
    let cases = [
        ("http://192.168.1.20:8080", "abcd-efgh-jk23"),
        ("https://grid.example.cn/sync/", "ABCDEFGHJK23"),
        ("http://[::1]:9000", "ab cd ef gh jk 23"),
    ];
    for (server, code) in cases {
        let link = enroll_link(server, code, None).unwrap();
        assert!(link.starts_with(PREFIX), "{link}");
        assert!(!link[PREFIX.len()..].contains(['/', ':', ' ']), "encoded: {link}");
        let back = parse_enroll_link(&link).unwrap();
        assert_eq!(back.server, server.trim_end_matches('/'));
        assert_eq!(back.code, "ABCD-EFGH-JK23");
        assert_eq!(back.pin, None);
    }
}

const PIN: &str = "sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

#[test]
fn a_pin_rides_along_and_is_checked() {
    let link = enroll_link("https://grid.example.cn", "ABCD-EFGH-JK23", Some(PIN)).unwrap();
    assert!(link.ends_with("&pin=sha256%2F47DEQpj8HBSa%2B%2FTImW%2B5JCeuQeRkm5NMpJWZG3hSuFU%3D"), "{link}");
    assert_eq!(parse_enroll_link(&link).unwrap().pin.as_deref(), Some(PIN));
    for bad in ["sha1/abc", "sha256/short=", &PIN.replace('=', "A"), &PIN.replace('+', " ")] {
        assert_eq!(enroll_link("https://a.cn", "ABCD-EFGH-JK23", Some(bad)).map_err(|e| e.code()), Err("bad_pin"));
        let text = format!("gridwork:enroll?server=https://a.cn&code=ABCD-EFGH-JK23&pin={bad}");
        assert_eq!(parse_enroll_link(&text).map_err(|e| e.code()), Err("bad_pin"), "{bad}");
    }
    let twice = format!("gridwork:enroll?server=https://a.cn&code=ABCD-EFGH-JK23&pin={PIN}&pin={PIN}");
    assert_eq!(parse_enroll_link(&twice).map_err(|e| e.code()), Err("bad_pin"));
}

#[test]
fn links_read_as_written_by_hand() {
    let read = |t: &str| parse_enroll_link(t);
    let ok = |s: &str| Ok(EnrollLink { server: s.into(), code: "ABCD-EFGH-JK23".into(), pin: None });
    assert_eq!(read("gridwork:enroll?server=http://10.0.0.2:8080&code=ABCD-EFGH-JK23"), ok("http://10.0.0.2:8080"));
    assert_eq!(read("  GRIDWORK:ENROLL?code=abcdefghjk23&server=https%3A%2F%2Fa.cn&v=2 "), ok("https://a.cn"));
}

#[test]
fn garbage_is_refused_with_its_code() {
    let long = format!("gridwork:enroll?server=http://a.cn&code=ABCD-EFGH-JK23&x={}", "a".repeat(600));
    let cases: Vec<(&str, &str)> = vec![
        ("", "not_enroll_link"),
        ("https://example.com/?code=ABCD-EFGH-JK23", "not_enroll_link"),
        ("WIFI:S:office;T:WPA;P:secret;;", "not_enroll_link"),
        ("gridwork:enroll", "not_enroll_link"),
        ("gridwork:enroll?code=ABCD-EFGH-JK23", "bad_server"),
        ("gridwork:enroll?server=ftp://a.cn&code=ABCD-EFGH-JK23", "bad_server"),
        ("gridwork:enroll?server=javascript:alert(1)&code=ABCD-EFGH-JK23", "bad_server"),
        ("gridwork:enroll?server=http://&code=ABCD-EFGH-JK23", "bad_server"),
        ("gridwork:enroll?server=http://user@evil.cn&code=ABCD-EFGH-JK23", "bad_server"),
        ("gridwork:enroll?server=http://a.cn%20b&code=ABCD-EFGH-JK23", "bad_server"),
        ("gridwork:enroll?server=http://a.cn%ZZ&code=ABCD-EFGH-JK23", "bad_server"),
        ("gridwork:enroll?server=http://a.cn&server=http://b.cn&code=ABCD-EFGH-JK23", "bad_server"),
        ("gridwork:enroll?server=http://a.cn", "bad_code"),
        ("gridwork:enroll?server=http://a.cn&code=ABCD-EFGH-JK2", "bad_code"),
        ("gridwork:enroll?server=http://a.cn&code=ABCD-EFGH-JK20", "bad_code"),
        ("gridwork:enroll?server=http://a.cn&code=%FF%FE", "bad_code"),
        ("gridwork:enroll?server=http://a.cn&code=ABCD&code=EFGH", "bad_code"),
        (&long, "too_long"),
    ];
    for (text, want) in cases {
        assert_eq!(parse_enroll_link(text).map_err(|e| e.code()), Err(want), "{text}");
    }
    assert_eq!(enroll_link("not a url", "ABCD-EFGH-JK23", None).map_err(|e| e.code()), Err("bad_server"));
    assert_eq!(enroll_link("http://a.cn", "short", None).map_err(|e| e.code()), Err("bad_code"));
}
