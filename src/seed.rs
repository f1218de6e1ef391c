//! Seeding a vault with a synthetic city (feature `seed`, used by kasane-demo): the city's
//! records are written through the same validated insert paths the app uses, a few hundred
//! households per transaction, so a seeded vault is one the app could have made.

use std::{collections::HashMap, time::Instant};

use serde::Serialize;
use uuid::Uuid;

use crate::{
    Error, Vault,
    ja::{Date, PartialDate},
    log::{Scope, Tx},
    record::{
        self, ActionStatus, CaseStatus, ConsentHow, NewCase, NewConsent, NewHousehold, NewNote, NewPerson, NewRelation,
        NoteKind, PartnerStatus, RelationKind, Risk, Sex,
    },
};

/// What `fill_demo` wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DemoReport {
    pub households: usize,
    pub persons: usize,
    pub relations: usize,
    pub cases: usize,
    pub notes: usize,
    pub consents: usize,
    pub assessments: usize,
    pub actions: usize,
    pub ops: usize,
    pub seconds: f64,
}

const PER_TRANSACTION: usize = 250;

/// Who leads the demo cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoLead {
    /// The agency the generator picks for each kind of case (a city-wide picture).
    AsGenerated,
    /// This vault's own agency, so every case can be shared from here (exchange demos, benchmarks).
    ThisAgency,
}

/// Agency code → (agency id, a demo worker of that agency).
type Staff = HashMap<&'static str, (Uuid, Uuid)>;

/// Makes sure every agency of the city's list is in the directory, each with one demo worker,
/// reusing agencies already there (matched by code, or by name for this vault's own agency).
fn staff(v: &mut Vault) -> Result<Staff, Error> {
    let existing = v.agencies()?;
    let workers = v.directory_workers()?;
    let own = v.identity();
    v.write(|tx| {
        let mut out = Staff::new();
        for info in crate::reference::agencies() {
            let found = existing
                .iter()
                .find(|a| a.code.as_deref() == Some(info.code) || (a.id == own.agency && a.name == info.name_ja));
            let agency = match found {
                Some(a) => a.id,
                None => tx.create(
                    Scope::Directory,
                    "agency",
                    None,
                    record::Fields::new()
                        .put("name", info.name_ja)
                        .put("code", info.code)
                        .into_map(),
                )?,
            };
            let worker = match workers.iter().find(|w| w.agency == agency) {
                Some(w) => w.id,
                None => tx.create(
                    Scope::Directory,
                    "worker",
                    Some(agency),
                    record::Fields::new()
                        .put("name", format!("{}・デモ担当", info.name_ja))
                        .put("agency", agency)
                        .into_map(),
                )?,
            };
            out.insert(info.code, (agency, worker));
        }
        tx.audit("demo.directory", None, None);
        Ok(out)
    })
}

/// The city's 支援会議 roster (構成員名簿) in the city-wide picture: every agency of the city's list
/// a member from the start of the fiscal year, under the city's 要綱, so the rosters screen is not
/// empty. Only when the vault keeps no 支援会議 roster yet, and never in a vault made to share every
/// case from here (its partners in demos and benchmarks are agencies off the city's list).
fn city_roster(v: &mut Vault, staff: &Staff, today: Date) -> Result<(), Error> {
    if v.rosters()?.iter().any(|e| e.conference == "shien-kaigi") {
        return Ok(());
    }
    let year = if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    };
    let from = Date::new(year, 4, 1).map_err(|e| crate::vault::VaultError::Damaged(e.to_string()))?;
    let mut agencies: Vec<Uuid> = staff.values().map(|(a, _)| *a).collect();
    agencies.sort();
    agencies.dedup();
    for agency in agencies {
        v.add_roster_entry(record::NewRosterEntry {
            conference: "shien-kaigi".into(),
            agency,
            from,
            to: None,
            charter: "鎌倉市重層的支援体制整備事業における支援会議設置要綱".into(),
        })?;
    }
    Ok(())
}

