//! CLI handlers that create, change and show records.

use anyhow::{Context, Result, anyhow};
use chrono::Utc;
use gridwork_core::case_queue::CaseQueueQuery;
use gridwork_core::{Engine, HouseholdQuery};
use gridwork_domain::{AreaCode, Dispute, GeoPoint, GpsFix, Household, HouseholdTag, Party, RecordId, Visit};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::args::{CardCmd, DisputeCmd, HouseholdCmd, VisitArgs};
use super::output::{self, Out};

/// Parses a snake_case enum value with a message that lists what was expected.
fn parse_enum<T: DeserializeOwned>(what: &str, s: &str, expected: &str) -> Result<T> {
    serde_json::from_value(Value::String(s.replace('-', "_"))).map_err(|_| anyhow!("unknown {what} '{s}' ({expected})"))
}

fn id(s: &str) -> Result<RecordId> {
    Ok(s.parse()?)
}

pub fn seed(engine: &mut Engine, out: &Out, seed: u64, size: &str, months: u32) -> Result<()> {
    use gridwork_domain::demo::{DemoSize, generate};
    use gridwork_domain::demo_history::{CASES_PER_GRID_MONTH, history};
    let size = DemoSize::named(size).ok_or_else(|| anyhow!("unknown size '{size}' (small, office or banner)"))?;
    let demo = generate(seed, &size);
    let report = engine.load_demo(&demo)?;
    if months == 0 {
        return out.value(&report, || format!("{} areas, {} households loaded", demo.areas.len(), report.inserted));
    }
    let past = history(seed, &demo, months, CASES_PER_GRID_MONTH, chrono::Utc::now());
    let more = engine.load_demo_history(&past)?;
    out.value(&more, || {
        format!(
            "{} areas, {} households, and {months} months of history: {} visits, {} cards, {} cases, {} highlight awards",
            demo.areas.len(),
            report.inserted,
            past.visits.len(),
            past.cards.len(),
            past.cases.len(),
            past.highlights.len()
        )
    })
}

pub fn household(engine: &mut Engine, out: &Out, cmd: HouseholdCmd) -> Result<()> {
    match cmd {
        HouseholdCmd::Add(a) => {
            let location = a.lat.zip(a.lon).map(|(lat, lon)| GeoPoint::new(lat, lon));
            let micro_grid = match (a.micro_grid, location) {
                (Some(code), _) => AreaCode::parse(&code)?,
                (None, Some(p)) => {
                    engine.locate(p)?.context("no micro-grid contains that position; give --micro-grid")?
                }
                (None, None) => return Err(anyhow!("give --micro-grid, or --lat/--lon inside a known micro-grid")),
            };
            let tags = a
                .tags
                .iter()
                .map(|t| parse_enum::<HouseholdTag>("tag", t, "elderly_alone, left_behind_child, disability, low_income, party_member, veteran, special_care, rental"))
                .collect::<Result<_>>()?;
            let h = Household {
                micro_grid,
                head_name: a.head,
                address: a.address,
                door_number: a.door,
                phone: a.phone,
                members: Vec::new(),
                tags,
                location,
                notes: String::new(),
                archived: false,
            };
            let id = engine.create_household(&h)?;
            out.value(&json!({ "id": id }), || format!("household {id} added to {}", h.micro_grid))
        }
        HouseholdCmd::Edit { id: hid, fields } => {
            let hid = id(&hid)?;
            let mut h = engine.household(hid)?;
            if let Some(v) = fields.head {
                h.head_name = v;
            }
            if let Some(v) = fields.address {
                h.address = v;
            }
            if let Some(v) = fields.door {
                h.door_number = v;
            }
            if let Some(v) = fields.phone {
                h.phone = (!v.is_empty()).then_some(v);
            }
            if let Some(v) = fields.notes {
                h.notes = v;
            }
            if let Some(v) = fields.archived {
                h.archived = v;
            }
            let changed = engine.edit_household(hid, &h)?;
            out.value(
                &json!({ "changed": changed }),
                || if changed { "saved".into() } else { "nothing changed".into() },
            )
        }
        HouseholdCmd::List { area, search, limit } => {
            let area = area.map(|a| AreaCode::parse(&a)).transpose()?;
            let rows = engine.list_households(&HouseholdQuery { area: area.as_ref(), text: &search, limit })?;
            out.value(&rows, || output::households(&rows))
        }
        HouseholdCmd::Show { id: hid } => {
            let history = engine.household_history(id(&hid)?)?;
            out.value(&history, || output::history(&history))
        }
    }
}

