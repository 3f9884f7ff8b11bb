//! Contact cards: issuing the next serial of this device's block to a household, and replacing
//! or revoking a card. The block's counter moves in the same transaction as the card.

use chrono::Utc;
use gridwork_domain::authority::{Action, Subject};
use gridwork_domain::{CardSerial, CardStatus, ContactCard, Household, RecordId, RecordState};

use crate::engine::{Engine, get_record, put_local, set_meta};
use crate::error::{CoreError, Result};

impl Engine {
    /// Issues a card to `household`, handed to `recipient` at the door.
    pub fn issue_card(&mut self, household: RecordId, recipient: &str) -> Result<(RecordId, ContactCard)> {
        let (_, h): (_, Household) = get_record(&self.conn, household, "household")?;
        self.check_may(Action::CardIssue, &Subject::plain(&h.micro_grid))?;
        let mut profile = self.profile()?.clone();
        let serial = profile.serial_block.issue().ok_or(CoreError::SerialsUsedUp)?;
        let card = ContactCard {
            household,
            micro_grid: h.micro_grid,
            serial,
            issuer: profile.user_name.clone(),
            issuer_phone: profile.user_phone.clone(),
            issued_at: Utc::now(),
            recipient: recipient.trim().to_owned(),
            status: CardStatus::Active,
        };
        let id = self.write(|tx, w| {
            let state = RecordState::create(RecordId::new(), &card, w)?;
            put_local(tx, &state, &card, w.now_ms)?;
            set_meta(tx, "profile", &serde_json::to_string(&profile)?)?;
            Ok(state.id)
        })?;
        self.profile = Some(profile);
        Ok((id, card))
    }

    /// Marks a card replaced by a new one (issued first) or revoked.
    pub fn set_card_status(&mut self, card: RecordId, status: CardStatus) -> Result<()> {
        let (current, mut c): (_, ContactCard) = get_record(&self.conn, card, "contact card")?;
        self.check_may(Action::CardRevoke, &self.edit_subject(&c.micro_grid, &current)?)?;
        c.status = status;
        self.write(|tx, w| match current.edit(&c, w)? {
            Some(next) => put_local(tx, &next, &c, w.now_ms),
            None => Ok(()),
        })
    }

    /// Finds a card by its serial as typed (check digit verified first).
    pub fn card_by_serial(&self, typed: &str) -> Result<(RecordId, ContactCard)> {
        let serial = CardSerial::parse(typed)?;
        let id: String = self
            .conn
            .query_row("SELECT id FROM cards WHERE serial = ?1", [serial.as_str()], |r| r.get(0))
            .map_err(|_| CoreError::NotFound { what: "contact card", id: serial.to_string() })?;
        let (state, card) = get_record(&self.conn, id.parse()?, "contact card")?;
        Ok((state.id, card))
    }
}
