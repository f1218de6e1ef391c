//! Disclosure requests (保有個人情報の開示請求): every record this PC holds about one person — their
//! own entry and household, each case of the household with its intake, assessment, plans, contact
//! log, consents, referrals, meetings and disclosure ledger — collected for the reviewer who decides
//! what to disclose. The reviewer may withhold judgement (評価・判断) and third parties' information,
//! so each item and field carries marks saying which it is and why: the engine marks what it can
//! know from the records (the fields that are judgement, entries about or actions carried by
//! another member, what a visitor or a proxy said, other members' own data) and marks free text
//! written about a household of several members as possibly holding others' information, because
//! only a person reading it can tell. Nothing is left out for being marked: withholding is the
//! reviewer's decision, not the engine's.
//!
//! Not the disclosure ledger (`disclosure`), which lists where one case's records went; that
//! ledger is one of the sections here.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use uuid::Uuid;

use crate::{
    Error, Vault,
    ja::{Date, wareki},
    meeting::{AgendaItem, Correction, Meeting},
    record::{self, AssessmentEntry, Case, Household, Person, RecordError, Visitor, load_all, view},
};

/// The version of the JSON shape of [`PersonRecords`], for the reviewer's tools.
pub const PERSON_RECORDS_FORMAT: &str = "kasane-person-records/1";

/// What a mark tells the reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkKind {
    /// 評価・判断: a worker's or a meeting's judgement, not a fact found.
    Judgement,
    /// 第三者の情報: about another person, or said by someone other than the person.
    ThirdParty,
    /// Free text written about a household of several members: it may hold others' information;
    /// only reading it tells.
    PossiblyThirdParty,
}

impl MarkKind {
    /// The label printed beside what is marked.
    pub fn label_ja(self) -> &'static str {
        match self {
            MarkKind::Judgement => "評価・判断",
            MarkKind::ThirdParty => "第三者の情報",
            MarkKind::PossiblyThirdParty => "第三者の情報を含む可能性",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            MarkKind::Judgement => "judgement",
            MarkKind::ThirdParty => "third party's information",
            MarkKind::PossiblyThirdParty => "may hold third parties' information",
        }
    }
}

/// A mark for the reviewer, with the reason it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewMark {
    pub kind: MarkKind,
    pub reason_ja: String,
    pub reason_en: String,
}

impl ReviewMark {
    fn new(kind: MarkKind, ja: impl Into<String>, en: impl Into<String>) -> ReviewMark {
        ReviewMark {
            kind,
            reason_ja: ja.into(),
            reason_en: en.into(),
        }
    }
}

/// One field of a record as it reads: its name in the record, its label, its value as shown
/// (dates in 和暦, choices by their Japanese label), and the marks on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestField {
    /// The field's name in the record (`seen`, `judgement` …), stable for tools.
    pub key: &'static str,
    pub label_ja: &'static str,
    pub label_en: &'static str,
    pub value: String,
    pub marks: Vec<ReviewMark>,
}

/// What kind of record an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Person,
    Household,
    Member,
    Relation,
    Consent,
    Case,
    Intake,
    Formulation,
    SupportDecision,
    Closure,
    Reopening,
    Assessment,
    Plan,
    Goal,
    Action,
    Note,
    Referral,
    Meeting,
    Correction,
    Disclosure,
    /// A record of another household found by the person's name.
    Elsewhere,
}

impl ItemKind {
    /// The heading a printout groups items of this kind under.
    pub fn label_ja(self) -> &'static str {
        match self {
            ItemKind::Person => "本人の情報",
            ItemKind::Household => "世帯",
            ItemKind::Member => "同じ世帯の世帯員",
            ItemKind::Relation => "家族関係",
            ItemKind::Consent => "同意",
            ItemKind::Case => "ケースの概要",
            ItemKind::Intake => "相談受付",
            ItemKind::Formulation => "全体の見立てと支援方針",
            ItemKind::SupportDecision => "支援決定",
            ItemKind::Closure => "終結",
            ItemKind::Reopening => "再開",
            ItemKind::Assessment => "アセスメント",
            ItemKind::Plan => "支援プラン",
            ItemKind::Goal => "目標",
            ItemKind::Action => "支援内容と役割分担",
            ItemKind::Note => "支援経過",
            ItemKind::Referral => "つなぎ",
            ItemKind::Meeting => "会議での検討",
            ItemKind::Correction => "会議記録の訂正",
            ItemKind::Disclosure => "情報提供の記録",
            ItemKind::Elsewhere => "他の世帯の記録（氏名で見つかったもの）",
        }
    }
}

/// One record (or one part of a case record) with its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestItem {
    pub kind: ItemKind,
    /// The record's id (for a part of a case — its intake, closure … — the case's).
    pub record: Option<Uuid>,
    pub date: Option<Date>,
    /// One line saying what it is, in Japanese.
    pub heading: String,
    pub fields: Vec<RequestField>,
    /// Marks on the whole item.
    pub marks: Vec<ReviewMark>,
    /// A 機関内メモ: kept on this PC only, never shared.
    pub internal: bool,
    /// Retracted by its author; kept in the records, shown struck through.
    pub retracted: bool,
}

/// What a section holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    Person,
    Household,
    Consents,
    Case,
    Elsewhere,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestSection {
    pub kind: SectionKind,
    /// For a case's section: the case.
    pub case: Option<Uuid>,
    pub title_ja: String,
    pub title_en: String,
    pub items: Vec<RequestItem>,
}

/// How many marks of each kind the records carry (items' and fields' together).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MarkCounts {
    pub judgement: usize,
    pub third_party: usize,
    pub possibly_third_party: usize,
}

