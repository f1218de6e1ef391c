//! Disclosure for a meeting (会議のための情報提供): putting a case on an agenda gives it only to the
//! attendees the lead chooses, for that meeting, until a set number of days after it; then the
//! lead's share ends and partners are asked to purge, the attendees' own vaults erase their copy
//! even without that request, and a partner's build writing after the end is refused — unless
//! the meeting's record decided a lasting share with a basis of its own. Across three vaults.

use kasane::{Basis, Disclose, ItemRecord, LastingShare, NewMeeting, NewNote, NoteKind, Vault, parse_date};
use uuid::Uuid;

use crate::support::*;

fn day(s: &str) -> kasane::Date {
    parse_date(s).unwrap()
}

/// The vault at `path` opened again on a PC whose clock reads `clock`.
fn reopen(path: &std::path::Path, clock: kasane::FixedClock, seed: u64) -> Vault {
    kasane::VaultDir::open(path)
        .unwrap()
        .unlock(None, &pass(PASS), kasane::Ambient::fixed(clock, seed))
        .expect("the vault opens again")
}

/// L (福祉総務課) coordinates and leads two cases; B and C attend its 支援会議 on 2026-11-27.
struct Town {
    l: TestVault,
    b: TestVault,
    c: TestVault,
    clocks: [kasane::FixedClock; 3],
    meeting: Uuid,
    first: Uuid,
    second: Uuid,
}

fn town() -> Town {
    let clocks = [clock(), clock(), clock()];
    let mut l = agency_vault(1401, "福祉総務課", clocks[0].clone());
    let mut b = agency_vault(1402, "生活福祉課", clocks[1].clone());
    let mut c = agency_vault(1403, "高齢者いきいき課", clocks[2].clone());
    introduce(&mut l.vault, &mut b.vault, true);
    introduce(&mut l.vault, &mut c.vault, true);
    sync(&mut b.vault, &mut l.vault);
    sync(&mut c.vault, &mut l.vault);
    let (ba, ca) = (agency_id(&b.vault), agency_id(&c.vault));
    let v = &mut l.vault;
    let h1 = household(v, "高橋家", "鎌倉市大町2-3-4");
    person(v, h1, "高橋", "ハル", "たかはし", "はる", "1940-02-03", "本人");
    let first = case(v, h1, "8050");
    let h2 = household(v, "青木家", "鎌倉市大船1-2-3");
    person(v, h2, "青木", "誠", "あおき", "まこと", "1960-05-01", "本人");
    let second = case(v, h2, "困窮");
    let meeting = v
        .new_meeting(NewMeeting {
            kind: "shien-kaigi".into(),
            series: None,
            date: day("2026-11-27"),
            time: Some("14:00".into()),
            place: "本庁舎 第3会議室".into(),
            chair: None,
            attendees: vec![agency_id(v), ba, ca],
        })
        .unwrap();
    Town {
        l,
        b,
        c,
        clocks,
        meeting,
        first,
        second,
    }
}

fn set_all(t: &Town, at: &str) {
    for c in &t.clocks {
        c.set(at.parse().unwrap());
    }
}

