//! Disclosure requests (開示請求): every record about one person, with judgement and third parties'
//! information marked for the reviewer — what is marked and why, what another household's member
//! gets (none of it), the printout and the JSON file, what a partner holding a shared copy holds
//! (and, once the case is unshared, nothing), and the refusals.

use kasane::{
    CaseUpdate, ConsentGiver, GoalTerm, IntakeRoute, ItemKind, Kind, MarkKind, NewAction, NewAssessmentEntry,
    NewIntake, NewNote, NewPlanVersion, NoteKind, PersonRecords, RequestField, RequestItem, Risk, SectionKind, Vault,
    Visitor,
};
use uuid::Uuid;

use crate::support::*;

/// 高橋家: ハル (本人) and her son 一郎, one case with an intake told by her daughter, entries
/// about each of them and about the household, a plan with an action her son carries, her consent
/// given by her guardian, notes shared and internal. 佐藤家: 花子 alone, whose case's note names ハル.
struct Town {
    tv: TestVault,
    haru: Uuid,
    ichiro: Uuid,
    hanako: Uuid,
    case: Uuid,
    internal_note: Uuid,
    sato_note: Uuid,
}

fn town(seed: u64) -> Town {
    let mut tv = new_vault(seed);
    let v = &mut tv.vault;
    let me = v.identity().agency;
    let hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    let haru = person(v, hh, "髙橋", "ハル", "タカハシ", "ハル", "S15.3.2", "本人");
    let ichiro = person(v, hh, "髙橋", "一郎", "タカハシ", "イチロウ", "S45", "長男");
    let c = case(v, hh, "母の認知症と長男のひきこもり");
    v.update_case(
        c,
        CaseUpdate {
            risk: Some(Some(Risk::High)),
            key_person: Some(Some(haru)),
            ..CaseUpdate::default()
        },
    )
    .unwrap();
    v.record_intake(
        c,
        NewIntake {
            date: None,
            time: Some("9:30".into()),
            received_by: "山田".into(),
            route: IntakeRoute::Community,
            referrer: Some("大町地区の民生委員".into()),
            visitor: Visitor::Family,
            visitor_name: Some("長女".into()),
            complaint: "「母が薬を飲み忘れる。兄は部屋から出てこない」".into(),
            situation: Some("母（80代）と長男（50代）の二人暮らし".into()),
            consent: None,
        },
    )
    .unwrap();
    let entry = |domain: &str, person: Option<Uuid>, seen: &str, judgement: Option<&str>| NewAssessmentEntry {
        case: c,
        domain: domain.into(),
        person,
        seen: seen.into(),
        judgement: judgement.map(str::to_string),
        strengths: None,
        needs: Some("服薬の見守り".into()).filter(|_| person == Some(haru)),
        risk: None,
        no_contact: false,
        date: None,
    };
    v.add_assessment(entry(
        "health",
        Some(haru),
        "薬の飲み忘れが週に数回ある",
        Some("認知症の進行が疑われる"),
    ))
    .unwrap();
    v.add_assessment(entry(
        "daily-life",
        Some(ichiro),
        "長男は日中も自室にいる",
        Some("長期のひきこもりで、母の介護を担えていない"),
    ))
    .unwrap();
    v.add_assessment(entry("household", None, "年金で二人が暮らしている", None))
        .unwrap();
    v.set_formulation(
        c,
        "母の認知症と長男の孤立が重なっている",
        "母の受診と長男の居場所づくり",
        None,
    )
    .unwrap();
    v.new_plan_version(
        c,
        NewPlanVersion {
            to: Some(kasane::parse_date("2027-05-31").unwrap()),
            ..NewPlanVersion::default()
        },
    )
    .unwrap();
    let goal = v.add_goal(c, "母が月1回受診できる", Some(GoalTerm::Short)).unwrap();
    v.add_action(NewAction {
        case: c,
        goal: Some(goal),
        text: "受診に付き添う".into(),
        owner_agency: me,
        owner_worker: None,
        key_person: None,
        owner_person: Some(ichiro),
        frequency: Some("月1回".into()),
        due: None,
        meeting: None,
        tags: Vec::new(),
    })
    .unwrap();
    let mut by_guardian = consent(haru, vec![me], "2026-11-20");
    by_guardian.given_by = ConsentGiver::Guardian;
    by_guardian.giver_name = Some("髙橋 次郎".into());
    by_guardian.giver_relation = Some("成年後見人（弟）".into());
    v.add_consent(by_guardian).unwrap();
    v.add_consent(consent(ichiro, vec![me], "2026-11-21")).unwrap();
    let note = |v: &mut Vault, case: Uuid, text: &str, internal: bool| {
        v.add_note(NewNote {
            case,
            kind: NoteKind::Visit,
            text: text.into(),
            date: None,
            internal,
            outreach: None,
        })
        .unwrap()
    };
    note(v, c, "自宅を訪問。母は穏やかだった。", false);
    let internal_note = note(v, c, "長女から兄について相談の電話があった。", true);

    let sato = household(v, "佐藤家", "鎌倉市材木座1-1-1");
    let hanako = person(v, sato, "佐藤", "花子", "サトウ", "ハナコ", "S20", "本人");
    let sc = case(v, sato, "独居高齢者の見守り");
    let sato_note = note(v, sc, "近所の髙橋 ハルさんが時々様子を見に来ている。", false);
    Town {
        tv,
        haru,
        ichiro,
        hanako,
        case: c,
        internal_note,
        sato_note,
    }
}