/// Every record this PC holds about one person, marked for the reviewer of a disclosure request.
#[derive(Debug, Clone, Serialize)]
pub struct PersonRecords {
    /// [`PERSON_RECORDS_FORMAT`].
    pub format: &'static str,
    pub person: Person,
    pub household: Household,
    /// The agency holding these records (this PC's), and who collected them, on which day.
    pub agency: Uuid,
    pub agency_name: String,
    pub made_by: String,
    pub made: Date,
    /// The household's cases (all of them: a case is the household's, so each holds the
    /// person's information).
    pub cases: usize,
    pub sections: Vec<RequestSection>,
    pub counts: MarkCounts,
}

impl PersonRecords {
    fn count(&mut self) {
        let mut c = MarkCounts::default();
        let marks = self
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .flat_map(|i| i.marks.iter().chain(i.fields.iter().flat_map(|f| &f.marks)));
        for m in marks {
            match m.kind {
                MarkKind::Judgement => c.judgement += 1,
                MarkKind::ThirdParty => c.third_party += 1,
                MarkKind::PossiblyThirdParty => c.possibly_third_party += 1,
            }
        }
        self.counts = c;
    }
}

/// Builds an item field by field; empty values are left out.
struct Item(RequestItem);

impl Item {
    fn new(kind: ItemKind, record: Option<Uuid>, date: Option<Date>, heading: impl Into<String>) -> Item {
        Item(RequestItem {
            kind,
            record,
            date,
            heading: heading.into(),
            fields: Vec::new(),
            marks: Vec::new(),
            internal: false,
            retracted: false,
        })
    }
    fn field(self, key: &'static str, label: (&'static str, &'static str), value: impl Into<String>) -> Item {
        self.marked(key, label, value, [])
    }
    fn marked(
        mut self,
        key: &'static str,
        (label_ja, label_en): (&'static str, &'static str),
        value: impl Into<String>,
        marks: impl IntoIterator<Item = Option<ReviewMark>>,
    ) -> Item {
        let value = value.into();
        if !value.trim().is_empty() {
            self.0.fields.push(RequestField {
                key,
                label_ja,
                label_en,
                value,
                marks: marks.into_iter().flatten().collect(),
            });
        }
        self
    }
    fn mark(mut self, m: Option<ReviewMark>) -> Item {
        self.0.marks.extend(m);
        self
    }
    fn flags(mut self, internal: bool, retracted: bool) -> Item {
        self.0.internal = internal;
        self.0.retracted = retracted;
        self
    }
}

/// What marking needs to know about the household and the directory.
struct Ctx {
    person: Uuid,
    /// Other members of the household: their information is a third party's.
    others: bool,
    members: HashMap<Uuid, Person>,
    agencies: HashMap<Uuid, String>,
    workers: HashMap<Uuid, String>,
}

impl Ctx {
    fn agency(&self, a: Uuid) -> String {
        self.agencies
            .get(&a)
            .cloned()
            .unwrap_or_else(|| "（不明な機関）".into())
    }
    fn name(&self, p: Uuid) -> String {
        self.members
            .get(&p)
            .map(Person::full_name)
            .unwrap_or_else(|| "（不明な世帯員）".into())
    }
    fn relation(&self, p: Uuid) -> String {
        self.members.get(&p).map(|m| m.relation.clone()).unwrap_or_default()
    }
    /// Free text about the household: possibly others' information when others live in it.
    fn possibly(&self) -> Option<ReviewMark> {
        self.others.then(|| {
            ReviewMark::new(
                MarkKind::PossiblyThirdParty,
                "世帯についての記述で、ほかの世帯員や関係者の情報を含むことがあります。読んで確かめてください",
                "written about the household; it may hold other members' or others' information — read it to tell",
            )
        })
    }
    /// Marks a record about another member of the household; None when it is the person's.
    fn about_other(&self, p: Option<Uuid>, what_ja: &str, what_en: &str) -> Option<ReviewMark> {
        let p = p.filter(|p| *p != self.person)?;
        let (name, rel) = (self.name(p), self.relation(p));
        Some(ReviewMark::new(
            MarkKind::ThirdParty,
            format!("{what_ja}（{rel}・{name}さん）についての情報です"),
            format!("about {what_en} ({rel}, {name})"),
        ))
    }
}

fn judgement(ja: &str, en: &str) -> Option<ReviewMark> {
    Some(ReviewMark::new(MarkKind::Judgement, ja, en))
}

fn third_party(ja: impl Into<String>, en: impl Into<String>) -> Option<ReviewMark> {
    Some(ReviewMark::new(MarkKind::ThirdParty, ja, en))
}

fn yes(b: bool) -> &'static str {
    if b { "はい" } else { "いいえ" }
}

fn opt_date(d: Option<Date>) -> String {
    d.map(wareki).unwrap_or_default()
}

/// The case's 本人 as the records name them: its key person, else the one member recorded as 本人.
fn case_person(c: &Case, ctx: &Ctx) -> Option<Uuid> {
    c.key_person.or_else(|| {
        let mut heads = ctx.members.values().filter(|m| m.relation.trim() == "本人");
        match (heads.next(), heads.next()) {
            (Some(h), None) => Some(h.id),
            _ => None,
        }
    })
}

impl Vault {
    /// Every record this PC holds about one person, marked for the reviewer of a disclosure
    /// request (開示請求); logged as a view. An id that is not a person here (unknown, another
    /// kind of record, or a partner's copy since purged) is `record.not-found`.
    pub fn records_about(&mut self, person: Uuid) -> Result<PersonRecords, Error> {
        let r = self.records_about_quiet(person)?;
        self.audit_now(
            "person.records.view",
            Some(person.to_string()),
            Some(format!("{} cases", r.cases)),
        )?;
        Ok(r)
    }

