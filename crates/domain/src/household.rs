//! Households (户): who lives where, how to reach them, and the tags that decide how often they
//! are visited.

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;
use crate::geo::GeoPoint;
use crate::ids::AreaCode;
use crate::record::{Record, RecordKind};
use crate::validate::Check;

/// Groups that need attention (重点人群) and other facts that shape the visit schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum HouseholdTag {
    /// 独居老人
    ElderlyAlone,
    /// 留守儿童
    LeftBehindChild,
    /// 残疾人
    Disability,
    /// 低保户
    LowIncome,
    /// 党员
    PartyMember,
    /// 退役军人
    Veteran,
    /// 特殊人群 (community correction, etc.)
    SpecialCare,
    /// 出租房
    Rental,
}

impl HouseholdTag {
    /// Days between visits that the tag asks for (the shortest of a household's tags applies).
    pub fn visit_interval_days(self) -> u32 {
        match self {
            Self::ElderlyAlone | Self::SpecialCare => 7,
            Self::LeftBehindChild | Self::Disability => 14,
            Self::LowIncome | Self::Rental => 30,
            Self::PartyMember | Self::Veteran => 90,
        }
    }
}

/// Days between visits of a household without tags.
pub const UNTAGGED_VISIT_INTERVAL_DAYS: u32 = 30;

/// One member of a household.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Member {
    pub name: String,
    /// 与户主关系: 户主, 配偶, 子女, 父母, …
    pub relation: String,
    pub birth_year: Option<i32>,
    pub phone: Option<String>,
}

/// A household of a micro-grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Household {
    pub micro_grid: AreaCode,
    /// 户主
    pub head_name: String,
    /// Street / village address without the door number.
    pub address: String,
    /// 门牌号, e.g. "3号楼2单元501" or "17号".
    pub door_number: String,
    pub phone: Option<String>,
    pub members: Vec<Member>,
    pub tags: Vec<HouseholdTag>,
    pub location: Option<GeoPoint>,
    pub notes: String,
    /// Moved away or merged: kept for history, hidden from lists.
    pub archived: bool,
}

impl Household {
    /// A household with just its place and head: no phone, members, tags or position yet.
    pub fn new(micro_grid: AreaCode, head_name: &str, address: &str, door_number: &str) -> Self {
        Self {
            micro_grid,
            head_name: head_name.to_owned(),
            address: address.to_owned(),
            door_number: door_number.to_owned(),
            phone: None,
            members: Vec::new(),
            tags: Vec::new(),
            location: None,
            notes: String::new(),
            archived: false,
        }
    }

    /// Days between visits asked for by the tags ([`UNTAGGED_VISIT_INTERVAL_DAYS`] when untagged).
    pub fn visit_interval_days(&self) -> u32 {
        self.tags.iter().map(|t| t.visit_interval_days()).min().unwrap_or(UNTAGGED_VISIT_INTERVAL_DAYS)
    }
}

impl Record for Household {
    const KIND: RecordKind = RecordKind::Household;

    fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut c = Check::new();
        c.required("head_name", &self.head_name, 30);
        c.required("address", &self.address, 120);
        c.max_len("door_number", &self.door_number, 30);
        if let Some(p) = &self.phone {
            c.phone("phone", p);
        }
        if self.members.len() > 30 {
            c.fail("members", "too_long", "a household can list at most 30 members");
        }
        for (i, m) in self.members.iter().enumerate() {
            c.required(&format!("members[{i}].name"), &m.name, 30);
            c.max_len(&format!("members[{i}].relation"), &m.relation, 10);
            if let Some(y) = m.birth_year {
                c.range(&format!("members[{i}].birth_year"), y.into(), 1900, 2100);
            }
            if let Some(p) = &m.phone {
                c.phone(&format!("members[{i}].phone"), p);
            }
        }
        if let Some(p) = &self.location {
            c.point("location", p);
        }
        c.max_len("notes", &self.notes, 2000);
        if let Some(level) = crate::area::AreaLevel::of(&self.micro_grid)
            && level != crate::area::AreaLevel::MicroGrid
        {
            c.fail(
                "micro_grid",
                "format",
                format!("{} is a {} code, not a micro-grid", self.micro_grid, level.as_str()),
            );
        }
        c.finish()
    }

    fn micro_grid(&self) -> &AreaCode {
        &self.micro_grid
    }
}