fn items(r: &PersonRecords, kind: ItemKind) -> Vec<&RequestItem> {
    r.sections
        .iter()
        .flat_map(|s| &s.items)
        .filter(|i| i.kind == kind)
        .collect()
}

fn field<'a>(it: &'a RequestItem, key: &str) -> &'a RequestField {
    it.fields
        .iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| panic!("{:?} has a field {key}: {it:?}", it.kind))
}

fn kinds(marks: &[kasane::ReviewMark]) -> Vec<MarkKind> {
    marks.iter().map(|m| m.kind).collect()
}

/// Every record of the household's case is there, and what the reviewer may withhold is marked
/// with its reason: judgement by the engine's own list of judgement fields, third parties'
/// information where the records say whose it is, free text about a household of two as possibly
/// theirs.
#[test]
fn the_records_about_a_person_mark_judgement_and_third_parties_for_the_reviewer() {
    let mut t = town(4101);
    let v = &mut t.tv.vault;
    let r = v.records_about(t.haru).unwrap();
    assert_eq!(r.person.id, t.haru);
    assert_eq!(r.format, kasane::PERSON_RECORDS_FORMAT);
    assert_eq!((r.cases, r.agency_name.as_str()), (1, "福祉総務課"));
    let sections: Vec<SectionKind> = r.sections.iter().map(|s| s.kind).collect();
    assert_eq!(
        sections,
        [
            SectionKind::Person,
            SectionKind::Household,
            SectionKind::Consents,
            SectionKind::Case,
            SectionKind::Elsewhere
        ]
    );

    let me = items(&r, ItemKind::Person)[0];
    assert_eq!(field(me, "name").value, "髙橋 ハル");
    assert!(field(me, "birth").value.contains("昭和15年3月2日"), "{me:?}");
    assert!(
        me.marks.is_empty() && me.fields.iter().all(|f| f.marks.is_empty()),
        "the person's own entry is theirs: {me:?}"
    );
    let son = items(&r, ItemKind::Member);
    assert_eq!(son.len(), 1, "the other member of the household is listed");
    assert_eq!(kinds(&son[0].marks), [MarkKind::ThirdParty]);
    assert!(son[0].marks[0].reason_ja.contains("髙橋 一郎"), "{:?}", son[0].marks);

    let consents = items(&r, ItemKind::Consent);
    assert_eq!(consents.len(), 1, "her own consent only, not her son's: {consents:?}");
    assert_eq!(kinds(&field(consents[0], "giver_name").marks), [MarkKind::ThirdParty]);
    assert_eq!(field(consents[0], "giver_name").value, "髙橋 次郎");

    let case = items(&r, ItemKind::Case)[0];
    assert_eq!(case.record, Some(t.case));
    assert_eq!(
        kinds(&field(case, "risk").marks),
        [MarkKind::Judgement],
        "緊急度 is judgement"
    );
    assert!(field(case, "held").value.contains("主担当機関として"), "{case:?}");
    assert!(
        field(case, "key_person").marks.is_empty(),
        "she is the key person herself"
    );

    let intake = items(&r, ItemKind::Intake)[0];
    let complaint = field(intake, "complaint");
    assert_eq!(kinds(&complaint.marks), [MarkKind::ThirdParty]);
    assert!(
        complaint.marks[0].reason_ja.contains("家族：長女"),
        "says who spoke: {:?}",
        complaint.marks
    );
    assert_eq!(kinds(&field(intake, "referrer").marks), [MarkKind::ThirdParty]);

    let entries = items(&r, ItemKind::Assessment);
    assert_eq!(entries.len(), 3);
    let hers = entries
        .iter()
        .find(|e| field(e, "about").value.contains("ハル"))
        .unwrap();
    assert!(hers.marks.is_empty(), "an entry about her: {hers:?}");
    assert!(field(hers, "seen").marks.is_empty(), "what was found about her is hers");
    for judged in ["judgement", "needs"] {
        assert_eq!(
            kinds(&field(hers, judged).marks),
            [MarkKind::Judgement],
            "{judged} is one of AssessmentEntry::JUDGEMENT_FIELDS"
        );
        assert!(kasane::AssessmentEntry::JUDGEMENT_FIELDS.contains(&judged));
    }
    let his = entries
        .iter()
        .find(|e| field(e, "about").value.contains("一郎"))
        .unwrap();
    assert_eq!(
        kinds(&his.marks),
        [MarkKind::ThirdParty],
        "an entry about her son: {his:?}"
    );
    assert!(
        his.marks[0].reason_ja.contains("長男・髙橋 一郎さん"),
        "{:?}",
        his.marks
    );
    assert_eq!(kinds(&field(his, "judgement").marks), [MarkKind::Judgement]);
    let whole = entries.iter().find(|e| field(e, "about").value == "世帯全体").unwrap();
    assert_eq!(
        kinds(&field(whole, "seen").marks),
        [MarkKind::PossiblyThirdParty],
        "facts about the household of two may be her son's"
    );

    let formulation = items(&r, ItemKind::Formulation)[0];
    assert!(kinds(&field(formulation, "view").marks).contains(&MarkKind::Judgement));
    assert!(
        !kinds(&field(formulation, "policy").marks).contains(&MarkKind::Judgement),
        "the policy is the agreed plan"
    );

    let action = items(&r, ItemKind::Action)[0];
    assert_eq!(field(action, "owner_person").value, "髙橋 一郎");
    assert_eq!(kinds(&field(action, "owner_person").marks), [MarkKind::ThirdParty]);
    assert_eq!(items(&r, ItemKind::Goal).len(), 1);
    assert_eq!(items(&r, ItemKind::Plan).len(), 1);

    let notes = items(&r, ItemKind::Note);
    assert_eq!(notes.len(), 2, "shared and internal entries alike");
    let internal = notes.iter().find(|n| n.record == Some(t.internal_note)).unwrap();
    assert!(
        internal.internal && internal.heading.contains("機関内メモ"),
        "{internal:?}"
    );
    assert!(notes.iter().filter(|n| !n.internal).count() == 1);
    assert_eq!(kinds(&field(internal, "text").marks), [MarkKind::PossiblyThirdParty]);

    let elsewhere = items(&r, ItemKind::Elsewhere);
    assert_eq!(
        elsewhere.len(),
        1,
        "the other household's note naming her: {elsewhere:?}"
    );
    assert_eq!(elsewhere[0].record, Some(t.sato_note));
    assert_eq!(kinds(&elsewhere[0].marks), [MarkKind::ThirdParty]);

    // 緊急度, her entry's 見立て and ニーズ, her son's entry's 見立て, the overall 見立て.
    assert_eq!(r.counts.judgement, 5, "{:?}", r.counts);
    assert!(r.counts.third_party >= 6, "{:?}", r.counts);
    assert!(r.counts.possibly_third_party >= 3, "{:?}", r.counts);

    let trail = v.audit_trail().unwrap();
    let viewed: Vec<_> = trail.iter().filter(|e| e.action == "person.records.view").collect();
    assert_eq!(viewed.len(), 1, "one view, not one per record read");
    assert_eq!(viewed[0].target.as_deref(), Some(t.haru.to_string().as_str()));
    assert_eq!(kasane::AuditKind::of("person.records.view"), kasane::AuditKind::View);
}