    /// The records about one person as JSON ([`PERSON_RECORDS_FORMAT`]), for a file the reviewer's
    /// tools read. The text leaves the encrypted records, so it is logged as a printout is.
    pub fn records_about_json(&mut self, person: Uuid) -> Result<String, Error> {
        let r = self.records_about_quiet(person)?;
        let text = serde_json::to_string_pretty(&r).map_err(|e| {
            RecordError::Inconsistent(record::msg!(
                ja: "開示請求の記録をJSONにできません: {e}",
                en: "the records cannot be written as JSON: {e}"
            ))
        })?;
        self.audit_now(
            "print",
            Some(person.to_string()),
            Some(format!("records for a disclosure request (JSON), {} cases", r.cases)),
        )?;
        Ok(text)
    }

    /// [`Vault::records_about`] without the audit entry, for the printout (logged as a print).
    pub(crate) fn records_about_quiet(&self, person: Uuid) -> Result<PersonRecords, Error> {
        let st = match crate::log::load_entity(&self.conn, person)? {
            Some(st) if st.etype == "person" => st,
            _ => return Err(RecordError::NotFound(person).into()),
        };
        let today = self.ambient.clock.today();
        let me: Person = view::<Person>(&st)?.with_age(today);
        let household = self.household(me.household)?;
        let mut members: Vec<Person> = self
            .members_of(household.id)?
            .into_iter()
            .map(|p| p.with_age(today))
            .collect();
        members.sort_by(|a, b| {
            (a.relation != "本人")
                .cmp(&(b.relation != "本人"))
                .then_with(|| a.birth.cmp(&b.birth))
        });
        let ctx = Ctx {
            person,
            others: members.iter().any(|m| m.id != person),
            members: members.iter().map(|m| (m.id, m.clone())).collect(),
            agencies: self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect(),
            workers: self.directory_workers()?.into_iter().map(|w| (w.id, w.name)).collect(),
        };
        let mut sections = vec![
            RequestSection {
                kind: SectionKind::Person,
                case: None,
                title_ja: "本人".into(),
                title_en: "The person".into(),
                items: vec![person_item(&me, ItemKind::Person, None)],
            },
            self.household_section(&household, &members, &ctx)?,
            self.consent_section(household.id, &ctx)?,
        ];
        let mut cases: Vec<Case> = load_all(&self.conn, "case", Some(household.id))?
            .iter()
            .filter_map(|st| view::<Case>(st).ok())
            .filter(|c| c.household == household.id)
            .collect();
        cases.sort_by(|a, b| a.opened.cmp(&b.opened).then(a.id.cmp(&b.id)));
        for c in &cases {
            sections.push(self.case_section(c, &ctx)?);
        }
        sections.push(self.elsewhere_section(&me, &cases, &ctx)?);
        let made_by = self.worker_name().to_string();
        let mut out = PersonRecords {
            format: PERSON_RECORDS_FORMAT,
            agency: self.me.agency,
            agency_name: ctx.agency(self.me.agency),
            made_by,
            made: today,
            cases: cases.len(),
            person: me,
            household,
            sections,
            counts: MarkCounts::default(),
        };
        out.count();
        Ok(out)
    }

    fn household_section(&self, h: &Household, members: &[Person], ctx: &Ctx) -> Result<RequestSection, Error> {
        let district = crate::reference::district(&h.district)
            .map(|d| d.name_ja.to_string())
            .unwrap_or_else(|| h.district.clone());
        let mut items = vec![
            Item::new(ItemKind::Household, Some(h.id), None, h.label.clone())
                .field("label", ("世帯名", "household"), h.label.clone())
                .field("district", ("地区", "district"), district)
                .field("address", ("住所", "address"), h.address.clone().unwrap_or_default())
                .field("phone", ("電話番号", "phone"), h.phone.clone().unwrap_or_default())
                .0,
        ];
        for m in members.iter().filter(|m| m.id != ctx.person) {
            let mut it = person_item(
                m,
                ItemKind::Member,
                ctx.about_other(Some(m.id), "同じ世帯の世帯員", "another member"),
            );
            it.heading = format!("{}　{}", m.relation, m.full_name());
            items.push(it);
        }
        let relations: Vec<record::Relation> = load_all(&self.conn, "relation", Some(h.id))?
            .iter()
            .filter_map(|st| view::<record::Relation>(st).ok())
            .filter(|r| !r.archived && (r.a == ctx.person || r.b == ctx.person))
            .collect();
        for r in relations {
            let other = if r.a == ctx.person { r.b } else { r.a };
            let what = match (r.kind, r.status) {
                (record::RelationKind::Partner, Some(s)) => format!("{}（{}）", r.kind.label_ja(), s.label_ja()),
                (k, _) => k.label_ja().to_string(),
            };
            let role = match r.kind {
                record::RelationKind::ParentChild if r.a == ctx.person => "本人が親",
                record::RelationKind::ParentChild => "本人が子",
                record::RelationKind::Partner => "",
            };
            items.push(
                Item::new(
                    ItemKind::Relation,
                    Some(r.id),
                    None,
                    format!("{}さんとの関係", ctx.name(other)),
                )
                .field("kind", ("関係", "relation"), what)
                .field("role", ("本人の立場", "the person's side"), role)
                .mark(ctx.about_other(Some(other), "関係の相手", "the other person in the relation"))
                .0,
            );
        }
        Ok(RequestSection {
            kind: SectionKind::Household,
            case: None,
            title_ja: format!("世帯（{}）", h.label),
            title_en: format!("Household ({})", h.label),
            items,
        })
    }