/// The community resources the city's documents name (its agency list's own words): the ここかま
/// public–private platform and what its members and the agencies run, so referrals and 地域資源
/// actions have somewhere to go. (name, kind, district, note)
const CITY_RESOURCES: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "ここかま（公民連携プラットフォーム）",
        "公民連携プラットフォーム",
        None,
        "幹事団体：NPO法人鎌倉市市民活動センター運営会議",
    ),
    (
        "複合型福祉拠点 みちテラス",
        "居場所・相談拠点",
        None,
        "社会福祉法人きしろ社会事業会（地域包括支援センターを含む）",
    ),
    (
        "鎌倉市社会福祉協議会 ボランティアセンター",
        "ボランティア",
        None,
        "なんでも相談・貸付・日常生活自立支援事業も",
    ),
    (
        "地区社会福祉協議会（鎌倉地区）",
        "地区社協",
        Some("kamakura-1"),
        "生活支援コーディネーターと連携",
    ),
    (
        "地区社会福祉協議会（腰越地区）",
        "地区社協",
        Some("koshigoe"),
        "生活支援コーディネーターと連携",
    ),
    (
        "地区社会福祉協議会（深沢地区）",
        "地区社協",
        Some("fukasawa"),
        "生活支援コーディネーターと連携",
    ),
    (
        "地区社会福祉協議会（大船地区）",
        "地区社協",
        Some("ofuna-1"),
        "生活支援コーディネーターと連携",
    ),
    (
        "地区社会福祉協議会（玉縄地区）",
        "地区社協",
        Some("tamanawa"),
        "生活支援コーディネーターと連携",
    ),
    ("ケアラー・ヤングケアラーの居場所", "居場所", None, "青少年課"),
    ("放課後かまくらっ子", "子どもの居場所", None, "青少年課"),
    ("居住支援協議会 居住支援相談窓口", "住まい", None, "都市整備総務課"),
    ("食料支援（生活困窮者自立支援）", "食料支援", None, "生活福祉課"),
    ("成年後見センター 市民後見人", "権利擁護", None, "成年後見 中核機関"),
    ("子育て支援ネットワーク", "子育て", None, "こども支援課"),
];

/// Adds the city's community resources to the directory, once.
fn city_resources(v: &mut Vault) -> Result<(), Error> {
    let known: Vec<String> = v.resources(None, None)?.into_iter().map(|r| r.name).collect();
    for (name, kind, district, note) in CITY_RESOURCES {
        if known.iter().any(|k| k == name) {
            continue;
        }
        v.add_resource(crate::referral::NewResource {
            name: (*name).into(),
            kind: (*kind).into(),
            district: district.map(str::to_string),
            contact: None,
            note: Some((*note).into()),
        })?;
    }
    Ok(())
}

fn date(s: &str) -> Option<PartialDate> {
    PartialDate::parse(s).ok()
}