/// Another household's member gets nothing of 高橋家's, and a person alone in a household has no
/// free text marked as possibly someone else's.
#[test]
fn a_person_of_another_household_gets_none_of_it() {
    let mut t = town(4111);
    let haru = t.tv.vault.records_about(t.haru).unwrap();
    let theirs: Vec<Uuid> = haru
        .sections
        .iter()
        .filter(|s| s.kind != SectionKind::Elsewhere)
        .flat_map(|s| &s.items)
        .filter_map(|i| i.record)
        .collect();
    let r = t.tv.vault.records_about(t.hanako).unwrap();
    assert_eq!(r.cases, 1);
    assert_eq!(r.household.label, "佐藤家");
    let hers: Vec<Uuid> = r
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| i.record)
        .collect();
    for id in &theirs {
        assert!(!hers.contains(id), "高橋家's record {id} is not in 花子's records");
    }
    let text = serde_json::to_string(&r).unwrap();
    for word in ["一郎", "長女", "認知症", "高橋家"] {
        assert!(!text.contains(word), "{word} appears nowhere in 花子's records");
    }
    // Her own case's note names ハル: it is hers to ask for, and only reading it tells that it
    // holds someone else's information — which the printout asks the reviewer to do.
    let named = items(&r, ItemKind::Note);
    assert_eq!(named.len(), 1);
    assert_eq!(named[0].record, Some(t.sato_note));
    assert!(field(named[0], "text").value.contains("ハル"));
    assert!(items(&r, ItemKind::Member).is_empty());
    assert_eq!(r.counts.possibly_third_party, 0, "she lives alone: {:?}", r.counts);
    let ichiro = t.tv.vault.records_about(t.ichiro).unwrap();
    let consents = items(&ichiro, ItemKind::Consent);
    assert_eq!(consents.len(), 1, "his own consent");
    let entries = items(&ichiro, ItemKind::Assessment);
    let about_mother = entries
        .iter()
        .find(|e| field(e, "about").value.contains("ハル"))
        .unwrap();
    assert_eq!(
        kinds(&about_mother.marks),
        [MarkKind::ThirdParty],
        "for her son, the entry about his mother is hers"
    );
    let intake = items(&ichiro, ItemKind::Intake)[0];
    assert_eq!(kinds(&field(intake, "complaint").marks), [MarkKind::ThirdParty]);
}

