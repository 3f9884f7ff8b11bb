//! `GET /api/v1/reference`: the areas inside the device's scope and those enclosing it, and the
//! functional departments cases can be dispatched to.

use axum::Json;
use axum::extract::State;
use gridwork_domain::wire::ReferenceData;

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
    Ok(Json(ReferenceData { areas, departments: DEPARTMENTS.iter().map(|d| (*d).to_owned()).collect() }))
}