    fn consent_section(&self, household: Uuid, ctx: &Ctx) -> Result<RequestSection, Error> {
        let mut items = Vec::new();
        for k in self
            .consents_of(household)?
            .into_iter()
            .filter(|k| k.person == ctx.person)
        {
            let proxy = (k.given_by != record::ConsentGiver::Person).then(|| {
                ReviewMark::new(
                    MarkKind::ThirdParty,
                    format!(
                        "本人に代わって同意した人（{}）についての情報です",
                        k.given_by.label_ja()
                    ),
                    format!("about the person who consented for them ({})", k.given_by.code()),
                )
            });
            let agencies = k.agencies.iter().map(|a| ctx.agency(*a)).collect::<Vec<_>>().join("、");
            items.push(
                Item::new(
                    ItemKind::Consent,
                    Some(k.id),
                    Some(k.date),
                    format!("同意 {}（{}）", wareki(k.date), k.how.label_ja()),
                )
                .field("given_by", ("同意した人", "given by"), k.given_by.label_ja())
                .marked(
                    "giver_name",
                    ("代理人の氏名", "proxy's name"),
                    k.giver_name.clone().unwrap_or_default(),
                    [proxy.clone()],
                )
                .marked(
                    "giver_relation",
                    ("本人との関係", "relation to the person"),
                    k.giver_relation.clone().unwrap_or_default(),
                    [proxy],
                )
                .field("scope", ("同意の文言", "wording"), k.scope.clone())
                .field(
                    "purposes",
                    ("目的", "purposes"),
                    k.purposes.iter().map(|p| p.label_ja()).collect::<Vec<_>>().join("、"),
                )
                .field(
                    "kinds",
                    ("情報の種類", "kinds of information"),
                    if k.is_old_form() {
                        "（旧様式：記録なし）".to_string()
                    } else {
                        k.kinds.iter().map(|p| p.label_ja()).collect::<Vec<_>>().join("、")
                    },
                )
                .field("agencies", ("共有する機関", "agencies"), agencies)
                .field(
                    "period",
                    ("期間", "period"),
                    format!("{} 〜 {}", wareki(k.date), opt_date(k.until)),
                )
                .field("how", ("同意の方法", "how given"), k.how.label_ja())
                .marked(
                    "witness",
                    ("立会人・聞き取った人", "witness"),
                    k.witness.clone().unwrap_or_default(),
                    [third_party(
                        "立会人・聞き取った人についての情報です",
                        "about the witness",
                    )],
                )
                .field("withdrawn", ("撤回", "withdrawn"), opt_date(k.withdrawn))
                .0,
            );
        }
        Ok(RequestSection {
            kind: SectionKind::Consents,
            case: None,
            title_ja: "本人の同意".into(),
            title_en: "The person's consents".into(),
            items,
        })
    }