/// On paper: A4, 取扱注意, the person, every section, and the marks boxed and labelled with
/// their reasons; names are text, never markup. The JSON file says the same with its format tag.
/// Both are logged as printouts.
#[test]
fn the_printout_and_the_json_file_carry_the_marks() {
    let mut t = town(4121);
    let v = &mut t.tv.vault;
    let html = v.print_records_about(t.haru, 2).unwrap();
    for text in [
        "保有個人情報の開示請求に係る記録",
        "取扱注意",
        "髙橋 ハル",
        "【評価・判断】",
        "【第三者の情報】",
        "【第三者の情報を含む可能性】",
        "認知症の進行が疑われる",
        "機関内メモ",
        "配布資料 No. 2/2",
        "size: A4",
        "印は審査のための目印で、開示・不開示の判断ではありません",
    ] {
        assert!(html.contains(text), "the printout shows {text}");
    }
    assert!(
        html.contains("class=\"m-j\"><span class=\"v\">認知症の進行が疑われる"),
        "the judgement's cell is boxed"
    );
    assert!(!html.contains("会議終了後に回収します"), "not a meeting handout");

    let json = v.records_about_json(t.haru).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["format"], "kasane-person-records/1");
    assert_eq!(parsed["person"]["family_name"], "髙橋");
    assert!(
        json.contains("\"third-party\"") && json.contains("\"judgement\""),
        "marks by their codes"
    );
    let trail = v.audit_trail().unwrap();
    let prints: Vec<_> = trail
        .iter()
        .filter(|e| e.action == "print" && e.target.as_deref() == Some(t.haru.to_string().as_str()))
        .collect();
    assert_eq!(prints.len(), 2, "the printout and the file are both logged: {prints:?}");
    assert!(
        prints
            .iter()
            .any(|e| e.detail.as_deref().is_some_and(|d| d.contains("JSON"))),
        "{prints:?}"
    );
}

