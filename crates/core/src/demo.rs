//! Loading a generated demo banner into the store: its areas, its households and demo cases as if
//! they had come from the server (written by a demo device, so nothing is queued for sending).

use gridwork_domain::demo::DemoBanner;
use gridwork_domain::demo_cases::DemoCase;
use gridwork_domain::{DeviceId, HlcClock, RecordState, Writer};

use crate::engine::Engine;
use crate::error::Result;
use crate::remote::ApplyReport;

impl Engine {
    pub fn load_demo(&mut self, demo: &DemoBanner) -> Result<ApplyReport> {
        self.import_areas(&demo.areas)?;
        let mut clock = HlcClock::default();
        let mut w = Writer { device: DeviceId(uuid::Uuid::nil()), clock: &mut clock, now_ms: 1 };
        let states =
            demo.households.iter().map(|(id, h)| RecordState::create(*id, h, &mut w)).collect::<Result<Vec<_>, _>>()?;
        self.apply_remote(&states)
    }

    /// Writes demo cases (`gridwork_domain::demo_cases`) as if pulled: each report, then its
    /// steps in order, stamped in that order.
    pub fn load_demo_cases(&mut self, cases: &[DemoCase]) -> Result<ApplyReport> {
        let mut clock = HlcClock::default();
        let mut w = Writer { device: DeviceId(uuid::Uuid::nil()), clock: &mut clock, now_ms: 1 };
        let mut states = Vec::new();
        for case in cases {
            states.extend(case.states(&mut w)?);
        }
        self.apply_remote(&states)
    }
}
