//! Argument definitions of the `gridwork` command (clap derive).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Gridwork (网格通) handset engine: households, visits, disputes and contact cards in a local
/// SQLite store that works offline and syncs later.
#[derive(Debug, Parser)]
#[command(name = "gridwork", version, propagate_version = true)]
pub struct Cli {
    /// The handset's store (created by init and enroll), encrypted; its key file is beside it
    /// (`<db>.key`). The PIN comes from GRIDWORK_PIN or is asked on the terminal.
    #[arg(long, global = true, env = "GRIDWORK_DB", default_value = "gridwork.db")]
    pub db: PathBuf,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// The language of refusals, warnings and the attention list: zh-CN (default) or en.
    #[arg(long, global = true, env = "GRIDWORK_LANG", default_value = "zh-CN")]
    pub lang: String,
    #[command(subcommand)]
    pub command: Command,
}

/// How the server is reached over TLS; kept in the profile for every later sync.
#[derive(Debug, Args)]
pub struct TlsArgs {
    /// A private CA's certificate (PEM) to trust besides the public roots.
    #[arg(long, env = "GRIDWORK_CA_FILE", value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// The server's key as the office gave it (`sha256/<base64>`, as the enrollment link carries
    /// it): even this first contact is refused with another key.
    #[arg(long, value_name = "PIN")]
    pub server_pin: Option<String>,
    /// Allow a plain-HTTP server that is not on this machine (test networks only: names, phones
    /// and the device token cross the network unencrypted).
    #[arg(long)]
    pub insecure: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set this device up offline: who uses it and which area it covers. Sets the PIN (from
    /// GRIDWORK_PIN, or asked twice) when the store has none yet.
    Init {
        /// The grid worker's name, e.g. 王芳.
        #[arg(long)]
        user: String,
        /// The worker's phone, printed on contact cards.
        #[arg(long)]
        phone: String,
        /// Area code the device covers (a grid, or a township for supervisors).
        #[arg(long)]
        scope: String,
        /// Roster number of the handset (1..9999999): picks its fallback card-serial block.
        #[arg(long, default_value_t = 1)]
        device_no: u32,
        #[arg(long, default_value = "grid-worker")]
        role: String,
        #[arg(long, default_value = "handset")]
        device_name: String,
    },
    /// Enroll this device with a sync server using a one-time enrollment code from the office.
    /// Over HTTPS the server's key is pinned: later connections to another key are refused.
    /// Sets the PIN (from GRIDWORK_PIN, or asked twice) when the store has none yet.
    Enroll {
        /// e.g. https://grid.example.cn (plain http:// only to this machine, or with --insecure)
        #[arg(long, env = "GRIDWORK_SERVER")]
        server: String,
        /// The one-time enrollment code, e.g. K7QM-3XHP-T9WD (made with `gridwork-sync-server code create`).
        #[arg(long)]
        code: String,
        #[arg(long, default_value = "handset")]
        device_name: String,
        #[command(flatten)]
        tls: TlsArgs,
    },
    /// Push waiting changes to the server, then pull what is new in this device's area.
    Sync,
    /// The way out of a damaged store: move it aside (kept, never deleted), enroll again with a
    /// new one-time code and pull everything again.
    Recover {
        #[arg(long, env = "GRIDWORK_SERVER")]
        server: String,
        /// A new one-time enrollment code from the grid office.
        #[arg(long)]
        code: String,
        #[arg(long, default_value = "handset")]
        device_name: String,
        #[command(flatten)]
        tls: TlsArgs,
    },
    /// Load a demo banner (areas and households) into the store, deterministic from the seed.
    Seed {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// small (a few hundred households), office (27 grids) or banner (1,678 grids, 24,763 micro-grids).
        #[arg(long, default_value = "small")]
        size: String,
        /// Also this many months of history (visits, cards, cases, highlight points) before now.
        #[arg(long, default_value_t = 0)]
        months: u32,
    },
    /// Households: add, edit, list and search, show with history.
    #[command(subcommand)]
    Household(HouseholdCmd),
    /// Record a visit to a household.
    Visit(VisitArgs),
    /// Dispute and hazard reports and their cases.
    #[command(subcommand)]
    Dispute(DisputeCmd),
    /// Grid service contact cards.
    #[command(subcommand)]
    Card(CardCmd),
    /// What is due today: households to visit, follow-ups, my reports.
    Today {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Changes waiting to be synced (待同步), each refused one with why and what to do.
    Outbox,
    /// This device at a glance: who, which area, what waits, the last sync, a wrong phone clock.
    Status,
    /// Refused changes in this device's area waiting for a person (需关注), as of the last sync:
    /// for grid leaders, supervisors and the banner centre.
    Attention,
    /// Conflicts found while merging, with both values.
    Conflicts {
        /// Include conflicts already marked as seen.
        #[arg(long)]
        all: bool,
    },
    /// The township office: every handset of its area with its last contact and flags (the copy
    /// kept from the last fetch when the server cannot be reached).
    Fleet,
    /// The township office's accounts and handsets: list, create, one-time codes, revoke, disable.
    #[command(subcommand)]
    Office(super::office::OfficeCmd),
    /// The township office's figures: dashboard, monthly notice (XLSX and CSV), quarterly ranking.
    #[command(subcommand)]
    Report(super::report::ReportCmd),
    /// The PIN that unlocks the store.
    #[command(subcommand)]
    Pin(PinCmd),
    /// Everything on the device as JSON.
    Export {
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PinCmd {
    /// Change the PIN: the current one from GRIDWORK_PIN (or asked), the new one from
    /// GRIDWORK_NEW_PIN (or asked twice).
    Change,
}

#[derive(Debug, Subcommand)]
pub enum HouseholdCmd {
    /// Add a household.
    Add(HouseholdArgs),
    /// Change a household (only the fields given).
    Edit {
        id: String,
        #[command(flatten)]
        fields: HouseholdEdit,
    },
    /// List households, optionally of one area and matching a search (name, pinyin, initials, door number, phone).
    List {
        #[arg(long)]
        area: Option<String>,
        #[arg(long, short, default_value = "")]
        search: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// A household with its visits, disputes and cards.
    Show { id: String },
}

#[derive(Debug, Args)]
pub struct HouseholdArgs {
    #[arg(long)]
    pub micro_grid: Option<String>,
    #[arg(long)]
    pub head: String,
    #[arg(long)]
    pub address: String,
    #[arg(long, default_value = "")]
    pub door: String,
    #[arg(long)]
    pub phone: Option<String>,
    /// elderly_alone, left_behind_child, disability, low_income, party_member, veteran, special_care, rental
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    #[arg(long, requires = "lon")]
    pub lat: Option<f64>,
    #[arg(long, requires = "lat")]
    pub lon: Option<f64>,
}

#[derive(Debug, Args)]
pub struct HouseholdEdit {
    #[arg(long)]
    pub head: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long)]
    pub door: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    #[arg(long)]
    pub archived: Option<bool>,
}

#[derive(Debug, Args)]
pub struct VisitArgs {
    #[arg(long)]
    pub household: String,
    /// routine, care_visit, dispute_follow_up, safety_check, policy_outreach, card_delivery, other
    #[arg(long, default_value = "routine")]
    pub purpose: String,
    #[arg(long, default_value = "")]
    pub findings: String,
    /// What needs following up (marks the visit as needing a follow-up).
    #[arg(long)]
    pub follow_up: Option<String>,
    #[arg(long, requires = "lon")]
    pub lat: Option<f64>,
    #[arg(long, requires = "lat")]
    pub lon: Option<f64>,
    /// Accuracy of the fix in metres.
    #[arg(long, default_value_t = 10.0)]
    pub accuracy: f64,
    /// The position was picked by hand, not from GPS.
    #[arg(long)]
    pub manual: bool,
}

#[derive(Debug, Subcommand)]
pub enum DisputeCmd {
    /// File a report from the field.
    File {
        #[arg(long)]
        micro_grid: String,
        /// neighbour, family, land, property, labour, contract, environment, fire_hazard, public_order, food_safety, other
        #[arg(long)]
        category: String,
        #[arg(long)]
        description: String,
        /// A party as NAME or NAME:PHONE (repeat for more).
        #[arg(long = "party")]
        parties: Vec<String>,
        #[arg(long)]
        amount: Option<f64>,
        /// low, normal, high, critical
        #[arg(long, default_value = "normal")]
        urgency: String,
    },
    /// Append a step to a case.
    Event {
        id: String,
        /// verified, rejected, dispatched, mediation_attempt, feedback, escalated, referred, closed, reopened,
        /// rated, settled
        action: String,
        #[arg(long)]
        to: Option<String>,
        /// village, township, banner
        #[arg(long)]
        level: Option<String>,
        #[arg(long)]
        number: Option<u8>,
        /// succeeded or failed
        #[arg(long)]
        outcome: Option<String>,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        score: Option<u8>,
        /// For a mediation attempt: the mediator's name.
        #[arg(long)]
        mediator: Option<String>,
        /// For a successful mediation attempt: the agreement reached.
        #[arg(long)]
        agreement: Option<String>,
        /// For closing: the household confirmed the outcome (a case is closed only so).
        #[arg(long)]
        household_confirmed: bool,
        #[arg(long, default_value = "")]
        note: String,
        /// The visit (its id) at which the step was taken: how a grid worker records a rating.
        #[arg(long)]
        visit: Option<String>,
    },
    /// A case with its events and what may happen next.
    Show { id: String },
    /// The case queue: every case at this account's level by stage, urgency then age, with the
    /// step each waits on and whether it is overdue.
    Queue {
        /// to_verify, open, dispatched, mediating, awaiting_close, awaiting_rating
        #[arg(long)]
        bucket: Option<String>,
        /// Cases at every level, not only this account's.
        #[arg(long)]
        all_levels: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Disputes of an area (default: this device's), newest first.
    List {
        #[arg(long)]
        area: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum CardCmd {
    /// Issue the next serial of this device's block to a household.
    Issue {
        #[arg(long)]
        household: String,
        /// Who took the card at the door.
        #[arg(long)]
        recipient: String,
    },
    /// Look a card up by its serial (the check digit is verified).
    Find { serial: String },
}
