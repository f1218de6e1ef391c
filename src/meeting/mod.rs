//! Support meetings (支援会議, 重層的支援会議, 個別ケース検討会議, 実務者会議, 地域ケア会議): the
//! meeting with its type (which fixes the legal basis and the confidentiality statement), its
//! agenda built from proposals, the record made during the meeting, and finalisation, after
//! which the record is read-only and corrections are new entries. A meeting is its own scope,
//! shared with its attendee agencies.

mod ledger;
mod propose;

use kasane_store::{Kind, StoreError};
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

pub use ledger::{LedgerFilter, LedgerRow, LedgerSort};
pub use propose::{Access, AgendaProposals, Flag, PROPOSALS_SHOWN, Proposal, ProposalReason, ReasonCount, weight};

use crate::{
    Vault,
    ja::Date,
    log::{EntityState, Scope},
    record::{self, Fields, NewAction, Record, RecordError, load_all, load_one, optional_text, require_text, view},
    share::{Basis, ShareError},
};

#[derive(Debug, thiserror::Error)]
pub enum MeetingError {
    #[error(
        "\"{0}\" is not a meeting type; use one of: shien-kaigi, jusoteki-shien-kaigi, kobetsu-case-kento, jitsumusha-kaigi, chiiki-care-kaigi, konkyu-shien-kaigi, shien-chosei-kaigi, consent-only"
    )]
    UnknownType(String),
    #[error("this meeting's record is finalised and read-only; add a correction instead")]
    Finalised,
    #[error("the case is already on the agenda")]
    AlreadyOnAgenda,
    #[error("the case is not on the agenda")]
    NotOnAgenda,
    #[error("{0}")]
    ConsentMissing(record::Msg),
    /// The case is not one the meeting's law lets it take up (要対協: children; 地域ケア会議: older
    /// people; the 困窮 meetings: financial hardship); the message says what the records lack.
    #[error("{0}")]
    OutsideRemit(record::Msg),
    /// An attendee is not on the roster (構成員名簿) of the meeting's conference on its day.
    #[error("{0}")]
    NotOnRoster(record::Msg),
    #[error(
        "only the lead agency ({lead}) can share this case with {missing}; ask them to, or take those agencies off the attendee list"
    )]
    NotShareable { lead: String, missing: String },
    #[error("these agenda items have no next review date yet: {0}; set one (or close the case) before finalising")]
    ReviewMissing(String),
    #[error("only the coordinating agency records this meeting")]
    NotCoordinator,
    #[error("this agency leads the case: put it on the agenda, which discloses it to the attendees")]
    OwnLead,
    #[error("every attendee already sees this case; put it on the agenda")]
    AlreadyShared,
    #[error("this request does not ask for the case to be disclosed for a meeting")]
    NotShareRequest,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    Share(#[from] ShareError),
}

kasane_store::carries_store_errors!(MeetingError);

impl MeetingError {
    pub fn kind(&self) -> Kind {
        match self {
            MeetingError::Store(e) => e.kind(),
            MeetingError::Record(e) => e.kind(),
            MeetingError::Share(e) => e.kind(),
            MeetingError::UnknownType(_) => Kind::BadInput,
            _ => Kind::Refused,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            MeetingError::Store(e) => e.code(),
            MeetingError::Record(e) => e.code(),
            MeetingError::Share(e) => e.code(),
            MeetingError::UnknownType(_) => "meeting.unknown-type",
            MeetingError::Finalised => "meeting.finalised",
            MeetingError::AlreadyOnAgenda => "meeting.already-on-agenda",
            MeetingError::NotOnAgenda => "meeting.not-on-agenda",
            MeetingError::ConsentMissing(_) => "meeting.consent-missing",
            MeetingError::OutsideRemit(_) => "meeting.outside-remit",
            MeetingError::NotOnRoster(_) => "meeting.not-on-roster",
            MeetingError::NotShareable { .. } => "meeting.not-shareable",
            MeetingError::ReviewMissing(_) => "meeting.review-missing",
            MeetingError::NotCoordinator => "meeting.not-coordinator",
            MeetingError::OwnLead => "meeting.own-lead",
            MeetingError::AlreadyShared => "meeting.already-shared",
            MeetingError::NotShareRequest => "meeting.not-share-request",
        }
    }

