//! The API's routes as one table (method, path, handler) from which the router is built, so the
//! OpenAPI document can be checked against exactly what is served.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};

use crate::AppState;
use crate::error::AppError;

pub mod attention;
pub mod conflicts;
pub mod enroll;
pub mod fleet;
pub mod me;
pub mod meta;
pub mod office;
pub mod pull;
pub mod push;
pub mod records;
pub mod reenroll;
pub mod reference;
pub mod restore;
pub mod serial;

/// One served route.
#[derive(Debug)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    handler: MethodRouter<AppState>,
}

fn route<H, T>(method: Method, path: &'static str, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a standard method");
    Route { method, path, handler: on(filter, handler) }
}

/// Every route of the API.
pub fn table() -> Vec<Route> {
    vec![
        route(Method::GET, "/api/v1/health", meta::health),
        route(Method::GET, "/api/v1/openapi.json", meta::openapi),
        route(Method::POST, "/api/v1/enroll", enroll::enroll),
        route(Method::POST, "/api/v1/push", push::push),
        route(Method::GET, "/api/v1/pull", pull::pull),
        route(Method::GET, "/api/v1/reference", reference::reference),
        route(Method::GET, "/api/v1/conflicts", conflicts::conflicts),
        route(Method::GET, "/api/v1/attention", attention::attention),
        route(Method::POST, "/api/v1/serial-blocks", serial::serial_block),
        route(Method::GET, "/api/v1/me", me::me),
        route(Method::POST, "/api/v1/reenroll", reenroll::reenroll),
        route(Method::POST, "/api/v1/restore", restore::restore),
        route(Method::POST, "/api/v1/records", records::records),
        route(Method::GET, "/api/v1/fleet", fleet::fleet),
        route(Method::GET, "/api/v1/admin/accounts", office::list),
        route(Method::POST, "/api/v1/admin/accounts", office::create),
        route(Method::POST, "/api/v1/admin/accounts/{handle}/codes", office::issue_code),
        route(Method::POST, "/api/v1/admin/accounts/{handle}/disable", office::disable),
        route(Method::POST, "/api/v1/admin/devices/{id}/revoke", office::revoke),
    ]
}

/// The router of [`table`], with a JSON 404 for everything else.
pub fn router() -> Router<AppState> {
    table()
        .into_iter()
        .fold(Router::new(), |r, route| r.route(route.path, route.handler))
        .fallback(|| async { AppError::NotFound("no such endpoint; see /api/v1/openapi.json".into()) })
}