#[test]
fn a_case_goes_only_to_the_attendees_chosen_and_ends_the_set_days_after_the_meeting() {
    let mut t = town();
    let (ba, ca) = (agency_id(&t.b.vault), agency_id(&t.c.vault));
    assert_eq!(
        t.l.vault.meeting_disclosure_days().unwrap(),
        30,
        "30 days unless the city sets another"
    );
    let e = t.l.vault.set_meeting_disclosure_days(0).unwrap_err();
    assert!(
        e.message_ja().contains("365"),
        "a period of no days is refused: {}",
        e.message_ja()
    );
    t.l.vault.set_meeting_disclosure_days(14).unwrap();

    // The first case to B alone, the second to both.
    let outsider = t.l.vault.add_agency("民間の居場所", None).unwrap();
    let e =
        t.l.vault
            .add_to_agenda_disclosing(
                t.meeting,
                t.first,
                None,
                vec![],
                None,
                Disclose {
                    to: Some(&[outsider]),
                    progress_notes: false,
                },
            )
            .unwrap_err();
    assert!(
        e.message_ja().contains("出席機関ではない"),
        "only an attendee can be given a case for the meeting: {}",
        e.message_ja()
    );
    t.l.vault
        .add_to_agenda_disclosing(
            t.meeting,
            t.first,
            None,
            vec![],
            None,
            Disclose {
                to: Some(&[ba]),
                progress_notes: false,
            },
        )
        .unwrap();
    t.l.vault
        .add_to_agenda(t.meeting, t.second, None, vec![], None)
        .unwrap();
    let shares = t.l.vault.shares_of(t.first).unwrap();
    assert_eq!(shares.len(), 1, "C was not chosen for the first case: {shares:?}");
    assert_eq!(shares[0].agency, ba);
    assert_eq!(
        shares[0].meeting,
        Some(t.meeting),
        "the share names the meeting it was for"
    );
    assert_eq!(shares[0].until, Some(day("2026-12-11")), "14 days after 2026-11-27");
    let detail = t.l.vault.meeting_detail(t.meeting).unwrap();
    let withheld: Vec<Vec<Uuid>> = detail.agenda.iter().map(|e| e.withheld_from.clone()).collect();
    assert_eq!(
        withheld,
        vec![vec![ca], vec![]],
        "the agenda says whom each case was not disclosed to"
    );

    sync(&mut t.l.vault, &mut t.b.vault);
    sync(&mut t.l.vault, &mut t.c.vault);
    assert!(t.b.vault.case_detail(t.first).is_ok(), "B was given the first case");
    assert!(t.c.vault.case_detail(t.first).is_err(), "C was not");
    assert!(t.c.vault.case_detail(t.second).is_ok(), "C was given the second case");
    // C sends nothing back: L still asks it to purge when the disclosure ends.

    let printed = t.l.vault.print_disclosure_ledger(t.first, 1).unwrap();
    assert!(
        printed.contains("会議のための提供：令和8年12月11日まで"),
        "the printed ledger says until when the meeting's disclosure lasts"
    );

    // Within the period B writes on the case, and L applies it.
    t.b.vault
        .add_note(NewNote {
            case: t.first,
            kind: NoteKind::Phone,
            text: "会議前に本人と電話".into(),
            date: None,
            internal: false,
            outreach: None,
        })
        .unwrap();
    let s = sync(&mut t.b.vault, &mut t.l.vault);
    assert!(s.held.is_empty(), "a note in the period stands: {s:?}");

    // The day after the last day. B's PC, opened again, erases its copies without waiting for L.
    set_all(&t, "2026-12-12T01:00:00Z");
    drop(t.b.vault);
    let mut b = reopen(&t.b.path, t.clocks[1].clone(), 1412);
    assert!(
        b.case_detail(t.first).is_err(),
        "B's own vault ends its access on the day after the last day"
    );
    assert!(b.case_detail(t.second).is_err(), "both disclosures ran out");
    assert!(
        b.households(&Default::default()).unwrap().is_empty(),
        "with no case left there, the households go too"
    );

    // L's next bundle to C ends the shares and asks for the purge.
    let bundle = bundle_for(&mut t.l.vault, &t.c.vault, false);
    let shares = t.l.vault.shares_of(t.second).unwrap();
    assert!(
        shares.iter().all(|s| !s.active),
        "L ended every share of the meeting: {shares:?}"
    );
    assert!(
        shares.iter().all(|s| s
            .removed_reason
            .as_deref()
            .is_some_and(|r| r.contains("情報提供の期間終了"))),
        "and says why: {shares:?}"
    );
    let s = deliver(&mut t.c.vault, &bundle).unwrap();
    assert!(
        s.purged.contains(&format!("case:{}", t.second)),
        "C purges at L's request: {s:?}"
    );
    assert!(t.c.vault.case_detail(t.second).is_err());

    // The ledger says when each disclosure was to end and when it did.
    let ledger = t.l.vault.disclosure_ledger(t.first).unwrap();
    let shared = ledger
        .iter()
        .find(|d| d.agency == ba && d.what == kasane::DisclosureKind::CaseRecords)
        .expect("B's disclosure is on the ledger");
    assert_eq!(shared.meeting, Some(t.meeting));
    assert_eq!(shared.last_day, Some(day("2026-12-11")));
    assert!(
        shared.without_progress_notes,
        "the ledger says the progress notes stayed out"
    );
    assert_eq!(
        shared.until,
        Some(day("2026-12-12")),
        "ended the day L noticed: {shared:?}"
    );
    assert!(
        !ledger
            .iter()
            .any(|d| d.agency == ca && d.what == kasane::DisclosureKind::CaseRecords)
    );

    // Nothing left to end: the next run does nothing.
    let again = t.l.vault.end_lapsed_shares().unwrap();
    assert!(again.ended.is_empty() && again.purged.is_empty(), "{again:?}");
    drop(b);
}