    fn case_section(&self, c: &Case, ctx: &Ctx) -> Result<RequestSection, Error> {
        let mut items = Vec::new();
        let lead = ctx.agency(c.lead_agency);
        let held = if c.lead_agency == self.me.agency {
            "主担当機関として作成・保有".to_string()
        } else {
            format!("主担当機関（{lead}）から共有を受けて保有")
        };
        let problems = c
            .problems
            .iter()
            .map(|p| crate::reference::problem(p).map(|x| x.label_ja).unwrap_or(p))
            .collect::<Vec<_>>()
            .join("・");
        items.push(
            Item::new(ItemKind::Case, Some(c.id), Some(c.opened), c.title.clone())
                .field("title", ("ケース名", "title"), c.title.clone())
                .field("lead_agency", ("主担当機関", "lead agency"), lead.clone())
                .field("held", ("保有の経緯", "how this PC holds it"), held)
                .field("status", ("状況", "status"), c.status.label_ja())
                .field("opened", ("受付日", "opened"), wareki(c.opened))
                .field("problems", ("課題", "problems"), problems)
                .marked(
                    "risk",
                    ("緊急度", "urgency"),
                    c.risk.map(|r| r.label_ja()).unwrap_or(""),
                    [judgement(
                        "緊急度は職員の判断です",
                        "the urgency is the workers' judgement",
                    )],
                )
                .field("next_review", ("次回見直し", "next review"), opt_date(c.next_review))
                .marked(
                    "key_person",
                    ("キーパーソン", "key person"),
                    c.key_person.map(|p| ctx.name(p)).unwrap_or_default(),
                    [ctx.about_other(c.key_person, "キーパーソン", "the key person")],
                )
                .0,
        );
        if let Some(k) = &c.intake {
            items.push(intake_item(c, k, ctx));
        }
        if let Some(f) = &c.formulation {
            let agencies = f.agencies.iter().map(|a| ctx.agency(*a)).collect::<Vec<_>>().join("、");
            items.push(
                Item::new(
                    ItemKind::Formulation,
                    Some(c.id),
                    Some(f.date),
                    format!("全体の見立てと支援方針 {}", wareki(f.date)),
                )
                .marked(
                    "view",
                    ("全体の見立て", "overall assessment"),
                    f.view.clone(),
                    [
                        judgement(
                            "ケース全体についての見立て（評価・判断）です",
                            "the overall assessment of the case: judgement",
                        ),
                        ctx.possibly(),
                    ],
                )
                .marked(
                    "policy",
                    ("支援方針", "support policy"),
                    f.policy.clone(),
                    [ctx.possibly()],
                )
                .field(
                    "agencies",
                    ("見立てに加わった機関", "agencies that took part"),
                    agencies,
                )
                .0,
            );
        }
        if let Some(d) = &c.support_decision {
            items.push(
                Item::new(
                    ItemKind::SupportDecision,
                    Some(c.id),
                    Some(d.date),
                    format!("支援決定 {}", wareki(d.date)),
                )
                .field("by", ("決定した者", "decided by"), d.by.clone())
                .field(
                    "meeting",
                    ("会議", "meeting"),
                    d.meeting
                        .and_then(|m| self.meeting(m).ok())
                        .map(|m| format!("{} {}", m.type_label, wareki(m.date)))
                        .unwrap_or_default(),
                )
                .marked(
                    "note",
                    ("備考", "note"),
                    d.note.clone().unwrap_or_default(),
                    [ctx.possibly()],
                )
                .0,
            );
        }
        if let Some(k) = &c.closure {
            items.push(
                Item::new(
                    ItemKind::Closure,
                    Some(c.id),
                    Some(k.date),
                    format!("終結 {}", wareki(k.date)),
                )
                .field("reason", ("終結の理由", "reason"), k.reason.label_ja())
                .field(
                    "watch",
                    ("見守り先", "who keeps watching"),
                    k.watch.clone().unwrap_or_default(),
                )
                .marked(
                    "note",
                    ("備考", "note"),
                    k.note.clone().unwrap_or_default(),
                    [ctx.possibly()],
                )
                .0,
            );
        }
        if let Some(r) = &c.reopened {
            items.push(
                Item::new(
                    ItemKind::Reopening,
                    Some(c.id),
                    Some(r.date),
                    format!("再開 {}", wareki(r.date)),
                )
                .marked("reason", ("再開の理由", "reason"), r.reason.clone(), [ctx.possibly()])
                .0,
            );
        }
        let mut entries = self.assessment_entries(c.id)?;
        entries.reverse();
        for e in &entries {
            items.push(assessment_item(e, ctx));
        }
        self.plan_items(c, ctx, &mut items)?;
        let mut notes = self.notes_quiet(c.id)?;
        notes.reverse();
        for n in &notes {
            items.push(note_item(n, ctx));
        }
        let mut referrals = self.referrals_of(c.id)?;
        referrals.reverse();
        for r in referrals {
            items.push(
                Item::new(
                    ItemKind::Referral,
                    Some(r.id),
                    Some(r.date),
                    format!("つなぎ {} → {}", wareki(r.date), r.to_name),
                )
                .field("from_agency", ("つないだ機関", "from"), ctx.agency(r.from_agency))
                .field("to", ("つなぎ先", "to"), r.to_name.clone())
                .marked("reason", ("つなぐ理由", "reason"), r.reason.clone(), [ctx.possibly()])
                .field("status", ("状況", "status"), r.status.label_ja())
                .marked(
                    "response",
                    ("つなぎ先の回答", "answer"),
                    r.response.clone().unwrap_or_default(),
                    [ctx.possibly()],
                )
                .field("answered", ("回答日", "answered"), opt_date(r.answered))
                .0,
            );
        }
        self.meeting_items(c, ctx, &mut items)?;
        for d in self.disclosure_ledger_quiet(c.id)? {
            let until = match (d.until, d.what) {
                (Some(u), _) => wareki(u),
                (None, crate::DisclosureKind::Meeting) => "（会議当日）".into(),
                (None, crate::DisclosureKind::CaseRecords) => "継続中".into(),
            };
            items.push(
                Item::new(
                    ItemKind::Disclosure,
                    d.meeting,
                    Some(d.from),
                    format!("{} {}", d.agency_name, wareki(d.from)),
                )
                .field("agency", ("提供先", "to"), d.agency_name.clone())
                .field(
                    "what",
                    ("提供したもの", "what"),
                    if d.without_progress_notes {
                        format!("{}（支援経過を除く）", d.what.label_ja())
                    } else {
                        d.what.label_ja().to_string()
                    },
                )
                .field("basis", ("根拠", "legal basis"), d.basis_ja.clone())
                .field(
                    "purpose",
                    ("目的", "purpose"),
                    d.purpose.map(|p| p.label_ja()).unwrap_or(""),
                )
                .field("from", ("開始", "from"), wareki(d.from))
                .field("until", ("終了", "until"), until)
                .field(
                    "ended_reason",
                    ("終了の理由", "why it ended"),
                    d.ended_reason.clone().unwrap_or_default(),
                )
                .0,
            );
        }
        Ok(RequestSection {
            kind: SectionKind::Case,
            case: Some(c.id),
            title_ja: format!("ケース：{}", c.title),
            title_en: format!("Case: {}", c.title),
            items,
        })
    }