    /// The message in Japanese, as a case worker reads it: what happened and what to do.
    pub fn message_ja(&self) -> String {
        match self {
            MeetingError::Store(e) => e.message_ja(),
            MeetingError::Record(e) => e.message_ja(),
            MeetingError::Share(e) => e.message_ja(),
            MeetingError::UnknownType(t) => format!("「{t}」は会議の種類ではありません"),
            MeetingError::Finalised => "この会議の記録は確定済みで変更できません。訂正を追加してください".into(),
            MeetingError::AlreadyOnAgenda => "このケースはすでに検討ケースに入っています".into(),
            MeetingError::NotOnAgenda => "このケースは検討ケースに入っていません".into(),
            MeetingError::ConsentMissing(m) | MeetingError::OutsideRemit(m) | MeetingError::NotOnRoster(m) => {
                m.ja.clone()
            }
            MeetingError::NotShareable { lead, missing } => format!(
                "{missing}とこのケースを共有できるのは主担当機関（{lead}）だけです。主担当に依頼するか、出席機関から外してください"
            ),
            MeetingError::ReviewMissing(items) => format!(
                "次回見直し日が未設定の検討ケースがあります：{items}。確定の前に設定してください（終結するケースは不要）"
            ),
            MeetingError::NotCoordinator => "この会議の記録は事務局の機関だけが行えます".into(),
            MeetingError::OwnLead => {
                "このケースの主担当はこの機関です。検討ケースに入れると出席機関に情報提供されます".into()
            }
            MeetingError::AlreadyShared => "出席機関はすべてこのケースを見られます。検討ケースに入れてください".into(),
            MeetingError::NotShareRequest => "この依頼は会議のための情報提供の依頼ではありません".into(),
        }
    }
}

/// The attendees a case must be disclosed to for a meeting (those in `to`, every attendee when
/// None): all but its lead, save those with a share lasting to the disclosure's last day (an
/// earlier disclosure ending sooner is extended). One rule for the agenda and for its proposals.
pub(crate) fn without_access(
    attendees: &[Uuid],
    lead: Uuid,
    shares: &[impl propose::Reach],
    until: Date,
    to: Option<&[Uuid]>,
) -> Vec<Uuid> {
    attendees
        .iter()
        .copied()
        .filter(|a| *a != lead && to.is_none_or(|to| to.contains(a)))
        .filter(|a| !propose::sees_until(shares, *a, until))
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meeting {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    /// A code from conference-types.tsv.
    #[serde(rename = "type")]
    pub kind: String,
    /// Meetings of one series follow each other ("cases new since the last meeting").
    pub series: String,
    pub date: Date,
    /// "14:00" as typed.
    #[serde(default)]
    pub time: Option<String>,
    pub place: String,
    #[serde(default)]
    pub chair: Option<Uuid>,
    pub coordinator: Uuid,
    pub attendees: Vec<Uuid>,
    #[serde(default)]
    pub present: Vec<Uuid>,
    #[serde(default)]
    pub apologies: Vec<Uuid>,
    #[serde(default)]
    pub observers: Vec<String>,
    #[serde(default)]
    pub finalised: Option<Date>,
    #[serde(skip_deserializing)]
    pub type_label: String,
    #[serde(skip_deserializing)]
    pub legal_basis: String,
    /// The confidentiality statement printed on every page, in Japanese.
    #[serde(skip_deserializing)]
    pub confidentiality: String,
    #[serde(skip_deserializing)]
    pub confidentiality_en: String,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

/// What members of each kind of meeting are bound by, as the handout says it (for a form that
/// shows it before the meeting exists).
pub fn confidentiality_ja(kind: &str) -> &'static str {
    match kind {
        "shien-kaigi" => "本会議の構成員には社会福祉法第106条の6に基づく守秘義務（罰則付き）があります。",
        "jusoteki-shien-kaigi" => "本人の同意に基づき、本会議で定めた取扱いに従って情報を共有します。",
        "kobetsu-case-kento" | "jitsumusha-kaigi" => "構成員には児童福祉法第25条の5に基づく守秘義務があります。",
        "chiiki-care-kaigi" => "構成員には介護保険法第115条の48に基づく守秘義務があります。",
        "konkyu-shien-kaigi" => {
            "本会議の構成員には生活困窮者自立支援法第9条第5項に基づく守秘義務（罰則付き）があります。"
        }
        _ => "本人が同意した範囲に限って利用します。",
    }
}

impl Record for Meeting {
    const ETYPE: &'static str = "meeting";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = record::conflicts_of(st);
        if let Some(t) = crate::reference::conference_type(&self.kind) {
            self.type_label = t.label_ja.to_string();
            self.legal_basis = t.legal_basis.to_string();
            self.confidentiality = confidentiality_ja(&self.kind).to_string();
            self.confidentiality_en = t.confidentiality.to_string();
        }
    }
}

