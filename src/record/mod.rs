//! Plain records — households, persons, relationships, cases, consent, contact log, the agency
//! directory — as typed views over derived state, and the vault operations that write them.
//! Validation happens here, before any op is written: a refused input leaves no trace.

mod assessment;
mod case;
mod closure;
mod consent;
mod directory;
mod household;
mod intake;
mod note;
mod person;
mod plan;
mod plan_version;
mod relation;
mod roster;
mod share;

use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};
use uuid::Uuid;

pub use assessment::{AssessmentEntry, AssessmentRevision, DomainView, Formulation, NewAssessmentEntry};
pub(crate) use case::CaseHead;
pub use case::{Case, CaseDetail, CaseFilter, CaseStatus, CaseSummary, CaseUpdate, NewCase, Risk};
pub use closure::{Closure, ClosureReason, NewClosure, Reopening, SupportDecision};
pub(crate) use consent::ConsentUse;
pub use consent::{Consent, ConsentGiver, ConsentHow, ConsentPurpose, InfoKind, NewConsent};
pub use directory::{Agency, Worker};
pub use household::{Household, HouseholdDetail, HouseholdFilter, HouseholdSummary, HouseholdUpdate, NewHousehold};
pub use intake::{Intake, IntakeRoute, NewIntake, Visitor};
pub use note::{ContactOutcome, NewNote, Note, NoteKind, Outreach, OutreachSummary};
pub use person::{NewPerson, Person, PersonUpdate, Sex};
pub use plan::{
    Action, ActionStatus, ActionTag, ActionUpdate, Evaluation, Goal, GoalResult, GoalTerm, NewAction, RoleAgency,
    RoleMatrix,
};
pub use plan_version::{NewPlanVersion, PLAN_APPROVING_CONFERENCES, PlanAgreement, PlanApproval, PlanVersion};
pub use relation::{NewRelation, PartnerStatus, Relation, RelationKind};
pub use roster::{NewRosterEntry, RosterEntry, roster_basis};
pub(crate) use roster::{rosters_in_force, set_keeper as set_roster_keeper};
pub use share::{Basis, Share};

#[cfg(feature = "seed")]
pub(crate) use assessment::insert as insert_assessment;
#[cfg(feature = "seed")]
pub(crate) use case::insert as insert_case;
#[cfg(feature = "seed")]
pub(crate) use consent::insert as insert_consent;
#[cfg(feature = "seed")]
pub(crate) use household::insert as insert_household;
#[cfg(feature = "seed")]
pub(crate) use note::insert as insert_note;
#[cfg(feature = "seed")]
pub(crate) use person::insert as insert_person;
pub(crate) use plan::insert_action;
#[cfg(feature = "seed")]
pub(crate) use relation::insert as insert_relation;

use kasane_store::{Kind, StoreError};

use crate::{
    ja::{DateError, DateField, Era, EraProblem, wareki},
    log::EntityState,
};

/// A message in both languages Kasane speaks, for refusals whose wording depends on the case.
/// Displays in English (logs, the CLI's default); `ja` is what a case worker reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub ja: String,
    pub en: String,
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// `msg!(ja: "…{x}…", en: "…{x}…")` builds a `Msg` from two format strings.
macro_rules! msg {
    (ja: $ja:expr, en: $en:expr $(,)?) => {
        $crate::record::Msg {
            ja: format!($ja),
            en: format!($en),
        }
    };
}
pub(crate) use msg;

