//! Conference rosters (構成員名簿): who may attend a meeting whose law frees sharing without
//! consent, and who may be shared a case under that law — locally, on import from a partner that
//! follows a roster of its own making, and again after the state is rebuilt from the log.

use kasane::{Basis, NewMeeting, NewRosterEntry, OpKind, Scope, Vault, parse_date};
use serde_json::json;
use uuid::Uuid;

use crate::support::*;

fn day(s: &str) -> kasane::Date {
    parse_date(s).unwrap()
}

fn new_meeting(v: &mut Vault, kind: &str, date: &str, attendees: Vec<Uuid>) -> Result<Uuid, kasane::Error> {
    v.new_meeting(NewMeeting {
        kind: kind.into(),
        series: None,
        date: day(date),
        time: Some("14:00".into()),
        place: "本庁舎 第3会議室".into(),
        chair: None,
        attendees,
    })
    .map_err(Into::into)
}

fn member(v: &mut Vault, conference: &str, agency: Uuid, from: &str, to: Option<&str>) -> Result<Uuid, kasane::Error> {
    v.add_roster_entry(NewRosterEntry {
        conference: conference.into(),
        agency,
        from: day(from),
        to: to.map(day),
        charter: "鎌倉市支援会議設置要綱".into(),
    })
    .map_err(Into::into)
}

#[test]
fn a_roster_decides_who_attends_and_who_is_shared_under_its_law() {
    let mut t = new_vault(1201);
    let v = &mut t.vault;
    let p = v.add_agency("生活福祉課", Some("seikatsu-fukushi")).unwrap();
    let q = v.add_agency("民間の居場所", None).unwrap();
    let hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    let case = case(v, hh, "8050");

    // Before the city enters a roster its meetings are unchecked (an upgraded vault keeps working).
    new_meeting(v, "shien-kaigi", "2026-12-10", vec![q]).expect("no roster entered yet: unchecked");

    member(v, "shien-kaigi", p, "2026-04-01", Some("2026-12-31")).unwrap();
    let e = new_meeting(v, "shien-kaigi", "2026-12-10", vec![p, q]).unwrap_err();
    assert_eq!(e.code(), "meeting.not-on-roster", "{e}");
    assert!(
        e.message_ja().contains("民間の居場所") && e.message_ja().contains("構成員名簿"),
        "the refusal names the agency and the roster: {}",
        e.message_ja()
    );
    assert!(
        !e.message_ja().contains("生活福祉課"),
        "only the agency off the roster is named: {}",
        e.message_ja()
    );
    new_meeting(v, "shien-kaigi", "2026-12-10", vec![p]).expect("a member attends");
    let e = new_meeting(v, "shien-kaigi", "2027-01-15", vec![p]).unwrap_err();
    assert_eq!(
        e.code(),
        "meeting.not-on-roster",
        "membership ends on its last day: {e}"
    );
    // Another conference's roster is not entered yet; a consent-based one never needs one.
    new_meeting(v, "chiiki-care-kaigi", "2026-12-10", vec![q]).expect("no 地域ケア会議 roster yet");
    new_meeting(v, "jusoteki-shien-kaigi", "2026-12-10", vec![q]).expect("consent decides, not a roster");

    let e = kasane::Error::from(v.share_case(case, q, Some(Basis::ShienKaigi)).unwrap_err());
    assert_eq!(e.code(), "share.not-on-roster", "{e}");
    v.share_case(case, p, Some(Basis::ShienKaigi))
        .expect("a member is shared the case under §106-6");
    assert!(
        v.shares_of(case).unwrap().iter().all(|s| s.agency != q),
        "the refused share left nothing behind"
    );

    // Overlaps, reversed periods and unknown conferences are refused; nothing is written.
    let before = op_count(v);
    let e = member(v, "shien-kaigi", p, "2026-10-01", None).unwrap_err();
    assert_eq!(e.code(), "refused", "a second membership overlapping the first: {e}");
    let e = member(v, "shien-kaigi", q, "2026-10-01", Some("2026-09-01")).unwrap_err();
    assert_eq!(e.code(), "input.inconsistent", "{e}");
    let e = member(v, "jusoteki-shien-kaigi", q, "2026-10-01", None).unwrap_err();
    assert_eq!(
        e.code(),
        "input.bad-choice",
        "a consent-based meeting keeps no roster: {e}"
    );
    assert_eq!(op_count(v), before, "refused roster entries write nothing");

    // Ending a membership early keeps what was shared while it lasted explained.
    let entry = v.rosters().unwrap()[0].id;
    v.end_roster_entry(entry, day("2026-11-30")).unwrap();
    let e = new_meeting(v, "shien-kaigi", "2026-12-10", vec![p]).unwrap_err();
    assert_eq!(e.code(), "meeting.not-on-roster", "{e}");
    let e = kasane::Error::from(v.end_roster_entry(entry, day("2026-01-01")).unwrap_err());
    assert_eq!(e.code(), "input.inconsistent", "a last day before the start: {e}");
    let r = v.rosters().unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].to, Some(day("2026-11-30")));
}

