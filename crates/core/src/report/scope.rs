//! Which area a report covers: the device's own scope by default, or an area inside it; with the
//! area's name and the half-open range of codes that lie inside it.

use gridwork_domain::AreaCode;
use rusqlite::OptionalExtension;

use crate::engine::Engine;
use crate::error::{CoreError, Refused, Result};

/// An area a report covers.
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    pub code: AreaCode,
    pub name: String,
}

impl Scope {
    /// Codes `c` with `lo <= c < hi` are the area and everything inside it (area codes are digits,
    /// and ':' sorts right after '9'), so a range test uses the micro-grid indexes.
    pub fn range(&self) -> (String, String) {
        range(&self.code)
    }
}

/// The code range of an area (see [`Scope::range`]).
pub(crate) fn range(code: &AreaCode) -> (String, String) {
    (code.to_string(), format!("{code}:"))
}

impl Engine {
    /// The area a report covers: `None` is the device's scope; another area must lie inside it.
    pub(crate) fn report_scope(&self, scope: Option<&AreaCode>) -> Result<Scope> {
        let own = &self.profile()?.scope;
        let code = match scope {
            None => own.clone(),
            Some(a) if a.is_within(own) => a.clone(),
            Some(a) => {
                return Err(CoreError::Forbidden(Refused {
                    code: "outside_area",
                    params: vec![("micro_grid", a.to_string()), ("scope", own.to_string())],
                    message: format!("area {a} lies outside this device's area {own}"),
                }));
            }
        };
        let name = self.area_name(&code)?.unwrap_or_else(|| code.to_string());
        Ok(Scope { code, name })
    }

    /// An area's name, when the store holds the area.
    pub(crate) fn area_name(&self, code: &AreaCode) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT name FROM areas WHERE code = ?1")?
            .query_row([code.as_str()], |r| r.get(0))
            .optional()?)
    }

    /// The areas of one level (`village`, `grid`) inside a scope, by code: code, name, parent.
    pub(crate) fn areas_at(&self, scope: &Scope, level: &str) -> Result<Vec<(AreaCode, String, Option<AreaCode>)>> {
        let (lo, hi) = scope.range();
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, name, parent FROM areas WHERE level = ?1 AND code >= ?2 AND code < ?3 ORDER BY code",
        )?;
        let rows = stmt.query_map((level, lo, hi), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (code, name, parent) = row?;
            out.push((AreaCode::parse(&code)?, name, parent.map(|p| AreaCode::parse(&p)).transpose()?));
        }
        Ok(out)
    }

    /// The report's "now": the engine's clock (the server's time as far as this handset knows).
    pub(crate) fn report_now(&self) -> i64 {
        self.now_ms() as i64
    }
}
