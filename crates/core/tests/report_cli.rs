//! `gridwork report …` on the report fixture's store: the dashboard as JSON is the engine's, the
//! monthly notice lands in the folder as XLSX and CSV, the ranking prints, garbage is refused.

mod common;
mod report_common;

use gridwork_domain::report::{Dashboard, PeriodSpec};

#[test]
fn the_office_reads_its_figures_from_the_command_line() {
    let f = report_common::fixture();
    let db = f.dir.path().join("office.db");
    let spec = PeriodSpec::Month { month: "2026-11".into() };
    let want = f.engine.dashboard(&spec, None).unwrap();
    drop(f.engine);
    let (ok, out, err) = common::gridwork(&db, &["--json", "report", "dashboard", "--month", "2026-11"]);
    assert!(ok, "{err}");
    let got: Dashboard = serde_json::from_str(&out).unwrap();
    assert_eq!((&got.by_stage, &got.by_level, &got.handlers), (&want.by_stage, &want.by_level, &want.handlers));
    assert_eq!(
        (&got.resolved_in_village, &got.coverage, &got.categories),
        (&want.resolved_in_village, &want.coverage, &want.categories)
    );
    let (ok, out, err) = common::gridwork(&db, &["report", "dashboard", "--from", "2025-12-01", "--to", "2026-01-31"]);
    assert!(ok, "{err}");
    assert!(out.contains("2025-12-01..2026-01-31") && out.contains("resolved in village"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) =
        common::gridwork(&db, &["report", "monthly", "--month", "2026-11", "--out", dir.path().to_str().unwrap()]);
    assert!(ok, "{err}");
    for ext in ["xlsx", "csv"] {
        let file = dir.path().join(format!("月通报-150621001-2026-11.{ext}"));
        assert!(file.is_file() && out.contains(file.to_str().unwrap()), "{out}");
    }
    let (ok, out, err) = common::gridwork(&db, &["report", "ranking", "--quarter", "2026Q4"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("2026Q4 ranking of 150621001") && out.contains("grids:") && out.contains("villages:"),
        "{out}"
    );
    assert_eq!(out.lines().filter(|l| l.contains("template")).count(), 4 + 2, "{out}");
}

#[test]
fn garbage_is_refused_with_a_clear_word() {
    let f = report_common::fixture();
    let db = f.dir.path().join("office.db");
    drop(f.engine);
    let cases: [(&[&str], &str); 5] = [
        (&["report", "dashboard", "--month", "2026-13"], "is not a month"),
        (&["report", "dashboard"], "give one period"),
        (&["report", "ranking", "--quarter", "2026Q5"], "is not a quarter"),
        (&["report", "dashboard", "--quarter", "2026Q4", "--scope", "150621002"], "outside this device's area"),
        (&["report", "monthly", "--month", "2026-11", "--out", "/nonexistent/folder"], "cannot be written"),
    ];
    for (args, words) in cases {
        let (ok, _, err) = common::gridwork(&db, args);
        assert!(!ok && err.contains(words), "{args:?}: {err}");
    }
}
