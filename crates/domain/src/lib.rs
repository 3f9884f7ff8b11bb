//! Gridwork's pure domain model: ids, areas, records, version vectors, hybrid logical clocks,
//! the field-by-field merge, the dispute workflow and validation. No I/O lives here.

pub mod area;
pub mod attention;
pub mod attribution;
pub mod authority;
pub mod card;
pub mod choice;
pub mod clock;
pub mod deadline;
pub mod demo;
pub mod demo_cases;
pub mod demo_history;
pub mod dispute;
pub mod dots;
pub mod enroll_link;
pub mod error;
pub mod extra_fields;
pub mod geo;
pub mod highlight;
pub mod household;
pub mod ids;
pub mod merge;
pub mod policy;
pub mod record;
pub mod report;
pub mod restamp;
pub mod serial;
pub mod standing;
pub mod strict;
pub mod validate;
pub mod version;
pub mod visit;
pub mod wire;
pub mod workflow;

pub use area::{Area, AreaLevel};
pub use card::{CardStatus, ContactCard};
pub use clock::{Hlc, HlcClock, Stamp};
pub use dispute::{
    AttemptOutcome, Dispute, DisputeAction, DisputeCategory, DisputeEvent, MediationLevel, Party, Referral, Urgency,
};
pub use error::{DomainError, ValidationError};
pub use geo::{GeoPoint, GpsFix};
pub use household::{Household, HouseholdTag, Member};
pub use ids::{AreaCode, DeviceId, RecordId};
pub use merge::{FieldConflict, MergeOutcome, merge};
pub use record::{Record, RecordKind, RecordState, Writer};
pub use serial::{CardSerial, SerialBlock};
pub use version::{Causality, VersionVector};
pub use visit::{Visit, VisitPurpose};
