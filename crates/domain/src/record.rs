//! The replicated form of every record: id, kind, version vector and fields with their stamps,
//! and the typed-record trait that converts to and from it.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::clock::{HlcClock, Stamp};
use crate::error::{DomainError, ValidationError};
use crate::ids::{AreaCode, DeviceId, RecordId};
use crate::version::VersionVector;

/// The kinds of record that replicate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum RecordKind {
    Household,
    Visit,
    Dispute,
    DisputeEvent,
    ContactCard,
    /// Highlight points for the quarterly ranking (a supervisor's award to a grid or village).
    Highlight,
}

impl RecordKind {
    pub const ALL: [RecordKind; 6] =
        [Self::Household, Self::Visit, Self::Dispute, Self::DisputeEvent, Self::ContactCard, Self::Highlight];

    /// Append-only kinds are written once and never edited: they merge as a union.
    pub fn append_only(self) -> bool {
        matches!(self, Self::Visit | Self::DisputeEvent)
    }

    /// The field holding the area that decides which devices see a record of this kind: its
    /// micro-grid, or for highlight points the grid or village awarded.
    pub fn area_field(self) -> &'static str {
        match self {
            Self::Highlight => "area",
            _ => "micro_grid",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Household => "household",
            Self::Visit => "visit",
            Self::Dispute => "dispute",
            Self::DisputeEvent => "dispute_event",
            Self::ContactCard => "contact_card",
            Self::Highlight => "highlight",
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RecordKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ValidationError::new("kind", format!("unknown record kind '{s}'")))
    }
}

/// A typed record (household, visit, …) that can be validated and replicated.
pub trait Record: Serialize + DeserializeOwned + Clone {
    const KIND: RecordKind;
    /// Every problem with the record, or nothing.
    fn validate(&self) -> Result<(), Vec<ValidationError>>;
    /// The micro-grid the record belongs to: what decides which devices see it.
    fn micro_grid(&self) -> &AreaCode;
}

/// One version of one record as it replicates. Each field's stamp is `origin` (the creating write)
/// unless the field was written later, in which case `stamps` holds it. Equal versions have equal
/// values, so states compare with `==`. Keys other than these are refused: a server stores and
/// serves a pushed version as the text it came in, so nothing unread may ride along.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordState {
    pub id: RecordId,
    pub kind: RecordKind,
    pub vv: VersionVector,
    pub origin: Stamp,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stamps: BTreeMap<String, Stamp>,
    pub fields: Map<String, Value>,
}

/// Context of one local write: which device, its clock, and the wall clock now.
#[derive(Debug)]
pub struct Writer<'a> {
    pub device: DeviceId,
    pub clock: &'a mut HlcClock,
    pub now_ms: u64,
}

impl RecordState {
    /// The first version of a new record written by `w`.
    pub fn create<R: Record>(id: RecordId, record: &R, w: &mut Writer<'_>) -> Result<Self, DomainError> {
        record.validate().map_err(DomainError::Invalid)?;
        let mut vv = VersionVector::new();
        let n = vv.increment(w.device);
        let origin = Stamp { hlc: w.clock.tick(w.now_ms), device: w.device, n };
        Ok(Self { id, kind: R::KIND, vv, origin, stamps: BTreeMap::new(), fields: to_fields(record)? })
    }

    /// The next version after a local edit to `record`, or `None` when nothing changed. Only the
    /// fields that changed get the new stamp, so edits to different fields never conflict.
    pub fn edit<R: Record>(&self, record: &R, w: &mut Writer<'_>) -> Result<Option<Self>, DomainError> {
        if self.kind != R::KIND {
            return Err(DomainError::Mismatch(self.id.to_string()));
        }
        if self.kind.append_only() {
            return Err(ValidationError::new("kind", format!("a {} cannot be changed once written", self.kind)).into());
        }
        record.validate().map_err(DomainError::Invalid)?;
        let new_fields = to_fields(record)?;
        let changed: Vec<&String> =
            new_fields.iter().filter(|(k, v)| self.fields.get(*k) != Some(*v)).map(|(k, _)| k).collect();
        if changed.is_empty() {
            return Ok(None);
        }
        let mut next = self.clone();
        let n = next.vv.increment(w.device);
        let stamp = Stamp { hlc: w.clock.tick(w.now_ms), device: w.device, n };
        for k in changed {
            next.stamps.insert(k.clone(), stamp);
            next.fields.insert(k.clone(), new_fields[k].clone());
        }
        Ok(Some(next))
    }

    /// The typed record.
    pub fn decode<R: Record>(&self) -> Result<R, DomainError> {
        // Read straight from the borrowed map: no copy of the fields.
        R::deserialize(&self.fields).map_err(|e| DomainError::Decode {
            kind: self.kind.to_string(),
            field: String::new(),
            message: e.to_string(),
        })
    }

    /// The stamp of one field's current value.
    pub fn stamp_of(&self, field: &str) -> &Stamp {
        self.stamps.get(field).unwrap_or(&self.origin)
    }

    /// The latest stamp anywhere in the record (what a replica's clock must observe).
    pub fn latest_stamp(&self) -> &Stamp {
        self.stamps.values().max().unwrap_or(&self.origin).max(&self.origin)
    }

    /// The micro-grid the record belongs to, read from its `micro_grid` field.
    pub fn micro_grid(&self) -> Option<AreaCode> {
        self.fields.get(self.kind.area_field()).and_then(Value::as_str).and_then(|s| AreaCode::parse(s).ok())
    }

    /// A string field, for projections and scope checks.
    pub fn str_field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }
}

fn to_fields<R: Record>(record: &R) -> Result<Map<String, Value>, DomainError> {
    match serde_json::to_value(record) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(DomainError::Decode {
            kind: R::KIND.to_string(),
            field: String::new(),
            message: "a record must serialize to an object".into(),
        }),
        Err(e) => Err(DomainError::Decode { kind: R::KIND.to_string(), field: String::new(), message: e.to_string() }),
    }
}