/// The longest free text we accept in one field; a contact-log entry is rarely over 2,000.
pub const MAX_TEXT_CHARS: usize = 20_000;

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{field} is too long ({chars} characters; at most {max})")]
    TooLong {
        field: &'static str,
        chars: usize,
        max: usize,
    },
    #[error("\"{0}\" is not a district code; use one of: {1}")]
    UnknownDistrict(String, String),
    #[error("\"{0}\" is not a problem code (see `kasane problems` for the list)")]
    UnknownProblem(String),
    #[error("{field} must be written in kana (hiragana or katakana), not \"{value}\"")]
    NotKana { field: &'static str, value: String },
    #[error("\"{value}\" is not a valid {field}; use one of: {allowed}")]
    BadChoice {
        field: &'static str,
        value: String,
        allowed: &'static str,
    },
    #[error(transparent)]
    Date(#[from] DateError),
    #[error("{0}")]
    Inconsistent(Msg),
    #[error("agency {0} is not in the directory of these case records")]
    UnknownAgency(Uuid),
    /// A name (or code) more than one agency answers to; the message lists them.
    #[error("{0}")]
    AmbiguousAgency(Msg),
    #[error("the record {0} does not exist")]
    NotFound(Uuid),
    #[error("{0}")]
    Refused(Msg),
    /// Changing the share set or handing over the lead is for the lead agency.
    #[error("only the lead agency of this case ({lead}) can change who it is shared with or hand over the lead")]
    NotLead { lead: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

kasane_store::carries_store_errors!(RecordError);

impl RecordError {
    pub fn kind(&self) -> Kind {
        match self {
            RecordError::Store(e) => e.kind(),
            RecordError::NotFound(_) => Kind::NotFound,
            RecordError::Refused(_) | RecordError::NotLead { .. } => Kind::Refused,
            _ => Kind::BadInput,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            RecordError::Store(e) => e.code(),
            RecordError::Missing(_) => "input.missing",
            RecordError::TooLong { .. } => "input.too-long",
            RecordError::UnknownDistrict(..) => "input.unknown-district",
            RecordError::UnknownProblem(_) => "input.unknown-problem",
            RecordError::NotKana { .. } => "input.not-kana",
            RecordError::BadChoice { .. } => "input.bad-choice",
            RecordError::Date(_) => "input.bad-date",
            RecordError::Inconsistent(_) => "input.inconsistent",
            RecordError::UnknownAgency(_) => "input.unknown-agency",
            RecordError::AmbiguousAgency(_) => "input.ambiguous-agency",
            RecordError::NotFound(_) => "record.not-found",
            RecordError::Refused(_) => "refused",
            RecordError::NotLead { .. } => "share.not-lead",
        }
    }

    /// The message in Japanese, as a case worker reads it: what happened and what to do.
    pub fn message_ja(&self) -> String {
        match self {
            RecordError::Store(e) => e.message_ja(),
            RecordError::Missing(f) => format!("{}を入力してください", field_ja(f)),
            RecordError::TooLong { field, chars, max } => {
                format!("{}が長すぎます（{chars}文字。{max}文字まで）", field_ja(field))
            }
            RecordError::UnknownDistrict(code, _) => format!("「{code}」は地区のコードではありません"),
            RecordError::UnknownProblem(code) => format!("「{code}」は課題のコードではありません"),
            RecordError::NotKana { field, value } => format!(
                "{}はひらがなかカタカナで入力してください（「{value}」）",
                field_ja(field)
            ),
            RecordError::BadChoice { field, value, .. } => format!("「{value}」は{}として選べません", field_ja(field)),
            RecordError::Date(d) => date_ja(d),
            RecordError::Inconsistent(m) | RecordError::Refused(m) => m.ja.clone(),
            RecordError::UnknownAgency(_) => "その機関は機関一覧に登録されていません".into(),
            RecordError::AmbiguousAgency(m) => m.ja.clone(),
            RecordError::NotFound(_) => "その記録はこの記録データにありません".into(),
            RecordError::NotLead { lead } => {
                format!("共有先の変更や主担当の引き継ぎは主担当機関（{lead}）だけができます")
            }
        }
    }
}

/// Trims and requires non-empty text of sensible length.
pub(crate) fn require_text(field: &'static str, s: &str) -> Result<String, RecordError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(RecordError::Missing(field));
    }
    limit(field, t)?;
    Ok(t.to_string())
}

/// Optional text: blank means absent.
pub(crate) fn optional_text(field: &'static str, s: Option<&str>) -> Result<Option<String>, RecordError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => {
            limit(field, t)?;
            Ok(Some(t.to_string()))
        }
    }
}

fn limit(field: &'static str, t: &str) -> Result<(), RecordError> {
    let chars = t.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(RecordError::TooLong {
            field,
            chars,
            max: MAX_TEXT_CHARS,
        });
    }
    Ok(())
}

