// The names of the app's commands, shared by the build script (which makes one permission per
// command) and the invoke handler's tests. Keep in step with `commands::handler`.
pub const NAMES: &[&str] = &[
    "status",
    "enroll",
    "recover",
    "sync_now",
    "today",
    "list_households",
    "household_history",
    "case_view",
    "record_visit",
    "file_dispute",
    "issue_card",
    "areas",
    "outbox",
    "attention",
    "conflicts",
    "resolve_conflict",
    "save_draft",
    "load_draft",
    "delete_draft",
];