/// A case on the agenda, with what was recorded about it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgendaItem {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub meeting: Uuid,
    pub case: Uuid,
    /// Why it is on the agenda (proposal reason codes, or "added").
    pub reasons: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub order: i64,
    pub minutes: u32,
    #[serde(default)]
    pub removed: bool,
    #[serde(default)]
    pub discussion: Option<String>,
    #[serde(default)]
    pub decisions: Vec<String>,
    #[serde(default)]
    pub next_review: Option<Date>,
    /// (assessment entry, version op) at finalisation: what "changed since" compares against.
    #[serde(default)]
    pub snapshot: Vec<(Uuid, Uuid)>,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for AgendaItem {
    const ETYPE: &'static str = "agenda-item";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = record::conflicts_of(st);
    }
}

/// A correction to a finalised record (the record itself stays as it was).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Correction {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub meeting: Uuid,
    #[serde(default)]
    pub case: Option<Uuid>,
    pub text: String,
    pub agency: Uuid,
    pub date: Date,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Correction {
    const ETYPE: &'static str = "correction";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = record::conflicts_of(st);
    }
}

#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub kind: String,
    pub series: Option<String>,
    pub date: Date,
    pub time: Option<String>,
    pub place: String,
    pub chair: Option<Uuid>,
    pub attendees: Vec<Uuid>,
}

/// What is recorded for one agenda item during the meeting.
#[derive(Debug, Clone, Default)]
pub struct ItemRecord {
    pub discussion: Option<String>,
    pub decisions: Vec<String>,
    pub next_review: Option<Date>,
    pub actions: Vec<NewAction>,
    /// The meeting decides that these attendees keep the case after the disclosure for the
    /// meeting ends, under a basis of its own.
    pub lasting: Option<LastingShare>,
}

/// What putting a case on an agenda discloses: to which attendees (every one when None), and
/// whether the case's shared contact-log entries (支援経過) go too (by default they do not).
#[derive(Debug, Clone, Copy, Default)]
pub struct Disclose<'a> {
    pub to: Option<&'a [Uuid]>,
    pub progress_notes: bool,
}

/// A meeting's decision that attendees keep a case beyond the meeting, and on which basis.
#[derive(Debug, Clone)]
pub struct LastingShare {
    pub agencies: Vec<Uuid>,
    pub basis: Basis,
}

/// A meeting with its agenda and corrections.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingDetail {
    pub meeting: Meeting,
    pub agenda: Vec<AgendaEntry>,
    pub total_minutes: u32,
    pub corrections: Vec<Correction>,
    pub agency_names: HashMap<Uuid, String>,
}

/// An agenda item with what a list needs to show it.
#[derive(Debug, Clone, Serialize)]
pub struct AgendaEntry {
    pub item: AgendaItem,
    pub household_label: String,
    pub title: String,
    pub lead_agency_name: String,
    /// Flagged before finalisation: no next review date and the case is not being closed.
    pub needs_review_date: bool,
    /// Attendees (other than the case's lead) the case was not disclosed to: they hear it at the
    /// meeting without its records, and receive no copy of the meeting's record.
    pub withheld_from: Vec<Uuid>,
}

/// (assessment entry, version op) pairs kept with an agenda item at finalisation.
pub type Snapshot = Vec<(Uuid, Uuid)>;

fn meeting_scope(id: Uuid) -> Scope {
    Scope::Conference(id)
}

impl Vault {
    /// Plans a meeting coordinated by this agency.
    pub fn new_meeting(&mut self, new: NewMeeting) -> Result<Uuid, MeetingError> {
        let kind = crate::reference::conference_type(new.kind.trim())
            .ok_or_else(|| MeetingError::UnknownType(new.kind.clone()))?
            .code;
        let place = require_text("place", &new.place)?;
        if new.attendees.is_empty() {
            return Err(RecordError::Missing("at least one attendee agency").into());
        }
        for a in new.attendees.iter().chain(new.chair.iter()) {
            self.agency(*a)?;
        }
        let mut attendees = new.attendees.clone();
        attendees.sort();
        attendees.dedup();
        if let Some(why) = self.roster_refusal(&self.rosters_in_force()?, kind, &attendees, new.date)? {
            return Err(MeetingError::NotOnRoster(why));
        }
        let me = self.me.agency;
        let series = new
            .series
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(kind)
            .to_string();
        self.write(|tx| {
            let f = Fields::new()
                .put("type", kind)
                .put("series", &series)
                .put("date", new.date)
                .maybe("time", optional_text("time", new.time.as_deref())?)
                .put("place", &place)
                .maybe("chair", new.chair)
                .put("coordinator", me)
                .put("attendees", &attendees)
                .into_map();
            let id = tx.create_root("meeting", None, f)?;
            tx.audit("meeting.new", Some(id.to_string()), Some(kind.to_string()));
            Ok(id)
        })
    }