pub fn visit(engine: &mut Engine, out: &Out, a: VisitArgs) -> Result<()> {
    let household = id(&a.household)?;
    let h = engine.household(household)?;
    let v = Visit {
        household,
        micro_grid: h.micro_grid,
        worker: engine.profile()?.user_name.clone(),
        visited_at: Utc::now(),
        fix: a.lat.zip(a.lon).map(|(lat, lon)| GpsFix { point: GeoPoint::new(lat, lon), accuracy_m: a.accuracy }),
        manual_position: a.manual,
        purpose: parse_enum(
            "purpose",
            &a.purpose,
            "routine, care_visit, dispute_follow_up, safety_check, policy_outreach, card_delivery, other",
        )?,
        findings: a.findings,
        follow_up_needed: a.follow_up.is_some(),
        follow_up: a.follow_up.unwrap_or_default(),
    };
    let receipt = engine.record_visit(&v)?;
    out.value(&receipt, || match receipt.distance {
        Some(d) if d.far => {
            format!("visit {} saved — note: the fix is {:.0} m from the household", receipt.id, d.distance_m)
        }
        Some(d) => format!("visit {} saved ({:.0} m from the household)", receipt.id, d.distance_m),
        None => format!("visit {} saved", receipt.id),
    })
}

pub fn dispute(engine: &mut Engine, out: &Out, cmd: DisputeCmd) -> Result<()> {
    match cmd {
        DisputeCmd::File { micro_grid, category, description, parties, amount, urgency } => {
            let d = Dispute {
                micro_grid: AreaCode::parse(&micro_grid)?,
                reporter: engine.profile()?.user_name.clone(),
                reported_at: Utc::now(),
                category: parse_enum(
                    "category",
                    &category,
                    "neighbour, family, land, property, labour, contract, environment, fire_hazard, public_order, food_safety, other",
                )?,
                parties: parties
                    .iter()
                    .map(|p| {
                        let (name, phone) =
                            p.split_once(':').map_or((p.as_str(), None), |(n, ph)| (n, Some(ph.to_owned())));
                        Party { name: name.to_owned(), phone, household: None }
                    })
                    .collect(),
                description,
                amount_yuan: amount,
                urgency: parse_enum("urgency", &urgency, "low, normal, high, critical")?,
                location: None,
            };
            let id = engine.file_dispute(&d)?;
            out.value(&json!({ "id": id }), || format!("dispute {id} reported"))
        }
        DisputeCmd::Event {
            id: did,
            action,
            to,
            level,
            number,
            outcome,
            reason,
            score,
            mediator,
            agreement,
            household_confirmed,
            note,
            visit,
        } => {
            let mut m = Map::new();
            m.insert("type".into(), Value::String(action.replace('-', "_")));
            let opt = [
                ("to", to.map(Value::from)),
                ("level", level.map(Value::from)),
                ("number", number.map(Value::from)),
                ("outcome", outcome.map(Value::from)),
                ("reason", reason.map(Value::from)),
                ("score", score.map(Value::from)),
                ("mediator", mediator.map(Value::from)),
                ("agreement", agreement.map(Value::from)),
                ("household_confirmed", household_confirmed.then_some(Value::Bool(true))),
            ];
            for (k, v) in opt {
                if let Some(v) = v {
                    m.insert(k.into(), v);
                }
            }
            let action =
                serde_json::from_value(Value::Object(m)).map_err(|e| anyhow!("that action needs other flags: {e}"))?;
            let visit = visit.as_deref().map(id).transpose()?;
            let eid = engine.append_event_at(id(&did)?, action, &note, visit)?;
            let case = engine.case(id(&did)?)?;
            out.value(&case, || format!("event {eid} added; the case is now {}", case.state.stage.as_str()))
        }
        DisputeCmd::Show { id: did } => {
            let case = engine.case(id(&did)?)?;
            out.value(&case, || output::case(&case))
        }
        DisputeCmd::Queue { bucket, all_levels, limit } => {
            let bucket = bucket
                .map(|b| {
                    parse_enum("bucket", &b, "to_verify, open, dispatched, mediating, awaiting_close, awaiting_rating")
                })
                .transpose()?;
            let q = CaseQueueQuery { bucket, all_levels, limit, ..CaseQueueQuery::default() };
            let queue = engine.case_queue(&q, Utc::now().timestamp_millis())?;
            out.value(&queue, || output::case_queue(&queue))
        }
        DisputeCmd::List { area, limit } => {
            let area = match area {
                Some(a) => a,
                None => engine.profile()?.scope.to_string(),
            };
            let rows = engine.disputes_in(&area, limit)?;
            out.value(&rows, || output::disputes(&rows))
        }
    }
}

pub fn card(engine: &mut Engine, out: &Out, cmd: CardCmd) -> Result<()> {
    match cmd {
        CardCmd::Issue { household, recipient } => {
            let (cid, card) = engine.issue_card(id(&household)?, &recipient)?;
            out.value(&json!({ "id": cid, "card": card }), || {
                format!("card {} issued to {} (id {cid})", card.serial.grouped(), card.recipient)
            })
        }
        CardCmd::Find { serial } => {
            let (cid, card) = engine.card_by_serial(&serial)?;
            out.value(&json!({ "id": cid, "card": card }), || {
                format!(
                    "card {} of household {}, issued by {} to {}",
                    card.serial.grouped(),
                    card.household,
                    card.issuer,
                    card.recipient
                )
            })
        }
    }
}