    fn plan_items(&self, c: &Case, ctx: &Ctx, items: &mut Vec<RequestItem>) -> Result<(), Error> {
        let versions = self.plan_versions(c.id)?;
        for p in &versions {
            let approval = match &p.approval {
                Some(a) => format!("{}の会議で承認", wareki(a.date)),
                None => "未承認".into(),
            };
            let agreement = p
                .agreement
                .as_ref()
                .map(|a| format!("{}に{}さんが合意", wareki(a.date), ctx.name(a.person)))
                .unwrap_or_default();
            items.push(
                Item::new(
                    ItemKind::Plan,
                    Some(p.id),
                    Some(p.created),
                    format!("支援プラン 第{}版（{}作成）", p.number, wareki(p.created)),
                )
                .field(
                    "period",
                    ("期間", "period"),
                    format!("{} 〜 {}", wareki(p.from), wareki(p.to)),
                )
                .marked(
                    "policy",
                    ("支援方針", "support policy"),
                    p.policy.clone(),
                    [ctx.possibly()],
                )
                .field(
                    "next_evaluation",
                    ("次回評価日", "next evaluation"),
                    opt_date(p.next_evaluation),
                )
                .field("approval", ("会議での承認", "approval"), approval)
                .marked(
                    "agreement",
                    ("本人の同意", "agreement"),
                    agreement,
                    [ctx.about_other(p.agreement.as_ref().map(|a| a.person), "合意した人", "who agreed")],
                )
                .0,
            );
        }
        let version = |g: &record::Goal| {
            g.plan
                .and_then(|p| versions.iter().find(|v| v.id == p))
                .map(|v| format!("第{}版", v.number))
                .unwrap_or_default()
        };
        let goals = self.goals_of(c.id)?;
        for g in &goals {
            let eval = g.evaluation.as_ref();
            items.push(
                Item::new(
                    ItemKind::Goal,
                    Some(g.id),
                    Some(g.date),
                    format!(
                        "目標（{}{}）",
                        version(g),
                        g.term.map(|t| format!("・{}", t.label_ja())).unwrap_or_default()
                    ),
                )
                .field("text", ("目標", "goal"), g.text.clone())
                .field("agency", ("記録した機関", "agency"), ctx.agency(g.agency))
                .marked(
                    "evaluation",
                    ("評価", "evaluation"),
                    eval.map(|e| {
                        format!(
                            "{}（{}、{}）",
                            e.result.label_ja(),
                            wareki(e.date),
                            ctx.agency(e.agency)
                        )
                    })
                    .unwrap_or_default(),
                    [judgement(
                        "目標の達成についての評価です",
                        "an evaluation of how far the goal was met",
                    )],
                )
                .marked(
                    "comment",
                    ("評価の理由", "why"),
                    eval.and_then(|e| e.comment.clone()).unwrap_or_default(),
                    [
                        judgement(
                            "目標の達成についての評価です",
                            "an evaluation of how far the goal was met",
                        ),
                        ctx.possibly(),
                    ],
                )
                .flags(false, g.retracted)
                .0,
            );
        }
        for a in self.actions_of(c.id)? {
            let goal = a
                .goal
                .and_then(|id| goals.iter().find(|g| g.id == id))
                .map(|g| g.text.clone())
                .unwrap_or_default();
            items.push(
                Item::new(
                    ItemKind::Action,
                    Some(a.id),
                    Some(a.created),
                    format!("支援内容（{}）", a.owner_agency_name),
                )
                .field("text", ("支援内容", "action"), a.text.clone())
                .field("goal", ("目標", "goal"), goal)
                .field("owner_agency", ("担当機関", "agency"), a.owner_agency_name.clone())
                .field(
                    "owner_worker",
                    ("担当者", "worker"),
                    a.owner_worker.clone().unwrap_or_default(),
                )
                .marked(
                    "owner_person",
                    ("本人・家族の役割", "carried by"),
                    a.owner_person.map(|p| ctx.name(p)).unwrap_or_default(),
                    [ctx.about_other(a.owner_person, "この支援内容を担う世帯員", "the member who carries it")],
                )
                .marked(
                    "key_person",
                    ("キーパーソン", "key person"),
                    a.key_person.map(|p| ctx.name(p)).unwrap_or_default(),
                    [ctx.about_other(a.key_person, "キーパーソン", "the key person")],
                )
                .field(
                    "frequency",
                    ("頻度", "frequency"),
                    a.frequency.clone().unwrap_or_default(),
                )
                .field("due", ("期限", "due"), opt_date(a.due))
                .field("status", ("状況", "status"), a.status.label_ja())
                .marked(
                    "note",
                    ("理由・メモ", "note"),
                    a.note.clone().unwrap_or_default(),
                    [ctx.possibly()],
                )
                .flags(false, a.retracted)
                .0,
            );
        }
        Ok(())
    }

    fn meeting_items(&self, c: &Case, ctx: &Ctx, items: &mut Vec<RequestItem>) -> Result<(), Error> {
        let case = c.id.to_string();
        let mut taken: Vec<(Meeting, AgendaItem)> = Vec::new();
        for st in load_all(&self.conn, "agenda-item", None)? {
            if !record::item_takes_up(&st, &case) {
                continue;
            }
            let Ok(item) = view::<AgendaItem>(&st) else { continue };
            let Ok(m) = self.meeting(item.meeting) else { continue };
            taken.push((m, item));
        }
        taken.sort_by(|a, b| a.0.date.cmp(&b.0.date).then(a.0.id.cmp(&b.0.id)));
        for (m, item) in &taken {
            let state = match m.finalised {
                Some(f) => format!("確定（{}）", wareki(f)),
                None => "未確定".into(),
            };
            items.push(
                Item::new(
                    ItemKind::Meeting,
                    Some(m.id),
                    Some(m.date),
                    format!("{} {}", m.type_label, wareki(m.date)),
                )
                .field(
                    "meeting",
                    ("会議", "meeting"),
                    format!("{}（根拠：{}）", m.type_label, m.legal_basis),
                )
                .field(
                    "attendees",
                    ("出席機関", "attendees"),
                    m.attendees
                        .iter()
                        .map(|a| ctx.agency(*a))
                        .collect::<Vec<_>>()
                        .join("、"),
                )
                .field("state", ("記録", "record"), state)
                .marked(
                    "discussion",
                    ("主な意見", "discussion"),
                    item.discussion.clone().unwrap_or_default(),
                    [
                        judgement(
                            "会議での関係機関の意見（評価・判断）です",
                            "what the agencies said at the meeting: their judgement",
                        ),
                        ctx.possibly(),
                    ],
                )
                .marked(
                    "decisions",
                    ("決定事項", "decisions"),
                    item.decisions.join("\n"),
                    [ctx.possibly()],
                )
                .field("next_review", ("次回見直し", "next review"), opt_date(item.next_review))
                .0,
            );
        }
        let meetings: BTreeSet<Uuid> = taken.iter().map(|(m, _)| m.id).collect();
        let mut corrections: Vec<Correction> = Vec::new();
        for m in &meetings {
            corrections.extend(
                load_all(&self.conn, "correction", Some(*m))?
                    .iter()
                    .filter_map(|st| view::<Correction>(st).ok())
                    .filter(|k| k.case == Some(c.id)),
            );
        }
        corrections.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
        for k in corrections {
            items.push(
                Item::new(
                    ItemKind::Correction,
                    Some(k.id),
                    Some(k.date),
                    format!("会議記録の訂正 {}（{}）", wareki(k.date), ctx.agency(k.agency)),
                )
                .marked("text", ("訂正内容", "correction"), k.text.clone(), [ctx.possibly()])
                .0,
            );
        }
        Ok(())
    }

