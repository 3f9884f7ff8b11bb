//! The area hierarchy: banner → township → village/community → grid → micro-grid, each with an
//! optional boundary polygon (GeoJSON on the wire, `geo` types inside).

use geo::MultiPolygon;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ValidationError;
use crate::geo::GeoPoint;
use crate::ids::AreaCode;
use crate::validate::Check;

/// The five levels, top down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum AreaLevel {
    Banner,
    Township,
    Village,
    Grid,
    MicroGrid,
}

impl AreaLevel {
    /// The level an area code of this length belongs to.
    pub fn of(code: &AreaCode) -> Option<AreaLevel> {
        match code.as_str().len() {
            6 => Some(Self::Banner),
            9 => Some(Self::Township),
            12 => Some(Self::Village),
            15 => Some(Self::Grid),
            18 => Some(Self::MicroGrid),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Banner => "banner",
            Self::Township => "township",
            Self::Village => "village",
            Self::Grid => "grid",
            Self::MicroGrid => "micro_grid",
        }
    }
}

/// One area of the hierarchy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Area {
    pub code: AreaCode,
    pub name: String,
    pub level: AreaLevel,
    pub parent: Option<AreaCode>,
    /// Polygon or MultiPolygon, as a GeoJSON geometry on the wire.
    #[serde(default, with = "geojson_boundary", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "ts",
        ts(optional, type = "{ type: \"MultiPolygon\"; coordinates: Array<Array<Array<[number, number]>>> }")
    )]
    pub boundary: Option<MultiPolygon<f64>>,
}

impl Area {
    /// Checks that the name is present, the level fits the code and the parent is the code's parent.
    pub fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut c = Check::new();
        c.required("name", &self.name, 60);
        if AreaLevel::of(&self.code) != Some(self.level) {
            c.fail(
                "level",
                "format",
                format!("a {} code cannot have {} digits", self.level.as_str(), self.code.as_str().len()),
            );
        }
        if self.parent != self.code.parent() {
            c.fail("parent", "format", format!("the parent of {} must be its first digits", self.code));
        }
        c.finish()
    }

    pub fn contains(&self, p: GeoPoint) -> bool {
        self.boundary.as_ref().is_some_and(|b| p.is_inside(b))
    }
}

/// Among `areas`, the micro-grid whose boundary contains `p` (the first, if boundaries overlap).
pub fn micro_grid_at<'a>(areas: impl IntoIterator<Item = &'a Area>, p: GeoPoint) -> Option<&'a Area> {
    areas.into_iter().find(|a| a.level == AreaLevel::MicroGrid && a.contains(p))
}

/// Parses a GeoJSON geometry (Polygon or MultiPolygon) given as text.
pub fn parse_boundary(geojson_text: &str) -> Result<MultiPolygon<f64>, ValidationError> {
    let g: geojson::Geometry = geojson_text
        .parse()
        .map_err(|e| ValidationError::coded("boundary", "format", format!("not a GeoJSON geometry: {e}")))?;
    to_multi_polygon(&g)
}

fn to_multi_polygon(g: &geojson::Geometry) -> Result<MultiPolygon<f64>, ValidationError> {
    let geom = geo::Geometry::<f64>::try_from(g)
        .map_err(|e| ValidationError::coded("boundary", "format", format!("not a usable geometry: {e}")))?;
    match geom {
        geo::Geometry::Polygon(p) => Ok(MultiPolygon::new(vec![p])),
        geo::Geometry::MultiPolygon(m) => Ok(m),
        _ => Err(ValidationError::coded("boundary", "format", "a boundary must be a Polygon or MultiPolygon")),
    }
}

mod geojson_boundary {
    use super::*;

    pub fn serialize<S: Serializer>(b: &Option<MultiPolygon<f64>>, s: S) -> Result<S::Ok, S::Error> {
        b.as_ref().map(|m| geojson::Geometry::new(geojson::GeometryValue::from(m))).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<MultiPolygon<f64>>, D::Error> {
        Option::<geojson::Geometry>::deserialize(d)?
            .map(|g| to_multi_polygon(&g).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE: &str =
        r#"{"type":"Polygon","coordinates":[[[110.0,40.0],[110.1,40.0],[110.1,40.1],[110.0,40.1],[110.0,40.0]]]}"#;

    fn micro(code: &str, boundary: Option<&str>) -> Area {
        let code = AreaCode::parse(code).unwrap();
        Area {
            parent: code.parent(),
            code,
            name: "锦园社区第一小微网格".into(),
            level: AreaLevel::MicroGrid,
            boundary: boundary.map(|b| parse_boundary(b).unwrap()),
        }
    }

    #[test]
    fn boundary_round_trips_through_geojson() {
        let a = micro("150621001001001001", Some(SQUARE));
        a.validate().unwrap();
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains(r#""type":"MultiPolygon""#), "{json}");
        let back: Area = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn households_fall_into_the_micro_grid_that_contains_them() {
        let areas = [micro("150621001001001001", None), micro("150621001001001002", Some(SQUARE))];
        let hit = micro_grid_at(&areas, GeoPoint::new(40.05, 110.05)).unwrap();
        assert_eq!(hit.code.as_str(), "150621001001001002");
        assert!(micro_grid_at(&areas, GeoPoint::new(41.0, 110.05)).is_none());
    }

    #[test]
    fn bad_boundaries_and_levels_are_refused() {
        assert_eq!(parse_boundary(r#"{"type":"Point","coordinates":[1,2]}"#).unwrap_err().code, "format");
        assert!(parse_boundary("nonsense").is_err());
        let mut a = micro("150621001001001001", None);
        a.level = AreaLevel::Grid;
        a.name = String::new();
        assert_eq!(a.validate().unwrap_err().len(), 2);
    }
}