fn write_household(
    tx: &mut Tx<'_>,
    h: &DemoHousehold,
    staff: &Staff,
    own: (Uuid, Uuid),
    lead_here: bool,
    today: Date,
    r: &mut DemoReport,
) -> Result<(), Error> {
    let hh = record::insert_household(
        tx,
        &NewHousehold {
            label: h.label.clone(),
            district: h.district.to_string(),
            address: Some(h.address.clone()),
            phone: h.phone.clone(),
        },
    )?;
    r.households += 1;
    let mut ids = Vec::with_capacity(h.members.len());
    for m in &h.members {
        let id = record::insert_person(
            tx,
            &NewPerson {
                household: hh,
                family_name: m.family_name.clone(),
                given_name: m.given_name.clone(),
                family_kana: m.family_kana.clone(),
                given_kana: m.given_kana.clone(),
                birth: date(&m.birth),
                sex: Sex::parse(m.sex)?,
                relation: m.relation.to_string(),
                living_together: m.living_together,
                deceased: m.deceased.as_deref().and_then(date),
                expecting: None,
            },
            today,
        )?;
        ids.push(id);
        r.persons += 1;
    }
    let person = |i: usize| {
        ids.get(i).copied().ok_or_else(|| {
            record::RecordError::Inconsistent(
                record::msg!(ja: "デモの関係が世帯員 {i} を指しています", en: "demo relation names member {i}"),
            )
        })
    };
    for rel in &h.relations {
        record::insert_relation(
            tx,
            &NewRelation {
                a: person(rel.a)?,
                b: person(rel.b)?,
                kind: RelationKind::parse(rel.kind)?,
                status: rel.status.map(PartnerStatus::parse).transpose()?,
            },
        )?;
        r.relations += 1;
    }
    let agency = |code: &str| staff.get(code).copied().unwrap_or(own);
    // Who writes an entry. A city-wide picture shows each agency's own entries; a vault made to
    // share every case from here (exchange demos, benchmarks) writes them all itself, because
    // partners accept an entry only from the agency whose site signed it.
    let writer = |code: &str| if lead_here { own } else { agency(code) };
    // A case closed long ago is kept by this office, which coordinates the city's multi-agency
    // cases: its old files are the ones the disposal screen lists.
    let lead_of = |c: &DemoCase| {
        let closed_long_ago = c.status == "closed"
            && c.notes
                .last()
                .is_some_and(|n| n.date < today.saturating_sub(jiff::Span::new().years(5)));
        if lead_here || closed_long_ago {
            own.0
        } else {
            agency(c.lead_agency).0
        }
    };
    for c in &h.cases {
        let lead = lead_of(c);
        let case = record::insert_case(
            tx,
            &NewCase {
                household: hh,
                title: c.title.clone(),
                problems: c.problems.iter().map(|p| p.to_string()).collect(),
                lead_agency: Some(lead),
                risk: Some(Risk::parse(c.risk)?),
                next_review: c.next_review,
                opened: Some(c.opened),
            },
            own.0,
            today,
        )?;
        r.cases += 1;
        let status = CaseStatus::parse(c.status)?;
        if status != CaseStatus::Intake {
            tx.set(case, record::Fields::new().put("status", status).into_map())?;
        }
        for n in &c.notes {
            let (a, w) = writer(n.agency);
            record::insert_note(
                tx,
                &NewNote {
                    case,
                    kind: NoteKind::parse(n.kind)?,
                    text: n.text.clone(),
                    date: Some(n.date),
                    internal: n.internal,
                    outreach: None,
                },
                a,
                w,
                today,
            )?;
            r.notes += 1;
        }
        let actions = plan_and_assessment(tx, case, c, lead, &ids, &writer, &agency, today, r)?;
        case_cycle(tx, case, c, status, own.0, &actions, today)?;
    }
    // The agencies that work on the household's cases: the consents name them. Demo consents
    // cover every kind of information, for the meetings and for working together, for a year.
    let mut involved: Vec<Uuid> = Vec::new();
    for c in &h.cases {
        involved.push(lead_of(c));
        involved.extend(c.notes.iter().map(|n| agency(n.agency).0));
    }
    involved.sort();
    involved.dedup();
    for k in &h.consents {
        let verbal = k.how == "口頭";
        let id = record::insert_consent(
            tx,
            &NewConsent {
                person: person(k.person)?,
                given_by: record::ConsentGiver::Person,
                giver_name: None,
                giver_relation: None,
                scope: k.scope.clone(),
                purposes: vec![
                    record::ConsentPurpose::JusotekiShienKaigi,
                    record::ConsentPurpose::CoordinatedSupport,
                ],
                kinds: record::InfoKind::ALL.to_vec(),
                agencies: involved.clone(),
                date: k.date,
                until: k.date.saturating_add(jiff::Span::new().years(1)),
                how: ConsentHow::parse(k.how)?,
                witness: verbal.then(|| "相談員".to_string()),
            },
            today,
        )?;
        if let Some(w) = k.withdrawn {
            tx.set(id, record::Fields::new().put("withdrawn", w).into_map())?;
        }
        r.consents += 1;
    }
    Ok(())
}