    /// Records of other households that the person's name finds: the same person registered
    /// twice (a member who moved out), or a note that names them. Only a pointer to each; the
    /// reviewer decides whether it is about the person.
    fn elsewhere_section(&self, me: &Person, cases: &[Case], ctx: &Ctx) -> Result<RequestSection, Error> {
        let ours: BTreeSet<Uuid> = cases.iter().map(|c| c.id).collect();
        let mut items = Vec::new();
        for hit in self.search_quiet(&me.full_name())? {
            let elsewhere = match hit.kind {
                "person" => hit.id != ctx.person && hit.household != Some(me.household),
                "note" => hit.case.is_some_and(|c| !ours.contains(&c)),
                _ => false,
            };
            if !elsewhere {
                continue;
            }
            let (what_ja, what_en) = if hit.kind == "person" {
                ("同じ氏名の世帯員", "a member with the same name")
            } else {
                ("氏名が書かれた支援経過", "a contact-log entry naming them")
            };
            items.push(
                Item::new(
                    ItemKind::Elsewhere,
                    Some(hit.id),
                    None,
                    format!("{what_ja}（{}）", hit.context),
                )
                .field("kind", ("種類", "kind"), what_ja)
                .field("label", ("内容", "what"), hit.label.clone())
                .field("detail", ("詳細", "detail"), hit.detail.clone())
                .field("where", ("世帯・ケース", "where"), hit.context.clone())
                .mark(third_party(
                    "別の世帯の記録です。同じ人か、本人についての記述かを確かめてください",
                    format!("a record of another household ({what_en}); check whether it is about the person"),
                ))
                .0,
            );
        }
        Ok(RequestSection {
            kind: SectionKind::Elsewhere,
            case: None,
            title_ja: "他の世帯の記録（氏名で見つかったもの）".into(),
            title_en: "Records of other households found by the name".into(),
            items,
        })
    }
}

fn person_item(p: &Person, kind: ItemKind, mark: Option<ReviewMark>) -> RequestItem {
    let birth = match (&p.birth, &p.birth_wareki) {
        (Some(b), Some(w)) => format!("{w}（{b}）"),
        _ => String::new(),
    };
    Item::new(kind, Some(p.id), None, p.full_name())
        .field("name", ("氏名", "name"), p.full_name())
        .field("kana", ("ふりがな", "reading"), crate::ja::to_hiragana(&p.full_kana()))
        .field("birth", ("生年月日", "born"), birth)
        .field(
            "age",
            ("年齢", "age"),
            p.age.map(|a| format!("{a}歳")).unwrap_or_default(),
        )
        .field("sex", ("性別", "sex"), p.sex.label_ja())
        .field("relation", ("続柄", "relation"), p.relation.clone())
        .field(
            "living_together",
            ("同居", "living together"),
            if p.living_together { "同居" } else { "別居" },
        )
        .field(
            "deceased",
            ("死亡日", "died"),
            p.deceased.map(|d| d.wareki()).unwrap_or_default(),
        )
        .field("expecting", ("出産予定日", "expecting"), opt_date(p.expecting))
        .field(
            "archived",
            ("記録の状態", "state"),
            if p.archived { "アーカイブ済み" } else { "" },
        )
        .mark(mark)
        .0
}