    pub fn meeting(&self, id: Uuid) -> Result<Meeting, MeetingError> {
        Ok(view(&load_one(&self.conn, id, "meeting")?)?)
    }

    /// Every meeting, newest first.
    pub fn meetings(&self) -> Result<Vec<Meeting>, MeetingError> {
        let mut out: Vec<Meeting> = load_all(&self.conn, "meeting", None)?
            .iter()
            .filter_map(|st| view::<Meeting>(st).ok())
            .collect();
        out.sort_by(|a, b| b.date.cmp(&a.date).then(b.time.cmp(&a.time)).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    fn items_of(&self, meeting: Uuid) -> Result<Vec<AgendaItem>, MeetingError> {
        let mut items: Vec<AgendaItem> = load_all(&self.conn, "agenda-item", Some(meeting))?
            .iter()
            .filter_map(|st| view::<AgendaItem>(st).ok())
            .collect();
        items.retain(|i| !i.removed);
        items.sort_by_key(|i| (i.order, i.id));
        Ok(items)
    }

    /// A meeting with its agenda (in order, with total time) and corrections.
    pub fn meeting_detail(&mut self, id: Uuid) -> Result<MeetingDetail, MeetingError> {
        let d = self.meeting_detail_quiet(id)?;
        self.audit_now("meeting.view", Some(id.to_string()), None)?;
        Ok(d)
    }

    pub(crate) fn meeting_detail_quiet(&self, id: Uuid) -> Result<MeetingDetail, MeetingError> {
        let meeting = self.meeting(id)?;
        let agency_names: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let mut agenda = Vec::new();
        for item in self.items_of(id)? {
            let c = self.case_quiet(item.case).ok();
            let household_label = c
                .as_ref()
                .and_then(|c| self.household(c.household).ok())
                .map(|h| h.label)
                .unwrap_or_default();
            let closing = c.as_ref().is_some_and(|c| c.status == record::CaseStatus::Closed);
            let withheld_from = match &c {
                Some(c) => {
                    let shares = self.shares_of(c.id)?;
                    meeting
                        .attendees
                        .iter()
                        .copied()
                        .filter(|a| *a != c.lead_agency && !shares.iter().any(|s| s.active && s.agency == *a))
                        .collect()
                }
                None => Vec::new(),
            };
            agenda.push(AgendaEntry {
                withheld_from,
                needs_review_date: item.next_review.is_none() && !closing,
                household_label,
                title: c
                    .as_ref()
                    .map(|c| c.title.clone())
                    .unwrap_or_else(|| "（閲覧できないケース）".into()),
                lead_agency_name: c
                    .as_ref()
                    .and_then(|c| agency_names.get(&c.lead_agency).cloned())
                    .unwrap_or_default(),
                item,
            });
        }
        let total_minutes = agenda.iter().map(|e| e.item.minutes).sum();
        let mut corrections: Vec<Correction> = load_all(&self.conn, "correction", Some(id))?
            .iter()
            .filter_map(|st| view::<Correction>(st).ok())
            .collect();
        corrections.sort_by_key(|c| (c.date, c.id));
        Ok(MeetingDetail {
            meeting,
            agenda,
            total_minutes,
            corrections,
            agency_names,
        })
    }

    pub(crate) fn require_open(&self, meeting: &Meeting) -> Result<(), MeetingError> {
        if meeting.finalised.is_some() {
            return Err(MeetingError::Finalised);
        }
        if meeting.coordinator != self.me.agency {
            return Err(MeetingError::NotCoordinator);
        }
        Ok(())
    }

    /// Puts a case on the agenda. The meeting's legal basis is checked first: a consent-based
    /// meeting needs a valid consent covering every attendee; then the case is shared with the
    /// attendees under that basis (recorded), which only the lead may do.
    pub fn add_to_agenda(
        &mut self,
        meeting: Uuid,
        case: Uuid,
        minutes: Option<u32>,
        reasons: Vec<String>,
        note: Option<&str>,
    ) -> Result<Uuid, MeetingError> {
        self.add_to_agenda_disclosing(meeting, case, minutes, reasons, note, Disclose::default())
    }

    /// The last day a case disclosed for this meeting stays with its attendees: the set number
    /// of days after the meeting ([`Vault::meeting_disclosure_days`]).
    pub fn meeting_disclosure_last_day(&self, meeting: Uuid) -> Result<Date, MeetingError> {
        let m = self.meeting(meeting)?;
        self.disclosure_last_day(m.date)
    }

    /// The last day a disclosure for a meeting on `day` lasts.
    fn disclosure_last_day(&self, day: Date) -> Result<Date, MeetingError> {
        let days = jiff::Span::new().days(i64::from(self.meeting_disclosure_days()?));
        Ok(day.checked_add(days).unwrap_or(day))
    }

    /// Puts a case on the agenda, disclosing it for the meeting only to the attendees in `to`
    /// (every attendee when None). An attendee left out does not receive the case, and so not
    /// the meeting's record either (the record holds what was said about every case). A
    /// disclosure ends [`Vault::meeting_disclosure_days`] after the meeting unless the meeting's
    /// record decides a lasting share; an agency that already sees the case keeps its share.
    pub fn add_to_agenda_disclosing(
        &mut self,
        meeting: Uuid,
        case: Uuid,
        minutes: Option<u32>,
        reasons: Vec<String>,
        note: Option<&str>,
        disclose: Disclose<'_>,
    ) -> Result<Uuid, MeetingError> {
        let to = disclose.to;
        let m = self.meeting(meeting)?;
        self.require_open(&m)?;
        let items = self.items_of(meeting)?;
        if items.iter().any(|i| i.case == case) {
            return Err(MeetingError::AlreadyOnAgenda);
        }
        let c = self.case_quiet(case)?;
        let basis = Basis::of_conference_type(&m.kind).ok_or_else(|| MeetingError::UnknownType(m.kind.clone()))?;
        if crate::remit::restricts(&m.kind) {
            let members = self.members_of(c.household)?;
            if let Some(why) = crate::remit::outside(&m.kind, &m.type_label, m.date, &members, &c.problems) {
                return Err(MeetingError::OutsideRemit(why));
            }
        }
        let shares = self.shares_of(case)?;
        let names: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let name = |a: &Uuid| names.get(a).cloned().unwrap_or_else(|| a.to_string());
        if let Some(to) = to {
            if let Some(stranger) = to.iter().find(|a| !m.attendees.contains(a)) {
                let who = name(stranger);
                return Err(MeetingError::Record(RecordError::Inconsistent(record::msg!(
                    ja: "{who}はこの会議の出席機関ではないため、会議のための情報提供先にできません",
                    en: "{who} does not attend this meeting, so the case cannot be disclosed to it for the meeting"
                ))));
            }
        }
        let until = self.disclosure_last_day(m.date)?;
        let missing = without_access(&m.attendees, c.lead_agency, &shares, until, to);
        let purpose = Basis::purpose_of_conference(&m.kind).or(basis.default_purpose());
        let consents = if basis.needs_consent() {
            self.consents_of(c.household)?
        } else {
            Vec::new()
        };
        let covering = |a: Uuid, day: jiff::civil::Date| {
            purpose.and_then(|purpose| {
                let u = record::ConsentUse {
                    agency: a,
                    day,
                    purpose: purpose.code(),
                    key_person: c.key_person,
                };
                consents
                    .iter()
                    .filter(move |k| k.covers(&u, false).is_ok())
                    .max_by_key(|k| k.date)
            })
        };
        if basis.needs_consent() {
            let day = m.date;
            let uncovered: Vec<String> = m
                .attendees
                .iter()
                .filter(|a| **a != c.lead_agency && to.is_none_or(|to| to.contains(a)))
                .filter(|a| covering(**a, day).is_none())
                .map(&name)
                .collect();
            if !uncovered.is_empty() {
                let (kind, who) = (&m.type_label, uncovered.join("、"));
                return Err(MeetingError::ConsentMissing(record::msg!(
                    ja: "{kind}は本人の同意に基づいて開く会議ですが、{day} 時点で次の機関への共有を認める有効な同意（ケースの本人の同意で、その機関・この会議の目的・すべての情報の種類を含み、期間内のもの）がありません：{who}。同意を記録するか、支援会議で検討してください",
                    en: "{kind} is held with the person's consent, and no consent valid on {day} (the key person's, naming the agency, for this meeting's purpose, covering every kind of information) covers: {who}; record one (kasane consent add) or discuss the case at a 支援会議 instead"
                )));
            }
        }
        if !missing.is_empty() {
            if c.lead_agency != self.me.agency {
                return Err(MeetingError::NotShareable {
                    lead: name(&c.lead_agency),
                    missing: missing.iter().map(&name).collect::<Vec<_>>().join("、"),
                });
            }
            // A meeting held only on the person's consent (consent-only), or a 支援調整会議 on the
            // person's application, is no 重層的支援会議: its shares rest on the consent record
            // itself, so the case shows 本人同意 as their basis.
            let consent_only = Basis::rests_on_consent_record(&m.kind);
            let today = self.ambient.clock.today();
            for a in &missing {
                let basis = if consent_only {
                    covering(*a, today)
                        .or_else(|| covering(*a, m.date))
                        .map_or(basis, |k| Basis::Consent(k.id))
                } else {
                    // Under 重層的支援会議 the share rests on the meeting's basis (consent checked above).
                    basis
                };
                let term = crate::share::MeetingTerm {
                    meeting,
                    until,
                    progress_notes: disclose.progress_notes,
                };
                match self.share_cases_for(&[case], *a, basis, purpose, Some(term)) {
                    Ok(()) | Err(ShareError::OwnAgency(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        let order = items.iter().map(|i| i.order).max().unwrap_or(0) + 1;
        let reasons = if reasons.is_empty() {
            vec!["added".to_string()]
        } else {
            reasons
        };
        let minutes = minutes.unwrap_or(10).clamp(1, 240);
        let note = optional_text("note", note)?;
        self.write(|tx| {
            let f = Fields::new()
                .put("meeting", meeting)
                .put("case", case)
                .put("reasons", &reasons)
                .maybe("note", note.as_ref())
                .put("order", order)
                .put("minutes", minutes)
                .into_map();
            let id = tx.create(meeting_scope(meeting), "agenda-item", Some(meeting), f)?;
            tx.audit(
                "meeting.agenda.add",
                Some(meeting.to_string()),
                Some(format!("case {case}")),
            );
            Ok(id)
        })
    }

    fn item_for(&self, meeting: Uuid, case: Uuid) -> Result<AgendaItem, MeetingError> {
        self.items_of(meeting)?
            .into_iter()
            .find(|i| i.case == case)
            .ok_or_else(|| MeetingError::NotOnAgenda)
    }

    pub fn remove_from_agenda(&mut self, meeting: Uuid, case: Uuid) -> Result<(), MeetingError> {
        let m = self.meeting(meeting)?;
        self.require_open(&m)?;
        let item = self.item_for(meeting, case)?;
        self.write(|tx| {
            tx.set(item.id, Fields::new().put("removed", true).into_map())?;
            tx.audit(
                "meeting.agenda.remove",
                Some(meeting.to_string()),
                Some(format!("case {case}")),
            );
            Ok(())
        })
    }

    /// Moves an item to a position (1 = first) and/or sets its time.
    pub fn arrange_agenda(
        &mut self,
        meeting: Uuid,
        case: Uuid,
        position: Option<usize>,
        minutes: Option<u32>,
    ) -> Result<(), MeetingError> {
        let m = self.meeting(meeting)?;
        self.require_open(&m)?;
        let mut items = self.items_of(meeting)?;
        let from = items
            .iter()
            .position(|i| i.case == case)
            .ok_or(MeetingError::NotOnAgenda)?;
        let mut changes: Vec<(Uuid, serde_json::Map<String, Value>)> = Vec::new();
        if let Some(p) = position {
            let item = items.remove(from);
            let to = p.saturating_sub(1).min(items.len());
            items.insert(to, item);
            for (n, i) in items.iter().enumerate() {
                let order = n as i64 + 1;
                if i.order != order {
                    changes.push((i.id, Fields::new().put("order", order).into_map()));
                }
            }
        }
        if let Some(mins) = minutes {
            let id = items.iter().find(|i| i.case == case).map(|i| i.id).unwrap_or_default();
            changes.push((id, Fields::new().put("minutes", mins.clamp(1, 240)).into_map()));
        }
        self.write(|tx| {
            for (id, f) in &changes {
                tx.set(*id, f.clone())?;
            }
            tx.audit(
                "meeting.agenda.arrange",
                Some(meeting.to_string()),
                Some(format!("case {case}")),
            );
            Ok(())
        })
    }

    /// Who came, who sent apologies, who observed.
    pub fn record_attendance(
        &mut self,
        meeting: Uuid,
        present: Vec<Uuid>,
        apologies: Vec<Uuid>,
        observers: Vec<String>,
    ) -> Result<(), MeetingError> {
        let m = self.meeting(meeting)?;
        self.require_open(&m)?;
        for a in present.iter().chain(&apologies) {
            self.agency(*a)?;
        }
        self.write(|tx| {
            let f = Fields::new()
                .put("present", &present)
                .put("apologies", &apologies)
                .put("observers", &observers)
                .into_map();
            tx.set(meeting, f)?;
            tx.audit("meeting.attendance", Some(meeting.to_string()), None);
            Ok(())
        })
    }

    /// Records the discussion of one item: notes, decisions, new actions (in the case's plan)
    /// and the next review date (which becomes the case's).
    pub fn record_item(&mut self, meeting: Uuid, case: Uuid, rec: ItemRecord) -> Result<Vec<Uuid>, MeetingError> {
        let m = self.meeting(meeting)?;
        self.require_open(&m)?;
        let item = self.item_for(meeting, case)?;
        let today = self.ambient.clock.today();
        let mut f = Fields::new();
        if let Some(d) = &rec.discussion {
            f = f.put("discussion", optional_text("discussion", Some(d))?);
        }
        let decisions: Vec<String> = rec
            .decisions
            .iter()
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect();
        let mut decisions = decisions;
        if let Some(lasting) = &rec.lasting {
            decisions.push(self.keep_shared_after(&m, case, lasting)?);
        }
        if !decisions.is_empty() {
            let mut all = item.decisions.clone();
            all.extend(decisions);
            f = f.put("decisions", all);
        }
        let fields = f.maybe("next_review", rec.next_review).into_map();
        let actions = rec.actions.clone();
        self.write(|tx| {
            if !fields.is_empty() {
                tx.set(item.id, fields.clone())?;
            }
            if let Some(d) = rec.next_review {
                tx.set(case, Fields::new().put("next_review", d).into_map())?;
            }
            let mut ids = Vec::new();
            for a in &actions {
                let mut a = a.clone();
                a.case = case;
                a.meeting = Some(meeting);
                ids.push(record::insert_action(tx, &a, today)?);
            }
            tx.audit(
                "meeting.record",
                Some(meeting.to_string()),
                Some(format!("case {case}")),
            );
            Ok(ids)
        })
    }

    /// Makes the meeting's disclosure of a case to some attendees a lasting share under its own
    /// basis (only the case's lead may; the basis's own rules apply: roster, consent). Returns
    /// the decision as it goes into the record.
    fn keep_shared_after(&mut self, m: &Meeting, case: Uuid, lasting: &LastingShare) -> Result<String, MeetingError> {
        if lasting.agencies.is_empty() {
            return Err(MeetingError::Record(RecordError::Inconsistent(record::msg!(
                ja: "会議の後も共有を続ける機関を選んでください",
                en: "choose the agencies that keep the case after the meeting"
            ))));
        }
        let mut names = Vec::new();
        for a in &lasting.agencies {
            let name = self.agency(*a).map(|x| x.name).unwrap_or_else(|_| a.to_string());
            if !m.attendees.contains(a) {
                return Err(MeetingError::Record(RecordError::Inconsistent(record::msg!(
                    ja: "{name}はこの会議の出席機関ではないため、会議の決定で共有を続けることはできません",
                    en: "{name} does not attend this meeting, so its record cannot decide that it keeps the case"
                ))));
            }
            names.push(name);
        }
        let basis = lasting.basis;
        for a in &lasting.agencies {
            match self.share_cases_for(&[case], *a, basis, basis.default_purpose(), None) {
                // The lead keeps its own case anyway.
                Ok(()) | Err(ShareError::OwnAgency(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(format!(
            "会議の後も共有を続ける：{}（根拠：{}）",
            names.join("、"),
            basis.label_ja()
        ))
    }

    /// Closes the record: refused while an item has no next review date (unless its case is
    /// being closed). Keeps a snapshot of each case's assessment for "changed since", and marks
    /// discussion requests as dealt with. Afterwards the record is read-only.
    pub fn finalise_meeting(&mut self, meeting: Uuid) -> Result<(), MeetingError> {
        let m = self.meeting(meeting)?;
        self.require_open(&m)?;
        let detail = self.meeting_detail_quiet(meeting)?;
        let flagged: Vec<String> = detail
            .agenda
            .iter()
            .filter(|e| e.needs_review_date)
            .map(|e| format!("{}（{}）", e.household_label, e.title))
            .collect();
        if !flagged.is_empty() {
            return Err(MeetingError::ReviewMissing(flagged.join("、")));
        }
        let mut snapshots = Vec::new();
        let mut flags = Vec::new();
        for e in &detail.agenda {
            let snap: Vec<(Uuid, Uuid)> = self
                .assessment_entries(e.item.case)?
                .into_iter()
                .filter(|a| !a.retracted)
                .filter_map(|a| a.version.map(|v| (a.id, v)))
                .collect();
            snapshots.push((e.item.id, snap));
            flags.extend(propose::open_flags(self, e.item.case)?.into_iter().map(|f| f.id));
        }
        let today = self.ambient.clock.today();
        self.write(|tx| {
            for (item, snap) in &snapshots {
                tx.set(*item, Fields::new().put("snapshot", snap).into_map())?;
            }
            for f in &flags {
                tx.set(*f, Fields::new().put("resolved_meeting", meeting).into_map())?;
            }
            tx.set(meeting, Fields::new().put("finalised", today).into_map())?;
            tx.audit("meeting.finalise", Some(meeting.to_string()), None);
            Ok(())
        })
    }

    /// Adds a correction to a finalised record.
    pub fn correct_meeting(&mut self, meeting: Uuid, case: Option<Uuid>, text: &str) -> Result<Uuid, MeetingError> {
        let m = self.meeting(meeting)?;
        if m.finalised.is_none() {
            return Err(RecordError::Refused(record::msg!(ja: "記録はまだ確定していません。直接修正してください", en: "the record is not finalised yet: change it directly")).into());
        }
        let text = require_text("correction", text)?;
        let (agency, today) = (self.me.agency, self.ambient.clock.today());
        self.write(|tx| {
            let f = Fields::new()
                .put("meeting", meeting)
                .maybe("case", case)
                .put("text", &text)
                .put("agency", agency)
                .put("date", today)
                .into_map();
            let id = tx.create(meeting_scope(meeting), "correction", Some(meeting), f)?;
            tx.audit("meeting.correct", Some(meeting.to_string()), None);
            Ok(id)
        })
    }

    /// What changed in a case's assessment since the last finalised meeting that discussed it:
    /// (new or revised entries, entries retracted since). None when it was never discussed.
    pub fn assessment_changes(&self, case: Uuid) -> Result<Option<AssessmentChanges>, MeetingError> {
        let Some((meeting, snapshot)) = self.last_discussion(case)? else {
            return Ok(None);
        };
        let before: HashMap<Uuid, Uuid> = snapshot.into_iter().collect();
        let now = self.assessment_entries(case)?;
        let mut added = Vec::new();
        let mut revised = Vec::new();
        let mut retracted = Vec::new();
        for e in now {
            match (before.get(&e.id), e.retracted) {
                (None, false) => added.push(e),
                (Some(_), true) => retracted.push(e),
                (Some(v), false) if Some(*v) != e.version => revised.push(e),
                _ => {}
            }
        }
        Ok(Some(AssessmentChanges {
            since: meeting,
            added,
            revised,
            retracted,
        }))
    }

    /// The last finalised meeting that discussed a case, with its assessment snapshot.
    pub(crate) fn last_discussion(&self, case: Uuid) -> Result<Option<(Meeting, Snapshot)>, MeetingError> {
        let mut best: Option<(Meeting, Snapshot)> = None;
        for st in load_all(&self.conn, "agenda-item", None)? {
            let Ok(item) = view::<AgendaItem>(&st) else {
                continue;
            };
            if item.case != case || item.removed {
                continue;
            }
            let Ok(m) = self.meeting(item.meeting) else { continue };
            if m.finalised.is_none() {
                continue;
            }
            if best.as_ref().is_none_or(|(b, _)| m.date > b.date) {
                best = Some((m, item.snapshot));
            }
        }
        Ok(best)
    }
}

/// Assessment entries that are new, revised or retracted since a meeting.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentChanges {
    pub since: Meeting,
    pub added: Vec<record::AssessmentEntry>,
    pub revised: Vec<record::AssessmentEntry>,
    pub retracted: Vec<record::AssessmentEntry>,
}