/// Problem group → the assessment domain a worker would file it under.
fn domain_of(problem: &str) -> &'static str {
    match crate::reference::problem(problem).map(|p| p.group) {
        Some("money") => "money",
        Some("housing") => "housing",
        Some("health") => "health",
        Some("rights") | Some("justice") => "safety",
        Some("isolation") => "connection",
        Some("daily-life") => "daily-life",
        _ if problem.contains("carer") || problem == "double-care" || problem == "rorou-kaigo" => "care",
        _ if problem == "non-attendance" || problem == "child-poverty" || problem == "single-parent" => "children",
        _ => "household",
    }
}

const WISHES: &[&str] = &[
    "本人は「できるだけ今の家で暮らしたい」と話している。",
    "母は「息子のことを誰かに相談したかった」と話す。",
    "本人は「人に迷惑をかけたくない」と繰り返している。",
    "家族は支援を受けることに前向き。まずは家計の相談から始めたい意向。",
    "本人は訪問は月1回程度なら受け入れるとのこと。",
];
const NEEDS: &[&str] = &[
    "定期的な見守りと、困った時に相談できる窓口の確保が必要。",
    "家計の立て直しと滞納の整理が必要。",
    "介護負担の軽減とレスパイトの検討が必要。",
    "通院の継続と服薬管理の支援が必要。",
    "地域とのつながりを少しずつ作ることが必要。",
];
const ACTIONS: &[(&str, &str)] = &[
    ("月1回の定期訪問による見守り", "household"),
    ("家計相談への同行", "money"),
    ("地域包括支援センターへのつなぎ", "care"),
    ("学校との情報共有", "children"),
    ("ケアマネジャーとの連携会議", "care"),
    ("食料支援の手配", "money"),
    ("受診同行", "health"),
    ("民生委員による声かけ", "connection"),
    ("居場所（サロン）の紹介", "connection"),
    ("住居確保給付金の申請支援", "housing"),
];

/// 見立て as a worker writes it: the background read from what was found.
const JUDGEMENTS: &[&str] = &[
    "本人が長く一人で抱えてきたことが背景にあり、支援を受けることへのためらいがある。",
    "家族内で役割が偏り、介護と家計の負担が一人に集中している。",
    "地域とのつながりが薄れたことで、困りごとが表に出にくくなっている。",
    "制度の利用を知らなかったことが困窮の一因と考えられる。",
];

