//! Grid service contact cards (网格服务联系卡) handed to households, with their serials.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ValidationError;
use crate::ids::{AreaCode, RecordId};
use crate::record::{Record, RecordKind};
use crate::serial::CardSerial;
use crate::validate::Check;

/// Whether the card in the household's hands is still the one to use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum CardStatus {
    Active,
    /// Lost or outdated and replaced by a new card.
    Replaced {
        by: CardSerial,
    },
    Revoked {
        reason: String,
    },
}

/// One card issued to one household.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ContactCard {
    pub household: RecordId,
    pub micro_grid: AreaCode,
    pub serial: CardSerial,
    pub issuer: String,
    pub issuer_phone: String,
    pub issued_at: DateTime<Utc>,
    /// Who took the card at the door.
    pub recipient: String,
    pub status: CardStatus,
}

impl Record for ContactCard {
    const KIND: RecordKind = RecordKind::ContactCard;

    fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut c = Check::new();
        c.required("issuer", &self.issuer, 30);
        c.phone("issuer_phone", &self.issuer_phone);
        c.required("recipient", &self.recipient, 30);
        match &self.status {
            CardStatus::Replaced { by } if *by == self.serial => {
                c.fail("status", "format", "a card cannot be replaced by itself")
            }
            CardStatus::Revoked { reason } => c.required("status.reason", reason, 200),
            _ => {}
        }
        c.finish()
    }

    fn micro_grid(&self) -> &AreaCode {
        &self.micro_grid
    }
}
