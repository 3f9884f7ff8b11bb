//! Loading a generated demo banner into the store: its areas, its households, demo cases and months
//! of history as if
//! they had come from the server (written by a demo device, so nothing is queued for sending).

use gridwork_domain::demo::DemoBanner;
use gridwork_domain::demo_cases::DemoCase;
use gridwork_domain::demo_history::DemoHistory;
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

    /// Writes months of demo history (`gridwork_domain::demo_history`: visits, cards, cases,
    /// highlight points) as if pulled.
    pub fn load_demo_history(&mut self, history: &DemoHistory) -> Result<ApplyReport> {
        let mut clock = HlcClock::default();
        let mut w = Writer { device: DeviceId(uuid::Uuid::nil()), clock: &mut clock, now_ms: 1 };
        let states = history.states(&mut w)?;
        // In pages, as a pull applies them.
        let mut report = ApplyReport::default();
        for page in states.chunks(5_000) {
            report.add(&self.apply_remote(page)?);
        }
        Ok(report)
    }
}
