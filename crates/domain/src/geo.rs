//! Positions on the ground: points, GPS fixes, distances, and the "visit far from the household"
//! rule (flagged, never refused).

use geo::{Contains, Distance, Haversine, MultiPolygon, Point};
use serde::{Deserialize, Serialize};

/// A WGS-84 position in degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    pub const fn new(lat: f64, lon: f64) -> Self {
        Self { lat, lon }
    }

    fn to_geo(self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }

    /// Great-circle distance in metres.
    pub fn distance_m(self, other: GeoPoint) -> f64 {
        Haversine.distance(self.to_geo(), other.to_geo())
    }

    /// True when the point lies inside the boundary.
    pub fn is_inside(self, boundary: &MultiPolygon<f64>) -> bool {
        boundary.contains(&self.to_geo())
    }
}

/// A position from the device's GPS with its accuracy radius (68 % confidence), in metres.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct GpsFix {
    pub point: GeoPoint,
    pub accuracy_m: f64,
}

/// How far a visit's fix may be from the household before the visit is flagged.
pub const DEFAULT_FAR_VISIT_M: f64 = 200.0;

/// Where a visit's fix stands relative to the household it claims to visit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct VisitDistance {
    pub distance_m: f64,
    /// True when even the most generous reading of the fix (its accuracy radius taken off the
    /// distance) is farther than the threshold.
    pub far: bool,
}

/// Judges a visit's fix against the household's position: far only when `distance - accuracy`
/// exceeds `threshold_m`, so a poor fix does not brand an honest visit.
pub fn visit_distance(fix: &GpsFix, household: GeoPoint, threshold_m: f64) -> VisitDistance {
    let distance_m = fix.point.distance_m(household);
    VisitDistance { distance_m, far: distance_m - fix.accuracy_m.max(0.0) > threshold_m }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn distances_are_in_metres() {
        // Two points in Shulinzhao (树林召), about 111 m apart north–south.
        let a = GeoPoint::new(40.4000, 110.0400);
        let b = GeoPoint::new(40.4010, 110.0400);
        let d = a.distance_m(b);
        assert!((d - 111.2).abs() < 1.0, "{d}");
    }

    #[test]
    fn far_visits_are_flagged_with_accuracy_considered() {
        let home = GeoPoint::new(40.4000, 110.0400);
        let near = GpsFix { point: GeoPoint::new(40.4010, 110.0400), accuracy_m: 10.0 };
        let far = GpsFix { point: GeoPoint::new(40.4030, 110.0400), accuracy_m: 10.0 };
        let far_but_vague = GpsFix { point: GeoPoint::new(40.4030, 110.0400), accuracy_m: 200.0 };
        assert!(!visit_distance(&near, home, DEFAULT_FAR_VISIT_M).far);
        assert!(visit_distance(&far, home, DEFAULT_FAR_VISIT_M).far);
        assert!(!visit_distance(&far_but_vague, home, DEFAULT_FAR_VISIT_M).far);
    }

    #[test]
    fn point_in_polygon() {
        let square = MultiPolygon::new(vec![polygon![
            (x: 110.0, y: 40.0), (x: 110.1, y: 40.0), (x: 110.1, y: 40.1), (x: 110.0, y: 40.1), (x: 110.0, y: 40.0)
        ]]);
        assert!(GeoPoint::new(40.05, 110.05).is_inside(&square));
        assert!(!GeoPoint::new(40.15, 110.05).is_inside(&square));
    }
}