#[test]
fn the_meeting_record_can_decide_a_lasting_share_on_a_basis_of_its_own() {
    let mut t = town();
    let (ba, ca) = (agency_id(&t.b.vault), agency_id(&t.c.vault));
    t.l.vault.add_to_agenda(t.meeting, t.first, None, vec![], None).unwrap();
    let outsider = t.l.vault.add_agency("民間の居場所", None).unwrap();
    let refused = t.l.vault.record_item(
        t.meeting,
        t.first,
        ItemRecord {
            lasting: Some(LastingShare {
                agencies: vec![outsider],
                basis: Basis::ShienKaigi,
            }),
            ..Default::default()
        },
    );
    assert!(refused.is_err(), "only an attendee can keep the case");
    t.l.vault
        .record_item(
            t.meeting,
            t.first,
            ItemRecord {
                decisions: vec!["生活福祉課が家計相談を担当".into()],
                lasting: Some(LastingShare {
                    agencies: vec![ba],
                    basis: Basis::ShienKaigi,
                }),
                ..Default::default()
            },
        )
        .unwrap();
    let d = t.l.vault.meeting_detail(t.meeting).unwrap();
    let decisions = &d.agenda[0].item.decisions;
    assert!(
        decisions
            .iter()
            .any(|x| x.contains("会議の後も共有を続ける") && x.contains("生活福祉課")),
        "the record says who keeps the case and on which basis: {decisions:?}"
    );
    let shares = t.l.vault.shares_of(t.first).unwrap();
    let b_share = shares.iter().find(|s| s.agency == ba).unwrap();
    assert_eq!(b_share.until, None, "B's share lasts");
    assert_eq!(
        shares.iter().find(|s| s.agency == ca).and_then(|s| s.until),
        Some(day("2026-12-27")),
        "C's disclosure still ends 30 days after the meeting"
    );

    let s = sync(&mut t.l.vault, &mut t.b.vault);
    assert!(
        s.held.is_empty(),
        "a share made lasting (a change of an existing share) stands at the partner: {s:?}"
    );
    sync(&mut t.l.vault, &mut t.c.vault);
    sync(&mut t.c.vault, &mut t.l.vault);
    assert!(t.c.vault.case_detail(t.first).is_ok(), "C has the case for the meeting");
    assert!(
        t.b.vault.case_detail(t.first).is_ok(),
        "B has the case: {:?}",
        t.b.vault.shares_of(t.first)
    );
    set_all(&t, "2026-12-28T01:00:00Z");
    sync(&mut t.l.vault, &mut t.b.vault);
    let s = sync(&mut t.l.vault, &mut t.c.vault);
    let kept = t.b.vault.case_detail(t.first);
    assert!(
        kept.is_ok(),
        "the lasting share stands after the period: {:?} {:?}",
        kept.err(),
        t.b.vault.shares_of(t.first)
    );
    assert!(t.c.vault.case_detail(t.first).is_err(), "C's copy is purged: {s:?}");
}