/// A few assessment entries and plan actions for a demo case, drawn from its problems and notes
/// (deterministic: choices follow the case's own data).
#[allow(clippy::too_many_arguments)]
fn plan_and_assessment(
    tx: &mut Tx<'_>,
    case: Uuid,
    c: &DemoCase,
    lead: Uuid,
    members: &[Uuid],
    writer: &dyn Fn(&str) -> (Uuid, Uuid),
    agency: &dyn Fn(&str) -> (Uuid, Uuid),
    today: Date,
    r: &mut DemoReport,
) -> Result<Vec<(Uuid, Option<ActionStatus>)>, Error> {
    let pick =
        |salt: usize, n: usize| (c.title.len() + c.notes.len() * 7 + salt * 13 + c.opened.day() as usize) % n.max(1);
    let authors: Vec<(Uuid, Uuid)> = c.notes.iter().map(|n| writer(n.agency)).collect();
    let author = |i: usize| {
        authors
            .get(i % authors.len().max(1))
            .copied()
            .unwrap_or((lead, Uuid::nil()))
    };
    // Actions are owned by the agencies that carry them out, whoever writes them down.
    let owners: Vec<Uuid> = c.notes.iter().map(|n| agency(n.agency).0).collect();
    let owner_of = |i: usize| owners.get(i % owners.len().max(1)).copied().unwrap_or(lead);
    let first_text = c
        .notes
        .first()
        .map(|n| n.text.clone())
        .unwrap_or_else(|| c.title.clone());
    for (i, p) in c.problems.iter().take(2).enumerate() {
        let (a, w) = author(i);
        let entry = record::NewAssessmentEntry {
            case,
            domain: domain_of(p).to_string(),
            person: None,
            seen: if i == 0 {
                first_text.clone()
            } else {
                format!(
                    "{}について関係機関で状況を確認中。",
                    crate::reference::problem(p).map(|x| x.label_ja).unwrap_or(p)
                )
            },
            judgement: Some(JUDGEMENTS[pick(i + 2, JUDGEMENTS.len())].to_string()),
            strengths: (pick(i, 3) == 0)
                .then(|| "近隣との関係は良好で、民生委員の声かけを受け入れている。".to_string()),
            needs: Some(NEEDS[pick(i + 1, NEEDS.len())].to_string()),
            risk: Risk::parse(c.risk).ok(),
            no_contact: false,
            date: c.notes.first().map(|n| n.date).or(Some(c.opened)),
        };
        record::insert_assessment(tx, &entry, a, w, today)?;
        r.assessments += 1;
    }
    if pick(5, 2) == 0 {
        let (a, w) = author(0);
        let entry = record::NewAssessmentEntry {
            case,
            domain: "wishes".into(),
            person: members.first().copied(),
            seen: WISHES[pick(6, WISHES.len())].to_string(),
            judgement: None,
            strengths: None,
            needs: None,
            risk: None,
            no_contact: pick(7, 20) == 0,
            date: Some(c.opened),
        };
        record::insert_assessment(tx, &entry, a, w, today)?;
        r.assessments += 1;
    }
    let n_actions = 1 + pick(8, 3);
    let mut written = Vec::with_capacity(n_actions);
    for i in 0..n_actions {
        let (text, _) = ACTIONS[pick(9 + i, ACTIONS.len())];
        let owner = owner_of(i + 1);
        let due = c
            .opened
            .checked_add(jiff::Span::new().days(30 + 30 * (pick(10 + i, 4) as i64)))
            .ok();
        let id = record::insert_action(
            tx,
            &record::NewAction {
                case,
                goal: None,
                text: text.into(),
                owner_agency: owner,
                owner_worker: None,
                key_person: members.first().copied(),
                owner_person: None,
                frequency: None,
                due,
                meeting: None,
                tags: action_tags(text),
            },
            today,
        )?;
        let status = match (c.status, pick(11 + i, 5)) {
            ("closed", _) => Some(ActionStatus::Done),
            (_, 0) => Some(ActionStatus::Done),
            (_, 1 | 2) => Some(ActionStatus::InProgress),
            _ => None,
        };
        if let Some(s) = status {
            tx.set(id, record::Fields::new().put("status", s).into_map())?;
        }
        written.push((id, status));
        r.actions += 1;
    }
    Ok(written)
}

/// The kind of support an action of the demo's list is, as the city counts it.
fn action_tags(text: &str) -> Vec<record::ActionTag> {
    use record::ActionTag::*;
    match text {
        "居場所（サロン）の紹介" => vec![Participation, CommunityResource],
        "民生委員による声かけ" => vec![CommunityResource],
        "月1回の定期訪問による見守り" | "受診同行" | "家計相談への同行" => vec![Outreach],
        "食料支援の手配" => vec![CommunityResource],
        _ => Vec::new(),
    }
}

/// A goal a plan would set for a problem filed under an assessment domain.
fn goal_for(domain: &str) -> &'static str {
    match domain {
        "care" => "必要な介護サービスにつながり、介護する家族の負担が軽くなる",
        "money" => "家計の見通しが立ち、滞納が解消する",
        "health" => "定期的に受診し、体調が安定する",
        "children" => "子どもが安心して学校に通える",
        "housing" => "安定した住まいを確保する",
        "connection" => "地域の居場所や人とのつながりができる",
        "safety" => "暴力や虐待のない安全な暮らしを確保する",
        _ => "本人の望む暮らしに向けて、生活を整える",
    }
}