fn intake_item(c: &Case, k: &record::Intake, ctx: &Ctx) -> RequestItem {
    // Whose words the 主訴 and the situation are: the person's own only when the visitor was the
    // case's 本人 and that is the person asking.
    let said = match k.visitor {
        Visitor::Person if case_person(c, ctx) == Some(ctx.person) => None,
        Visitor::Person => {
            let who = case_person(c, ctx)
                .map(|p| ctx.name(p))
                .unwrap_or_else(|| "本人".into());
            third_party(
                format!("ケースの本人（{who}さん）が話した内容です"),
                format!("said by the case's person ({who})"),
            )
        }
        v => {
            let who = match &k.visitor_name {
                Some(n) => format!("{}：{n}", v.label_ja()),
                None => v.label_ja().to_string(),
            };
            third_party(
                format!("来談者（{who}）が話した内容です。来談者が請求した本人でなければ第三者の情報です"),
                format!("said by the visitor ({who}); a third party's unless the visitor is the person asking"),
            )
        }
    };
    let visitor_mark = (k.visitor != Visitor::Person)
        .then(|| ReviewMark::new(MarkKind::ThirdParty, "来談者についての情報です", "about the visitor"));
    let when = match &k.time {
        Some(t) => format!("{} {t}", wareki(k.date)),
        None => wareki(k.date),
    };
    Item::new(
        ItemKind::Intake,
        Some(c.id),
        Some(k.date),
        format!("相談受付 {}", wareki(k.date)),
    )
    .field("date", ("受付日時", "received"), when)
    .field("received_by", ("受付者", "received by"), k.received_by.clone())
    .field("route", ("相談経路", "route"), k.route.label_ja())
    .marked(
        "referrer",
        ("紹介元", "referred by"),
        k.referrer.clone().unwrap_or_default(),
        [third_party(
            "紹介した人・機関についての情報です",
            "about who referred the case",
        )],
    )
    .field("visitor", ("来談者", "who came"), k.visitor.label_ja())
    .marked(
        "visitor_name",
        ("来談者の氏名・続柄", "visitor"),
        k.visitor_name.clone().unwrap_or_default(),
        [visitor_mark],
    )
    .marked(
        "complaint",
        ("主訴", "main complaint"),
        k.complaint.clone(),
        [said.clone()],
    )
    .marked(
        "situation",
        ("世帯の状況", "household situation"),
        k.situation.clone().unwrap_or_default(),
        [said.clone(), if said.is_none() { ctx.possibly() } else { None }],
    )
    .field(
        "consent",
        ("本人同意", "consent"),
        if k.consent.is_some() { "あり" } else { "なし" },
    )
    .0
}

fn assessment_item(e: &AssessmentEntry, ctx: &Ctx) -> RequestItem {
    let domain = crate::reference::assessment_domain(&e.domain)
        .map(|d| d.label_ja)
        .unwrap_or(&e.domain);
    let about = match e.person {
        Some(p) => format!("{}さん", ctx.name(p)),
        None => "世帯全体".into(),
    };
    // Facts about the household as a whole may concern others; facts about the person do not.
    let fact = if e.person.is_none() { ctx.possibly() } else { None };
    // The engine's own list of judgement fields decides the mark, so a field added to it is
    // marked here too.
    let judged = |field: &str| {
        AssessmentEntry::JUDGEMENT_FIELDS.contains(&field).then(|| {
            ReviewMark::new(
                MarkKind::Judgement,
                "記録した職員の見立て（評価・判断）です",
                "the worker's judgement (assessment), not a fact found",
            )
        })
    };
    Item::new(
        ItemKind::Assessment,
        Some(e.id),
        Some(e.date),
        format!("{domain}（{about}）{} {}", wareki(e.date), e.agency_name),
    )
    .field("domain", ("領域", "domain"), domain)
    .field("about", ("対象", "about"), about)
    .field("agency", ("記録した機関", "agency"), e.agency_name.clone())
    .field(
        "worker",
        ("記録した職員", "worker"),
        ctx.workers.get(&e.worker).cloned().unwrap_or_default(),
    )
    .marked(
        "seen",
        ("把握した状況（事実）", "what was found"),
        e.seen.clone(),
        [judged("seen"), fact.clone()],
    )
    .marked(
        "judgement",
        ("見立て（課題の背景・判断）", "judgement"),
        e.judgement.clone().unwrap_or_default(),
        [judged("judgement"), fact.clone()],
    )
    .marked(
        "strengths",
        ("強み", "strengths"),
        e.strengths.clone().unwrap_or_default(),
        [judged("strengths"), fact.clone()],
    )
    .marked(
        "needs",
        ("ニーズ", "needs"),
        e.needs.clone().unwrap_or_default(),
        [judged("needs"), fact],
    )
    .marked(
        "risk",
        ("緊急度", "risk"),
        e.risk.map(|r| r.label_ja()).unwrap_or(""),
        [judged("risk")],
    )
    .field(
        "no_contact",
        ("関わり・連絡を拒否（援助拒否）", "does not want contact"),
        if e.no_contact { yes(true) } else { "" },
    )
    .mark(ctx.about_other(e.person, "ほかの世帯員", "another member"))
    .flags(false, e.retracted)
    .0
}

fn note_item(n: &record::Note, ctx: &Ctx) -> RequestItem {
    let worker = ctx.workers.get(&n.worker).cloned().unwrap_or_default();
    let agency = ctx.agency(n.agency);
    let outreach = n.outreach.as_ref();
    Item::new(
        ItemKind::Note,
        Some(n.id),
        Some(n.date),
        format!(
            "{} {} {agency}（{worker}）{}",
            wareki(n.date),
            n.kind.label_ja(),
            if n.internal { "　機関内メモ" } else { "" }
        ),
    )
    .field("kind", ("種別", "kind"), n.kind.label_ja())
    .field("agency", ("記録した機関", "agency"), agency)
    .field("worker", ("記録した職員", "worker"), worker)
    .field(
        "time",
        ("時刻", "time"),
        outreach.and_then(|o| o.time.clone()).unwrap_or_default(),
    )
    .marked(
        "contacted",
        ("会えた・話した相手", "whom the worker reached"),
        outreach.and_then(|o| o.contacted.clone()).unwrap_or_default(),
        [ctx.possibly()],
    )
    .field(
        "outcome",
        ("結果", "outcome"),
        outreach.map(|o| o.outcome.label_ja()).unwrap_or(""),
    )
    .marked("text", ("内容", "text"), n.text.clone(), [ctx.possibly()])
    .field(
        "internal",
        ("区分", "kept"),
        if n.internal {
            "機関内メモ（共有しない）"
        } else {
            ""
        },
    )
    .flags(n.internal, n.retracted)
    .0
}