pub(crate) fn district_code(code: &str) -> Result<String, RecordError> {
    let code = code.trim();
    crate::reference::district(code)
        .map(|d| d.code.to_string())
        .ok_or_else(|| {
            RecordError::UnknownDistrict(
                code.to_string(),
                crate::reference::districts()
                    .iter()
                    .map(|d| d.code)
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
}

/// Builds the field map of an op.
#[derive(Debug, Default)]
pub(crate) struct Fields(Map<String, Value>);

impl Fields {
    pub fn new() -> Self {
        Fields(Map::new())
    }
    pub fn put(mut self, k: &str, v: impl Serialize) -> Self {
        self.0
            .insert(k.to_string(), serde_json::to_value(v).unwrap_or(Value::Null));
        self
    }
    /// Sets `k` only when `v` is Some (for partial updates).
    pub fn maybe<T: Serialize>(self, k: &str, v: Option<T>) -> Self {
        match v {
            Some(v) => self.put(k, v),
            None => self,
        }
    }
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }
}

/// A typed record read from derived state.
pub(crate) trait Record: DeserializeOwned {
    const ETYPE: &'static str;
    /// Fills what is not stored in the fields: id, parent, conflicts, derived display values.
    fn set_meta(&mut self, st: &EntityState);
}

pub(crate) fn conflicts_of(st: &EntityState) -> Vec<String> {
    st.conflicted_fields().into_iter().map(str::to_string).collect()
}

pub(crate) fn view<T: Record>(st: &EntityState) -> Result<T, RecordError> {
    if st.etype != T::ETYPE {
        return Err(RecordError::NotFound(st.id));
    }
    // Read from the map in place: cloning it first cost a tenth of every list's time.
    let mut r = T::deserialize(&st.fields).map_err(|e| {
        let (t, id) = (T::ETYPE, st.id);
        RecordError::Inconsistent(
            msg!(ja: "保存されている{t} {id} を読み取れません: {e}", en: "stored {t} {id} cannot be read: {e}"),
        )
    })?;
    r.set_meta(st);
    Ok(r)
}

/// Choice enums take either their English code or the Japanese label people use.
macro_rules! choice {
    ($(#[$m:meta])* $name:ident, $field:literal, { $($variant:ident = $code:literal / $ja:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn label_ja(self) -> &'static str {
                match self { $($name::$variant => $ja),+ }
            }
            pub fn parse(s: &str) -> Result<$name, $crate::record::RecordError> {
                let t = s.trim();
                // A label may explain itself in brackets (実施できず（本人・状況の事情）); the word
                // before them is accepted too.
                $(if t.eq_ignore_ascii_case($code) || t == $ja || $ja.split_once('（').is_some_and(|(short, _)| t == short) {
                    return Ok($name::$variant);
                })+
                Err($crate::record::RecordError::BadChoice {
                    field: $field,
                    value: t.to_string(),
                    allowed: concat!($($code, " (", $ja, ") "),+),
                })
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use choice;

pub(crate) use crate::log::load_all;

/// Whether an agenda item takes `case` up (it names the case and was not taken off). Meetings sit
/// above records, so records read their items as fields.
pub(crate) fn item_takes_up(item: &EntityState, case: &str) -> bool {
    item.fields.get("case").and_then(|v| v.as_str()) == Some(case)
        && item.fields.get("removed").and_then(|v| v.as_bool()) != Some(true)
}

/// Whether a meeting's agenda takes a case up.
pub(crate) fn meeting_takes_up(conn: &rusqlite::Connection, meeting: Uuid, case: Uuid) -> Result<bool, RecordError> {
    let case = case.to_string();
    Ok(load_all(conn, "agenda-item", Some(meeting))?
        .iter()
        .any(|st| item_takes_up(st, &case)))
}

/// One entity of an expected type, or NotFound.
pub(crate) fn load_one(conn: &rusqlite::Connection, id: Uuid, etype: &'static str) -> Result<EntityState, RecordError> {
    match crate::log::load_entity(conn, id)? {
        Some(st) if st.etype == etype => Ok(st),
        Some(st) => Err(crate::log::LogError::WrongType {
            id,
            expected: etype,
            found: st.etype,
        }
        .into()),
        None => Err(RecordError::NotFound(id)),
    }
}

fn field_ja(f: &str) -> &str {
    match f {
        "label" => "世帯名",
        "family name" => "姓",
        "given name" => "名",
        "family name reading" => "姓のふりがな",
        "given name reading" => "名のふりがな",
        "relation" => "続柄",
        "title" => "ケース名",
        "text" => "内容",
        "scope" => "同意の文言",
        "giver name" => "代理人の氏名",
        "giver relation" => "本人との関係",
        "witness" => "立会人",
        "until" => "同意の期間の終わり",
        "who consented" => "同意した人",
        "purpose of the consent" => "同意の目的",
        "kind of information" => "情報の種類",
        "reason" => "理由",
        "agency" | "agency name" => "機関",
        "site" => "端末名",
        "worker" | "name" => "担当者名",
        "address" => "住所",
        "phone" => "電話番号",
        "place" => "場所",
        "goal" => "目標",
        "action" => "支援内容",
        "what was seen" => "把握した状況",
        "judgement" => "見立て",
        "overall assessment" => "全体の見立て",
        "support policy" | "the support policy (支援方針)" => "支援方針",
        "received by" => "受付者",
        "referred by" => "紹介元",
        "who came" => "来談者",
        "main complaint" => "主訴",
        "household situation" => "世帯の状況",
        "intake route" => "相談経路",
        "goal term" => "目標の種類",
        "evaluation" => "評価",
        "comment" => "評価の理由",
        "frequency" => "頻度",
        "the last day of the plan period" => "支援プランの期間の終わり",
        "a comment saying why the goal was not fully met" => "達成しなかった理由",
        "correction" => "訂正内容",
        "sex" => "性別",
        "status" => "状況",
        "risk" => "緊急度",
        "contact kind" => "種別",
        "consent method" => "同意の方法",
        "relation kind" => "関係",
        "partner status" => "パートナーの状態",
        "legal basis" => "法的根拠",
        "action status" => "支援内容の状況",
        "referral status" => "つなぎの状況",
        "assessment domain" => "見立ての領域",
        "document" => "印刷する資料",
        "sort" => "並び順",
        "at least one attendee agency" => "出席する機関（1つ以上）",
        "at least one field to change" => "変更する項目（1つ以上）",
        other => other,
    }
}

fn era_ja(era: Era, problem: EraProblem) -> String {
    let name = era.name_ja();
    match (problem, era.end()) {
        (EraProblem::BeforeStart, _) => format!("{name}は{}に始まりました", wareki(era.start())),
        (EraProblem::AfterEnd, Some(end)) => format!("{name}は{}に終わりました", wareki(end)),
        (EraProblem::AfterEnd, None) => format!("{name}はまだ続いています"),
        (EraProblem::YearZero, _) => format!("{name}は元年（1年）から数えます。0年はありません"),
    }
}

fn date_ja(e: &DateError) -> String {
    match e {
        DateError::Empty => {
            "日付が入力されていません。2024-06-14、R6.6.14、令和6年6月14日のように入力してください".into()
        }
        DateError::Unrecognised(s) => {
            format!("「{s}」は日付として読めません。2024-06-14、R6.6.14、令和6年6月14日のように入力してください")
        }
        DateError::OutOfRange {
            input,
            field,
            value,
            min,
            max,
        } => {
            let f = match field {
                DateField::Year => "年",
                DateField::Month => "月",
                DateField::Day => "日",
            };
            format!("「{input}」の{f}（{value}）は{min}〜{max}の範囲で入力してください")
        }
        DateError::DayNotInMonth {
            input,
            year,
            month,
            days,
            ..
        } => format!("「{input}」：{year}年{month}月は{days}日までです"),
        DateError::NotInEra { input, era, problem } => {
            format!("「{input}」は存在しない日付です。{}", era_ja(*era, *problem))
        }
        DateError::Incomplete(s) => format!("「{s}」は年月日がそろっていません。年・月・日をすべて入力してください"),
    }
}
