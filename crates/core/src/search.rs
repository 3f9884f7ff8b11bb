//! Search keys for Chinese names: the text itself plus full pinyin and initials (every reading of
//! a surname, so 曾 finds both "zeng" and "ceng"), matched with a substring test.

use pinyin::{ToPinyin, ToPinyinMulti};

/// Pinyin spellings of a name: full (`zhangwei`) and initials (`zw`), one pair per reading of
/// the first character.
pub fn pinyin_keys(name: &str) -> Vec<String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else { return Vec::new() };
    let rest: String = chars.collect();
    let (rest_full, rest_initials) =
        rest.as_str().to_pinyin().fold((String::new(), String::new()), |(mut f, mut i), p| {
            if let Some(p) = p {
                f.push_str(p.plain());
                i.push_str(p.first_letter());
            }
            (f, i)
        });
    let readings: Vec<(&str, &str)> = match first.to_pinyin_multi() {
        Some(multi) => multi.into_iter().map(|p| (p.plain(), p.first_letter())).collect(),
        None => vec![],
    };
    if readings.is_empty() {
        return vec![
            format!("{}{rest_full}", first.to_lowercase()),
            format!("{}{rest_initials}", first.to_lowercase()),
        ];
    }
    let mut keys = Vec::new();
    for (full, initial) in readings {
        for k in [format!("{full}{rest_full}"), format!("{initial}{rest_initials}")] {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys
}

/// The text a household is found by: names (with pinyin), address, door number and phones.
pub fn search_text<'a>(names: impl IntoIterator<Item = &'a str>, others: impl IntoIterator<Item = &'a str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for name in names {
        parts.push(name.to_lowercase());
        parts.extend(pinyin_keys(name));
    }
    parts.extend(others.into_iter().map(str::to_lowercase));
    parts.join(" ")
}

/// A user's query as a LIKE pattern: trimmed, lowercased, spaces removed, wildcards escaped.
pub fn like_pattern(query: &str) -> String {
    let q: String = query.trim().to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
    let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_get_full_pinyin_and_initials() {
        let keys = pinyin_keys("张伟");
        assert!(keys.contains(&"zhangwei".to_string()), "{keys:?}");
        assert!(keys.contains(&"zw".to_string()), "{keys:?}");
    }

    #[test]
    fn surnames_with_two_readings_get_both() {
        let keys = pinyin_keys("曾伟");
        assert!(keys.contains(&"zengwei".to_string()) && keys.contains(&"cengwei".to_string()), "{keys:?}");
    }

    #[test]
    fn patterns_escape_wildcards() {
        assert_eq!(like_pattern(" Zhang Wei "), "%zhangwei%");
        assert_eq!(like_pattern("50%_"), "%50\\%\\_%");
    }
}
