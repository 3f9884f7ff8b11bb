//! Fields a server has been told a kind gained (`household.dialect:text`) before its own code knows
//! them: optional top-level keys with a type, read from the server's settings. They let a newer app
//! write a new field while older handsets, which do not know it, keep it and send it back.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde_json::Value;
use thiserror::Error;

use crate::record::RecordKind;

/// Longest name of an extra field.
pub const MAX_NAME: usize = 64;

/// The JSON a declared field's value must be (or `null`: every extra field is optional).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A string.
    Text,
    /// A whole number that fits an `i64`.
    Int,
    /// Any number.
    Number,
    Bool,
    /// Any JSON value (bounded only by the record's size cap).
    Json,
}

impl FieldType {
    pub const ALL: [FieldType; 5] = [Self::Text, Self::Int, Self::Number, Self::Bool, Self::Json];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Int => "int",
            Self::Number => "number",
            Self::Bool => "bool",
            Self::Json => "json",
        }
    }

    /// True when `v` is a value of this type or `null`.
    pub fn admits(self, v: &Value) -> bool {
        match (self, v) {
            (_, Value::Null) | (Self::Json, _) => true,
            (Self::Text, Value::String(_)) | (Self::Bool, Value::Bool(_)) | (Self::Number, Value::Number(_)) => true,
            (Self::Int, Value::Number(n)) => n.is_i64(),
            _ => false,
        }
    }
}

/// Why a declared field cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ExtraFieldError {
    #[error("'{0}' should look like KIND.NAME:TYPE, e.g. household.dialect:text")]
    Shape(String),
    #[error("'{0}' is not a record kind (household, visit, dispute, dispute_event, contact_card)")]
    Kind(String),
    #[error(
        "'{0}' is not a field name: lower-case letters, digits and '_', starting with a letter, at most {MAX_NAME}"
    )]
    Name(String),
    #[error("'{0}' is not a field type (text, int, number, bool, json)")]
    Type(String),
}

/// One declared field: `KIND.NAME:TYPE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraField {
    pub kind: RecordKind,
    pub name: String,
    pub ty: FieldType,
}

impl FromStr for ExtraField {
    type Err = ExtraFieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let shape = || ExtraFieldError::Shape(s.to_owned());
        let (path, ty) = s.trim().split_once(':').ok_or_else(shape)?;
        let (kind, name) = path.split_once('.').ok_or_else(shape)?;
        let kind = kind.parse::<RecordKind>().map_err(|_| ExtraFieldError::Kind(kind.to_owned()))?;
        let good_name = name.len() <= MAX_NAME
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !good_name {
            return Err(ExtraFieldError::Name(name.to_owned()));
        }
        let ty =
            FieldType::ALL.into_iter().find(|t| t.as_str() == ty).ok_or_else(|| ExtraFieldError::Type(ty.into()))?;
        Ok(Self { kind, name: name.to_owned(), ty })
    }
}

impl fmt::Display for ExtraField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}:{}", self.kind, self.name, self.ty.as_str())
    }
}

/// Every declared field, by kind and name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtraFields(BTreeMap<(RecordKind, String), FieldType>);

impl ExtraFields {
    /// No field beyond the kinds' own.
    pub fn none() -> Self {
        Self::default()
    }

    /// The type of `kind`'s declared field `name`, if it is declared.
    pub fn get(&self, kind: RecordKind, name: &str) -> Option<FieldType> {
        // Keys are few; a scan spares building an owned key per lookup.
        self.0.iter().find(|((k, n), _)| *k == kind && n == name).map(|(_, t)| *t)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = ExtraField> + '_ {
        self.0.iter().map(|((kind, name), ty)| ExtraField { kind: *kind, name: name.clone(), ty: *ty })
    }
}

impl FromIterator<ExtraField> for ExtraFields {
    fn from_iter<I: IntoIterator<Item = ExtraField>>(iter: I) -> Self {
        Self(iter.into_iter().map(|f| ((f.kind, f.name), f.ty)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn declarations_read_and_refused() {
        let f: ExtraField = "household.dialect:text".parse().unwrap();
        assert_eq!((f.kind, f.name.as_str(), f.ty), (RecordKind::Household, "dialect", FieldType::Text));
        assert_eq!(f.to_string(), "household.dialect:text");
        let bad = [
            ("household.dialect", "KIND.NAME:TYPE"),
            ("dialect:text", "KIND.NAME:TYPE"),
            ("house.dialect:text", "not a record kind"),
            ("household.Dialect:text", "not a field name"),
            ("household.1x:text", "not a field name"),
            ("household.a-b:text", "not a field name"),
            ("household.dialect:string", "not a field type"),
        ];
        for (s, want) in bad {
            let e = s.parse::<ExtraField>().unwrap_err().to_string();
            assert!(e.contains(want), "{s}: {e}");
        }
        assert!(format!("household.{}:int", "a".repeat(MAX_NAME + 1)).parse::<ExtraField>().is_err());
    }

    #[test]
    fn types_admit_their_values_and_null() {
        let cases = [
            (FieldType::Text, json!("蒙古语"), true),
            (FieldType::Text, json!(1), false),
            (FieldType::Int, json!(3), true),
            (FieldType::Int, json!(3.5), false),
            (FieldType::Number, json!(3.5), true),
            (FieldType::Number, json!("3"), false),
            (FieldType::Bool, json!(true), true),
            (FieldType::Bool, json!(0), false),
            (FieldType::Json, json!({"a": [1]}), true),
        ];
        for (t, v, ok) in cases {
            assert_eq!(t.admits(&v), ok, "{t:?} {v}");
            assert!(t.admits(&Value::Null));
        }
    }

    #[test]
    fn lookup_by_kind_and_name() {
        let x: ExtraFields =
            ["household.dialect:text", "visit.minutes:int"].iter().map(|s| s.parse().unwrap()).collect();
        assert_eq!(x.get(RecordKind::Household, "dialect"), Some(FieldType::Text));
        assert_eq!(x.get(RecordKind::Visit, "dialect"), None);
        assert_eq!(x.iter().count(), 2);
        assert!(ExtraFields::none().is_empty());
    }
}
