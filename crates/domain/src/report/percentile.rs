//! Percentiles of close times. The median is the middle value (the mean of the two middle values
//! when the count is even); the 90th percentile is the nearest-rank one: the value at rank
//! ⌈0.9·n⌉ of the sorted values (1-based), so it is always a time some case actually took.

/// The median of the values (`None` when there are none). NaNs are ignored.
pub fn median(values: &[f64]) -> Option<f64> {
    let v = sorted(values);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// The nearest-rank `p`-th percentile (0 < p ≤ 100): the value at rank ⌈p/100·n⌉.
pub fn nearest_rank(values: &[f64], p: u32) -> Option<f64> {
    let v = sorted(values);
    if v.is_empty() || p == 0 || p > 100 {
        return None;
    }
    let rank = (u64::from(p) * v.len() as u64).div_ceil(100) as usize;
    Some(v[rank.max(1) - 1])
}

/// The 90th percentile, nearest rank.
pub fn p90(values: &[f64]) -> Option<f64> {
    nearest_rank(values, 90)
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    v
}
