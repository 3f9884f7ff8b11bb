//! The household register and the conflict choice on the real app: a household added and one
//! edited while offline, and a conflict settled by keeping the other value.

use crate::driver::{click, find, shot, type_into, wait_text};
use fantoccini::{Client, Locator};
use std::path::Path;

/// Adds a household in the first micro-grid: head, address, a tag (the interval it sets shows), a
/// member; a missing head name is refused in Chinese first. Answers the new head's name.
pub async fn add_household(c: &Client, shots: Option<&Path>) -> String {
    let head = format!("新户{}", &uuid::Uuid::now_v7().simple().to_string()[24..]);
    click(c, "nav-households").await;
    click(c, "grid-filter").await;
    click(c, "add-household").await;
    find(c, "screen-household-edit").await;
    type_into(c, "address", "锦园社区12号楼").await;
    type_into(c, "door-number", "3单元402").await;
    click(c, "member-add").await;
    type_into(c, "member-name", "李小红").await;
    type_into(c, "member-relation", "子女").await;
    click(c, "tag-elderly_alone").await;
    wait_text(c, "interval", "每 7 天").await;
    shot(c, shots, "14-household-edit").await;
    click(c, "save-household").await;
    wait_text(c, "head-name-error", "请填写户主姓名").await;
    type_into(c, "head-name", &head).await;
    click(c, "save-household").await;
    wait_text(c, "flash", "已新增住户").await;
    type_into(c, "search", &head).await;
    wait_text(c, "count", "1").await;
    head
}

/// Changes the phone of the household open on screen through its edit form.
pub async fn edit_phone(c: &Client, phone: &str) {
    click(c, "edit-household").await;
    find(c, "screen-household-edit").await;
    wait_text(c, "interval", "每").await;
    type_into(c, "phone", phone).await;
    click(c, "save-household").await;
    wait_text(c, "flash", "已保存修改").await;
}

/// On the conflicts screen, keeps the other value of the first conflict; answers that value.
pub async fn keep_other(c: &Client, shots: Option<&Path>) -> String {
    let side = find(c, "side-other").await;
    let value = side.find(Locator::Css(".value")).await.unwrap().text().await.unwrap();
    shot(c, shots, "08-conflicts").await;
    click(c, "keep-other").await;
    wait_text(c, "conflict-done", &value).await;
    value
}
