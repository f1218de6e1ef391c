//! The audit trail: views and changes are recorded, and editing the trail is detected.

use crate::support::*;

#[test]
fn views_and_changes_are_recorded_in_order() {
    let mut t = new_vault(51);
    let hh = household(&mut t.vault, "a", "b");
    t.vault.household_detail(hh).unwrap();
    t.vault.search("a").unwrap();
    let trail = t.vault.audit_trail().unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["vault.create", "household.add", "household.view", "search"]);
    assert!(
        trail.iter().all(|e| e.worker == Some(t.vault.identity().worker)),
        "every entry names the worker"
    );
    assert_eq!(trail[2].target.as_deref(), Some(hh.to_string().as_str()));
}

#[test]
fn editing_or_removing_an_entry_is_detected() {
    let mut t = new_vault(52);
    for i in 0..5 {
        household(&mut t.vault, &format!("h{i}"), "x");
    }
    t.vault.audit_trail().expect("an untouched trail verifies");
    let sql = kasane::testing::sql(&t.vault);
    sql.execute("UPDATE audit SET action = 'nothing.to.see' WHERE seq = 3", [])
        .unwrap();
    let err = t.vault.audit_trail().expect_err("a changed entry must be detected");
    assert!(
        err.to_string().contains("entry 3"),
        "the message names the entry: {err}"
    );

    let mut t = new_vault(53);
    for i in 0..5 {
        household(&mut t.vault, &format!("h{i}"), "x");
    }
    kasane::testing::sql(&t.vault)
        .execute("DELETE FROM audit WHERE seq = 2", [])
        .unwrap();
    assert!(t.vault.audit_trail().is_err(), "a removed entry must be detected");
}

#[test]
fn listing_a_cases_contact_log_is_audited_once_naming_the_case() {
    let mut t = new_vault(53);
    let hh = household(&mut t.vault, "髙橋家", "鎌倉市大町");
    let c = case(&mut t.vault, hh, "8050");
    for internal in [false, true] {
        t.vault
            .add_note(kasane::NewNote {
                case: c,
                kind: kasane::NoteKind::Visit,
                text: "長男は自室".into(),
                date: None,
                internal,
                outreach: None,
            })
            .unwrap();
    }
    let before = t.vault.audit_trail().unwrap().len();
    let notes = t.vault.notes_of(c).unwrap();
    assert_eq!(notes.len(), 2, "the internal memo is listed too");
    let trail = t.vault.audit_trail().unwrap();
    assert_eq!(trail.len(), before + 1, "exactly one entry for reading the contact log");
    let e = trail.last().unwrap();
    assert_eq!(e.action, "note.list");
    assert_eq!(
        e.target.as_deref(),
        Some(c.to_string().as_str()),
        "the entry names the case"
    );
    assert_eq!(e.worker, Some(t.vault.identity().worker));
    assert!(
        !e.detail.as_deref().unwrap_or("").contains("長男"),
        "ids and counts, not the text"
    );

    // The case view lists the same log inside its own single view entry.
    t.vault.case_detail(c).unwrap();
    let trail = t.vault.audit_trail().unwrap();
    assert_eq!(trail.len(), before + 2);
    assert_eq!(trail.last().unwrap().action, "case.view");
}
