//! `GET /api/v1/reference`: the areas inside the device's scope and those enclosing it, everyone
//! a case there may be dispatched to (accounts, mediation committees and centres, functional
//! departments) and the deadlines of the closed loop's steps.

use axum::Json;
use axum::extract::State;
use gridwork_domain::Area;
use gridwork_domain::area::AreaLevel;
use gridwork_domain::deadline::StepDeadlines;
use gridwork_domain::wire::{Handler, HandlerKind, ReferenceData, Role};

use crate::store::Account;

use crate::AppState;
use crate::auth::AuthDevice;
use crate::error::AppError;

/// Functional departments that "report to the grid" (职能部门进网格).
pub const DEPARTMENTS: &[&str] = &[
    "派出所",
    "司法所",
    "综合执法",
    "市场监管",
    "消防救援",
    "自然资源",
    "生态环境",
    "农牧",
    "水利",
    "民政",
    "人社",
    "卫生健康",
    "住建",
    "应急管理",
    "信访",
    "人民法庭",
    "妇联",
];

pub async fn reference(
    State(state): State<AppState>,
    AuthDevice(device): AuthDevice,
) -> Result<Json<ReferenceData>, AppError> {
    let areas = state.store.areas(&device.scope).await?;
    let accounts = state.store.accounts_in(&device.scope).await?;
    let handlers = handlers(&areas, &accounts);
    let departments = DEPARTMENTS.iter().map(|d| (*d).to_owned()).collect();
    Ok(Json(ReferenceData { areas, departments, handlers, deadlines: StepDeadlines::default(), policy: state.policy }))
}

/// Whom a case in the areas may be dispatched to: the accounts (by name: a `dispatched` step names
/// its handler so), the mediation committee of each village and the dispute resolution centres of
/// the township and the banner, then the departments.
pub fn handlers(areas: &[Area], accounts: &[Account]) -> Vec<Handler> {
    let mut out: Vec<Handler> = accounts
        .iter()
        .filter_map(|a| {
            let kind = match a.role {
                Role::GridWorker => HandlerKind::GridWorker,
                Role::GridLeader => HandlerKind::GridLeader,
                Role::Supervisor => HandlerKind::Supervisor,
                Role::Admin => return None,
            };
            Some(Handler { key: a.name.clone(), name: a.name.clone(), kind, area: Some(a.scope.clone()) })
        })
        .collect();
    for area in areas {
        let name = match area.level {
            AreaLevel::Village => format!("{}人民调解委员会", area.name),
            AreaLevel::Township => format!("{}矛盾纠纷调解中心", area.name),
            AreaLevel::Banner => format!("{}矛盾纠纷多元化解中心", area.name),
            AreaLevel::Grid | AreaLevel::MicroGrid => continue,
        };
        out.push(Handler { key: name.clone(), name, kind: HandlerKind::Mediator, area: Some(area.code.clone()) });
    }
    out.extend(DEPARTMENTS.iter().map(|d| Handler {
        key: (*d).to_owned(),
        name: (*d).to_owned(),
        kind: HandlerKind::Department,
        area: None,
    }));
    // One entry per key: two accounts of one name are one handler to dispatch to.
    let mut seen = std::collections::HashSet::new();
    out.retain(|h| seen.insert(h.key.clone()));
    out
}