const POLICIES: &[&str] = &[
    "主担当が定期的に訪問して関係を保ちながら、家計と受診の支援を関係機関で分担する。",
    "本人の意思を尊重し、無理のない範囲で居場所や地域とのつながりを広げる。",
    "介護する家族の負担を減らすことを優先し、介護サービスと見守りを組み合わせる。",
    "子どもの生活と学びを守ることを優先し、学校と連携して家庭を支える。",
];

/// How a demo consultation came, read from the first contact-log entry.
fn intake_route(first: Option<&DemoNote>) -> (record::IntakeRoute, record::Visitor) {
    use record::{IntakeRoute as R, Visitor as V};
    match first {
        Some(n) if n.agency == "minsei-iin" => (R::Community, V::Related),
        Some(n) if n.kind == "office" => (R::Visit, V::Person),
        Some(n) if n.kind == "visit" => (R::Outreach, V::Person),
        Some(n) if n.kind == "phone" => (R::Phone, V::Family),
        Some(_) => (R::Referral, V::Related),
        None => (R::Other, V::Person),
    }
}

/// Writes the parts of the case cycle a case in its status has been through: the intake; the
/// overall view; the plan's versions with goals (the actions under them), evaluated and revised
/// for a long-running case; the decision to support; the closure with the final evaluation.
#[allow(clippy::too_many_arguments)]
fn case_cycle(
    tx: &mut Tx<'_>,
    case: Uuid,
    c: &DemoCase,
    status: CaseStatus,
    author: Uuid,
    actions: &[(Uuid, Option<ActionStatus>)],
    today: Date,
) -> Result<(), Error> {
    let pick = |salt: usize, n: usize| {
        (c.title.len() * 3 + c.notes.len() * 5 + salt * 17 + c.opened.day() as usize) % n.max(1)
    };
    let days = |d: Date, n: i64| d.checked_add(jiff::Span::new().days(n)).unwrap_or(d).min(today);
    let first = c.notes.first();
    let (route, visitor) = intake_route(first);
    let intake = record::Intake {
        date: c.opened,
        time: Some(format!("{:02}:{:02}", 9 + pick(1, 8), [0, 15, 30, 45][pick(2, 4)])),
        received_by: "相談員".into(),
        route,
        referrer: (route == record::IntakeRoute::Community).then(|| "地区の民生委員".to_string()),
        visitor,
        visitor_name: (visitor == record::Visitor::Family).then(|| "家族".to_string()),
        complaint: first.map(|n| n.text.clone()).unwrap_or_else(|| c.title.clone()),
        situation: None,
        consent: None,
    };
    tx.set(case, record::Fields::new().put("intake", &intake).into_map())?;
    if status == CaseStatus::Intake {
        return Ok(());
    }
    let policy = POLICIES[pick(3, POLICIES.len())];
    let mut agencies = vec![author];
    agencies.dedup();
    let formulation = record::Formulation {
        date: days(c.opened, 14),
        view: JUDGEMENTS[pick(4, JUDGEMENTS.len())].to_string(),
        policy: policy.to_string(),
        agencies,
    };
    tx.set(case, record::Fields::new().put("formulation", &formulation).into_map())?;
    if status == CaseStatus::Assessment {
        return Ok(());
    }
    let mut domains: Vec<&str> = c.problems.iter().take(2).map(|p| domain_of(p)).collect();
    domains.dedup();
    let from = days(c.opened, 21);
    let version = |tx: &mut Tx<'_>, number: u32, from: Date, previous: Option<Uuid>, in_force: bool| {
        let half_year = from.checked_add(jiff::Span::new().months(6)).unwrap_or(from);
        // The version a case in support works to runs at least a while past today.
        let soon = today.checked_add(jiff::Span::new().days(90)).unwrap_or(today);
        let to = if in_force { half_year.max(soon) } else { half_year };
        let f = record::Fields::new()
            .put("case", case)
            .put("number", number)
            .put("from", from)
            .put("to", to)
            .put("policy", policy)
            .put("created", from)
            .put(
                "next_evaluation",
                from.checked_add(jiff::Span::new().months(3)).unwrap_or(from),
            )
            .maybe("previous", previous)
            .into_map();
        tx.create(Scope::Case(case), "plan", Some(case), f).map(|id| (id, to))
    };
    let goal = |tx: &mut Tx<'_>, plan: Uuid, text: &str, i: usize, date: Date, carried: Option<Uuid>| {
        let term = if i == 0 {
            record::GoalTerm::Short
        } else {
            record::GoalTerm::Long
        };
        let f = record::Fields::new()
            .put("case", case)
            .put("text", text)
            .put("agency", author)
            .put("date", date)
            .put("plan", plan)
            .put("term", term)
            .maybe("carried_from", carried)
            .into_map();
        tx.create(Scope::Case(case), "goal", Some(case), f)
    };
    let evaluate = |tx: &mut Tx<'_>, goal: Uuid, result: record::GoalResult, date: Date| {
        let comment = match result {
            record::GoalResult::Met => None,
            record::GoalResult::Partly => Some("一部は進んだが、本人の体調の波があり継続が必要。"),
            record::GoalResult::NotMet => Some("本人と連絡が取れない期間があり、進まなかった。"),
        };
        let e = record::Evaluation {
            date,
            result,
            comment: comment.map(str::to_string),
            agency: author,
        };
        tx.set(goal, record::Fields::new().put("evaluation", &e).into_map())
    };
    let revised = status == CaseStatus::Active
        && from
            .checked_add(jiff::Span::new().months(6))
            .is_ok_and(|end| end < today);
    let (v1, v1_end) = version(tx, 1, from, None, status != CaseStatus::Closed && !revised)?;
    let mut goals = Vec::with_capacity(domains.len());
    for (i, d) in domains.iter().enumerate() {
        goals.push(goal(tx, v1, goal_for(d), i, from, None)?);
    }
    for (i, (a, _)) in actions.iter().enumerate() {
        if let Some(g) = goals.get(i % goals.len().max(1)) {
            tx.set(*a, record::Fields::new().put("goal", *g).into_map())?;
        }
    }
    if status == CaseStatus::Planning {
        return Ok(());
    }
    let decision = record::SupportDecision {
        date: days(c.opened, 30),
        by: "福祉総務課長".into(),
        meeting: None,
        note: None,
    };
    tx.set(
        case,
        record::Fields::new().put("support_decision", &decision).into_map(),
    )?;
    let mut current = goals.clone();
    if revised {
        // Half a year on: the first version was evaluated and revised into a second.
        for (i, g) in goals.iter().enumerate() {
            let result = if i == 0 {
                record::GoalResult::Partly
            } else {
                record::GoalResult::Met
            };
            evaluate(tx, *g, result, v1_end)?;
        }
        let next_from = days(v1_end, 1);
        let (v2, _) = version(tx, 2, next_from, Some(v1), true)?;
        let carried = goal(tx, v2, goal_for(domains[0]), 0, next_from, Some(goals[0]))?;
        for (a, st) in actions.iter().step_by(goals.len().max(1)) {
            if st.is_none_or(|s| s.is_open()) {
                tx.set(*a, record::Fields::new().put("goal", carried).into_map())?;
            }
        }
        current = vec![carried];
    }
    if status == CaseStatus::Closed {
        let date = c.notes.last().map_or(today, |n| n.date);
        let reasons = [
            record::ClosureReason::GoalsMet,
            record::ClosureReason::GoalsMet,
            record::ClosureReason::GoalsMet,
            record::ClosureReason::MovedAway,
            record::ClosureReason::Transferred,
            record::ClosureReason::PersonsWish,
            record::ClosureReason::NoLongerNeeded,
            record::ClosureReason::Unreachable,
        ];
        let reason = reasons[pick(5, reasons.len())];
        for g in &current {
            let result = match reason {
                record::ClosureReason::GoalsMet | record::ClosureReason::NoLongerNeeded => record::GoalResult::Met,
                record::ClosureReason::Unreachable => record::GoalResult::NotMet,
                _ => record::GoalResult::Partly,
            };
            evaluate(tx, *g, result, date)?;
        }
        let watch = match reason {
            record::ClosureReason::GoalsMet | record::ClosureReason::NoLongerNeeded => Some("民生委員"),
            record::ClosureReason::Transferred => Some("地域包括支援センター"),
            record::ClosureReason::Unreachable => Some("民生委員（月1回の声かけ）"),
            _ => None,
        };
        let closure = record::Closure {
            date,
            reason,
            watch: watch.map(str::to_string),
            note: None,
        };
        tx.set(case, record::Fields::new().put("closure", &closure).into_map())?;
    }
    Ok(())
}