/// 福祉総務課 (L) keeps the city's rosters; 生活福祉課 (P) runs a build that follows a roster of
/// its own making, listing a private agency (Q) that is on no roster of the city's.
struct City {
    l: TestVault,
    p: TestVault,
    q: Uuid,
}

fn city() -> City {
    let mut l = agency_vault(1211, "福祉総務課", clock());
    let mut p = agency_vault(1212, "生活福祉課", clock());
    introduce(&mut l.vault, &mut p.vault, true);
    let (la, pa) = (agency_id(&l.vault), agency_id(&p.vault));
    member(&mut l.vault, "shien-kaigi", la, "2026-04-01", None).unwrap();
    member(&mut l.vault, "shien-kaigi", pa, "2026-04-01", None).unwrap();
    // Q is known to both (its directory entry travels), a member of neither roster of L's.
    let q = p.vault.add_agency("民間の居場所", None).unwrap();
    sync(&mut p.vault, &mut l.vault);
    sync(&mut l.vault, &mut p.vault);
    City { l, p, q }
}

#[test]
fn a_partner_following_its_own_roster_cannot_invite_or_share_off_the_city_s() {
    let mut c = city();
    let (la, pa, q) = (agency_id(&c.l.vault), agency_id(&c.p.vault), c.q);
    // P is its own keeper (it never designated L), so its own entry for Q counts in P's vault.
    assert_eq!(c.p.vault.roster_keeper().unwrap(), pa);
    member(&mut c.p.vault, "shien-kaigi", q, "2026-04-01", None).unwrap();
    member(&mut c.p.vault, "shien-kaigi", la, "2026-04-01", None).unwrap();
    // A meeting P coordinates, inviting L and Q; and a case P leads, shared with L and Q.
    let meeting = new_meeting(&mut c.p.vault, "shien-kaigi", "2026-12-10", vec![la, q]).unwrap();
    let hh = household(&mut c.p.vault, "佐藤家", "鎌倉市腰越1-2-3");
    let case = case(&mut c.p.vault, hh, "家計の困りごと");
    c.p.vault.share_case(case, la, Some(Basis::ShienKaigi)).unwrap();
    c.p.vault.share_case(case, q, Some(Basis::ShienKaigi)).unwrap();
    // And an entry that claims L wrote it, putting Q on L's roster.
    let scope = Scope::Directory;
    let seq = kasane::testing::next_seq(&c.p.vault, scope).unwrap();
    let forged = kasane::testing::record_id(scope, c.p.vault.identity().site, seq);
    kasane::testing::craft_op(
        &mut c.p.vault,
        scope,
        OpKind::Create,
        "roster-entry",
        forged,
        None,
        &mut |_| {},
        json!({"conference": "shien-kaigi", "agency": q, "from": "2026-04-01", "charter": "偽の要綱", "keeper": la})
            .to_string()
            .into_bytes(),
    )
    .unwrap();

    let s = sync(&mut c.p.vault, &mut c.l.vault);
    assert_eq!(
        s.held.get("not-on-roster"),
        Some(&2),
        "the meeting inviting Q and the share to Q are held: {s:?}"
    );
    assert_eq!(
        s.held.get("not-signer"),
        Some(&1),
        "the entry in L's name is held: {s:?}"
    );
    let roster = c.l.vault.rosters().unwrap();
    assert!(
        roster.iter().all(|e| e.agency != q),
        "neither P's own entry for Q nor the forged one counts on L's roster: {roster:?}"
    );
    assert!(
        c.l.vault.meeting(meeting).is_err(),
        "a meeting inviting an agency off the roster does not exist at L"
    );
    let shares = c.l.vault.shares_of(case).unwrap();
    assert!(
        shares.iter().any(|s| s.agency == la && s.active),
        "the share to L, a member, stands: {shares:?}"
    );
    assert!(
        !shares.iter().any(|s| s.agency == q),
        "the share to Q is held, so L never counts Q among those who see the case: {shares:?}"
    );
    let digest = c.l.vault.digest().unwrap();
    c.l.vault.rebuild_state().unwrap();
    assert_eq!(
        digest,
        c.l.vault.digest().unwrap(),
        "rebuilding from the log judges with the same rosters: nothing held comes back"
    );

    // When the city puts Q on its roster, what waited for it takes effect.
    member(&mut c.l.vault, "shien-kaigi", q, "2026-04-01", None).unwrap();
    assert!(
        c.l.vault.meeting(meeting).is_ok(),
        "the meeting is released once every attendee is on the roster"
    );
    assert!(
        c.l.vault
            .shares_of(case)
            .unwrap()
            .iter()
            .any(|s| s.agency == q && s.active),
        "the share to Q is released too"
    );
    let held: Vec<String> = kasane::testing::held_ops(&c.l.vault)
        .unwrap()
        .into_iter()
        .map(|(_, why)| why)
        .collect();
    assert!(!held.contains(&"not-on-roster".to_string()), "{held:?}");
    let digest = c.l.vault.digest().unwrap();
    c.l.vault.rebuild_state().unwrap();
    assert_eq!(
        digest,
        c.l.vault.digest().unwrap(),
        "released ops stay applied on rebuild"
    );
}