/// A wrong id is refused as not found, whether unknown or of another kind of record, and leaves
/// no view in the trail.
#[test]
fn an_id_that_is_not_a_person_here_is_not_found() {
    let mut t = town(4131);
    let v = &mut t.tv.vault;
    let before = v.audit_trail().unwrap().len();
    for id in [Uuid::from_u128(42), t.case, t.internal_note] {
        let e = v.records_about(id).unwrap_err();
        assert_eq!((e.kind(), e.code()), (Kind::NotFound, "record.not-found"), "{id}: {e}");
        assert!(
            e.message_ja().contains("この記録データにありません"),
            "{}",
            e.message_ja()
        );
        assert_eq!(v.print_records_about(id, 1).unwrap_err().kind(), Kind::NotFound);
        assert_eq!(v.records_about_json(id).unwrap_err().kind(), Kind::NotFound);
    }
    assert_eq!(v.audit_trail().unwrap().len(), before, "a refusal is not a view");
}

/// A partner holds only the cases shared with it: the household's other case and the lead's
/// internal notes are not in its records, and the case is marked as held from the lead. Once the
/// lead unshares it and the partner purges its copy, the partner holds nothing about her.
#[test]
fn a_partner_holds_only_what_was_shared_and_nothing_once_unshared() {
    let (mut l, mut b, c) = lead_and_partner(4141);
    let hh = l.vault.case_detail(c).unwrap().case.household;
    let haru = person(&mut l.vault, hh, "髙橋", "ハル", "タカハシ", "ハル", "S15", "本人");
    let kept = case(&mut l.vault, hh, "福祉総務課だけのケース");
    for (case, text, internal) in [
        (c, "共有している経過", false),
        (c, "機関内だけのメモ", true),
        (kept, "共有していないケースの経過", false),
    ] {
        l.vault
            .add_note(NewNote {
                case,
                kind: NoteKind::Phone,
                text: text.into(),
                date: None,
                internal,
                outreach: None,
            })
            .unwrap();
    }
    sync(&mut l.vault, &mut b.vault);
    assert_eq!(l.vault.records_about(haru).unwrap().cases, 2);
    let r = b.vault.records_about(haru).unwrap();
    assert_eq!(r.cases, 1, "only the shared case");
    let case = items(&r, ItemKind::Case)[0];
    assert_eq!(case.record, Some(c));
    assert_eq!(
        field(case, "held").value,
        "主担当機関（福祉総務課）から共有を受けて保有"
    );
    assert_eq!(r.agency_name, "生活福祉課");
    let notes: Vec<&str> = items(&r, ItemKind::Note)
        .iter()
        .map(|n| field(n, "text").value.as_str())
        .collect();
    assert_eq!(
        notes,
        ["共有している経過"],
        "the lead's internal notes never left its PC"
    );
    let disclosed = items(&r, ItemKind::Disclosure);
    assert!(
        disclosed.iter().any(|d| field(d, "agency").value == "生活福祉課"),
        "the ledger says the case came to this agency: {disclosed:?}"
    );

    let ba = agency_id(&b.vault);
    l.vault.unshare_case(c, ba, "支援の終了").unwrap();
    let s = sync(&mut l.vault, &mut b.vault);
    assert!(s.purged.contains(&format!("case:{c}")), "{s:?}");
    let e = b.vault.records_about(haru).unwrap_err();
    assert_eq!(
        e.kind(),
        Kind::NotFound,
        "nothing about her is held once the copy is purged: {e}"
    );
    assert_eq!(
        l.vault.records_about(haru).unwrap().cases,
        2,
        "the lead keeps its records"
    );
}