/// Writes `households` (as many as `total`, streamed) into the vault, a few hundred per
/// transaction, and calls `progress(done, total)` after each transaction.
pub fn fill(
    v: &mut Vault,
    total: usize,
    households: impl Iterator<Item = DemoHousehold>,
    lead: DemoLead,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoReport, Error> {
    let started = Instant::now();
    let ops_before = v.op_count()?;
    let staff = staff(v)?;
    let own = (v.identity().agency, v.identity().worker);
    let today = v.ambient().clock.today();
    if lead == DemoLead::AsGenerated {
        city_roster(v, &staff, today)?;
        city_resources(v)?;
    }
    let mut report = DemoReport::default();
    let mut stream = households.peekable();
    progress(0, total);
    while stream.peek().is_some() {
        let batch: Vec<DemoHousehold> = stream.by_ref().take(PER_TRANSACTION).collect();
        v.write(|tx| -> Result<_, Error> {
            for h in &batch {
                write_household(tx, h, &staff, own, lead == DemoLead::ThisAgency, today, &mut report)?;
            }
            tx.audit("demo.fill", None, Some(format!("{} households", batch.len())));
            Ok(())
        })?;
        progress(report.households, total);
    }
    report.ops = v.op_count()? - ops_before;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoHousehold {
    pub label: String,
    pub district: &'static str,
    pub address: String,
    pub phone: Option<String>,
    pub scenario: &'static str,
    pub members: Vec<DemoPerson>,
    pub relations: Vec<DemoRelation>,
    pub cases: Vec<DemoCase>,
    pub consents: Vec<DemoConsent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoPerson {
    pub family_name: String,
    pub given_name: String,
    pub family_kana: String,
    pub given_kana: String,
    pub birth: String,
    pub sex: &'static str,
    pub relation: &'static str,
    pub living_together: bool,
    pub deceased: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoRelation {
    pub a: usize,
    pub b: usize,
    pub kind: &'static str,
    pub status: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoCase {
    pub title: String,
    pub problems: Vec<&'static str>,
    pub status: &'static str,
    pub risk: &'static str,
    pub lead_agency: &'static str,
    #[serde(serialize_with = "ser_date")]
    pub opened: Date,
    #[serde(serialize_with = "ser_opt_date")]
    pub next_review: Option<Date>,
    pub notes: Vec<DemoNote>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoNote {
    #[serde(serialize_with = "ser_date")]
    pub date: Date,
    pub kind: &'static str,
    pub agency: &'static str,
    pub text: String,
    pub internal: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoConsent {
    pub person: usize,
    pub scope: String,
    #[serde(serialize_with = "ser_date")]
    pub date: Date,
    pub how: &'static str,
    #[serde(serialize_with = "ser_opt_date")]
    pub withdrawn: Option<Date>,
}

fn ser_date<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}

fn ser_opt_date<S: serde::Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}