#[test]
fn a_partner_writing_after_its_disclosure_ended_is_refused_and_stays_refused_on_rebuild() {
    let mut t = town();
    t.l.vault.add_to_agenda(t.meeting, t.first, None, vec![], None).unwrap();
    sync(&mut t.l.vault, &mut t.b.vault);
    // B's modified build keeps the case past the period and writes on it: its clock reads a
    // day after the last day when it writes, and it skips erasing its copy before sending.
    t.clocks[1].set("2026-12-28T01:00:00Z".parse().unwrap());
    t.b.vault
        .add_note(NewNote {
            case: t.first,
            kind: NoteKind::Phone,
            text: "期間後の記録".into(),
            date: None,
            internal: false,
            outreach: None,
        })
        .unwrap();
    t.clocks[1].set("2026-12-20T01:00:00Z".parse().unwrap());
    let bundle = bundle_for(&mut t.b.vault, &t.l.vault, false);
    t.clocks[0].set("2026-12-28T01:00:00Z".parse().unwrap());
    let s = deliver(&mut t.l.vault, &bundle).unwrap();
    assert_eq!(
        s.held.get("disclosure-ended"),
        Some(&1),
        "what B wrote after its access ended is held at L: {s:?}"
    );
    let notes = t.l.vault.case_detail(t.first).unwrap().notes;
    assert!(
        !notes.iter().any(|n| n.text == "期間後の記録"),
        "and not applied: {notes:?}"
    );
    let digest = t.l.vault.digest().unwrap();
    t.l.vault.rebuild_state().unwrap();
    assert_eq!(digest, t.l.vault.digest().unwrap(), "a rebuild judges the same");
}

fn note_texts(v: &mut Vault, case: Uuid) -> Vec<String> {
    v.notes_of(case).unwrap().into_iter().map(|n| n.text).collect()
}

#[test]
fn the_progress_notes_go_to_a_meeting_only_when_the_lead_includes_them() {
    let mut t = town();
    let ba = agency_id(&t.b.vault);
    add_visit_note(&mut t.l.vault, t.first, "訪問：長男と面会できず");
    add_visit_note(&mut t.l.vault, t.second, "電話：家計の相談");
    // The first case as the meeting needs it by default: no progress notes. The second with them.
    t.l.vault.add_to_agenda(t.meeting, t.first, None, vec![], None).unwrap();
    t.l.vault
        .add_to_agenda_disclosing(
            t.meeting,
            t.second,
            None,
            vec![],
            None,
            Disclose {
                to: None,
                progress_notes: true,
            },
        )
        .unwrap();
    let s = t.l.vault.shares_of(t.first).unwrap();
    assert!(s.iter().all(|s| s.progress_notes == Some(false)), "{s:?}");
    sync(&mut t.l.vault, &mut t.b.vault);
    sync(&mut t.l.vault, &mut t.c.vault);
    assert!(t.b.vault.case_detail(t.first).is_ok(), "B has the first case");
    assert!(
        note_texts(&mut t.b.vault, t.first).is_empty(),
        "but not its progress notes: the lead left them out"
    );
    assert_eq!(
        note_texts(&mut t.b.vault, t.second),
        vec!["電話：家計の相談".to_string()],
        "the second case's notes went with it"
    );

    // B writes on the first case: L, which leads it, sees the entry; C, whose disclosure left
    // the notes out, does not receive it.
    add_visit_note(&mut t.b.vault, t.first, "生活福祉課：家計の聞き取り");
    let s = sync(&mut t.b.vault, &mut t.l.vault);
    assert!(s.held.is_empty(), "an attendee may write what it cannot read: {s:?}");
    assert!(note_texts(&mut t.l.vault, t.first).contains(&"生活福祉課：家計の聞き取り".to_string()));
    sync(&mut t.l.vault, &mut t.c.vault);
    assert!(
        note_texts(&mut t.c.vault, t.first).is_empty(),
        "C gets no progress notes of it"
    );

    // The meeting decides B keeps the case: a lasting share carries the notes too.
    t.l.vault
        .record_item(
            t.meeting,
            t.first,
            ItemRecord {
                lasting: Some(LastingShare {
                    agencies: vec![ba],
                    basis: Basis::ShienKaigi,
                }),
                ..Default::default()
            },
        )
        .unwrap();
    sync(&mut t.l.vault, &mut t.b.vault);
    let notes = note_texts(&mut t.b.vault, t.first);
    assert!(
        notes.contains(&"訪問：長男と面会できず".to_string()),
        "with a lasting share B reads the notes: {notes:?}"
    );
    let digest = t.b.vault.digest().unwrap();
    t.b.vault.rebuild_state().unwrap();
    assert_eq!(digest, t.b.vault.digest().unwrap(), "a rebuild judges the same");
}