#[test]
fn a_roster_travels_to_partners_and_counts_where_its_keeper_is_designated() {
    let mut l = agency_vault(1221, "福祉総務課", clock());
    let mut p = agency_vault(1222, "生活福祉課", clock());
    let mut t = agency_vault(1223, "高齢者いきいき課", clock());
    introduce(&mut l.vault, &mut p.vault, true);
    introduce(&mut l.vault, &mut t.vault, false);
    let (la, pa) = (agency_id(&l.vault), agency_id(&p.vault));
    member(&mut l.vault, "shien-kaigi", pa, "2026-04-01", None).unwrap();
    member(&mut l.vault, "shien-kaigi", la, "2026-04-01", None).unwrap();
    sync(&mut l.vault, &mut p.vault);
    assert!(
        p.vault.rosters().unwrap().is_empty(),
        "P follows its own rosters until it designates L"
    );
    let e = kasane::Error::from(t.vault.designate_roster_keeper(la).unwrap_err());
    assert_eq!(
        e.code(),
        "refused",
        "an agency known only from an unverified card cannot keep T's rosters: {e}"
    );
    assert_eq!(t.vault.roster_keeper().unwrap(), agency_id(&t.vault), "nothing changed");

    p.vault.designate_roster_keeper(la).unwrap();
    assert_eq!(p.vault.roster_keeper().unwrap(), la);
    let r = p.vault.rosters().unwrap();
    assert_eq!(r.len(), 2, "L's entries count at P now: {r:?}");
    assert!(
        r.iter()
            .all(|e| e.keeper == la && e.charter == "鎌倉市支援会議設置要綱")
    );
    // P no longer writes rosters itself, and its meetings keep to L's roster.
    let e = member(&mut p.vault, "shien-kaigi", pa, "2026-04-01", None).unwrap_err();
    assert_eq!(e.code(), "refused", "{e}");
    assert!(
        e.message_ja().contains("福祉総務課"),
        "names the keeper: {}",
        e.message_ja()
    );
    let outsider = p.vault.add_agency("民間の居場所", None).unwrap();
    let e = new_meeting(&mut p.vault, "shien-kaigi", "2026-12-10", vec![la, outsider]).unwrap_err();
    assert_eq!(e.code(), "meeting.not-on-roster", "{e}");
    new_meeting(&mut p.vault, "shien-kaigi", "2026-12-10", vec![la]).expect("L is on L's roster");
}

/// A membership ended on an earlier day takes back what was shared under the roster after it:
/// the share applied before is held now, exactly as a rebuild from the log holds it.
#[test]
fn a_membership_ended_retroactively_holds_the_shares_after_it_as_a_rebuild_would() {
    let mut c = city();
    let la = agency_id(&c.l.vault);
    let hh = household(&mut c.p.vault, "高橋家", "鎌倉市大町2-3-4");
    let case = case(&mut c.p.vault, hh, "8050");
    c.p.vault
        .share_case(case, la, Some(Basis::ShienKaigi))
        .expect("L is on the city's roster");
    let s = sync(&mut c.p.vault, &mut c.l.vault);
    assert!(s.held.is_empty(), "{s:?}");
    assert!(c.l.vault.case_detail(case).is_ok(), "L has the case");

    // The keeper finds that L's membership had ended on 2026-11-01, before the share began.
    let entry =
        c.l.vault
            .rosters()
            .unwrap()
            .into_iter()
            .find(|e| e.agency == la && e.conference == "shien-kaigi")
            .expect("L's entry")
            .id;
    c.l.vault.end_roster_entry(entry, day("2026-11-01")).unwrap();
    assert!(
        kasane::testing::held_ops(&c.l.vault)
            .unwrap()
            .iter()
            .any(|(_, why)| why == "not-on-roster"),
        "the share after the membership ended is held now"
    );
    assert!(c.l.vault.case_detail(case).is_err(), "and L no longer has the case");
    let digest = c.l.vault.digest().unwrap();
    c.l.vault.rebuild_state().unwrap();
    assert_eq!(digest, c.l.vault.digest().unwrap(), "a rebuild judges the same");
}
