//! The contact log (支援経過): dated entries by an agency and worker. Entries are immutable items:
//! an edit is a new version of the text, a retraction is a tombstone; history stays in the log.
//! Internal entries live in the case's `local:` scope and never leave this PC. An entry about a
//! visit or a call can say when, whom the worker met or reached, and how it went (面会できた, 不在,
//! 拒否 …), so repeated attempts with someone who refuses help show as such.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Fields, Record, RecordError, choice, conflicts_of, load_all, optional_text, require_text, view};
use crate::{
    Vault,
    ja::Date,
    log::{EntityState, Scope, Tx},
};

choice!(NoteKind, "contact kind", {
    Visit = "visit" / "訪問",
    Office = "office" / "来所",
    Phone = "phone" / "電話",
    Email = "email" / "メール",
    Meeting = "meeting" / "会議",
    Accompany = "accompany" / "同行",
    Other = "other" / "その他",
});

choice!(ContactOutcome, "contact outcome", {
    Met = "met" / "面会できた",
    NotHome = "not-home" / "不在",
    Refused = "refused" / "拒否",
    PhoneOnly = "phone-only" / "電話のみ",
    LeftNote = "left-note" / "手紙・置き手紙",
    Other = "other" / "その他",
});

/// How a contact attempt went: when, whom the worker met or reached, and the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outreach {
    /// "14:30"; None when not noted.
    #[serde(default)]
    pub time: Option<String>,
    /// Whom the worker met or reached (本人, 母, 近所の人 …), as said.
    #[serde(default)]
    pub contacted: Option<String>,
    pub outcome: ContactOutcome,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Note {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub case: Uuid,
    pub date: Date,
    pub kind: NoteKind,
    pub agency: Uuid,
    pub worker: Uuid,
    pub text: String,
    #[serde(default)]
    pub retracted: bool,
    /// For a contact attempt: when, with whom, and how it went.
    #[serde(default)]
    pub outreach: Option<Outreach>,
    /// Kept on this PC only (機関内メモ).
    #[serde(skip_deserializing)]
    pub internal: bool,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Note {
    const ETYPE: &'static str = "note";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.internal = st.scope.is_local();
        self.conflicts = conflicts_of(st);
    }
}

#[derive(Debug, Clone)]
pub struct NewNote {
    pub case: Uuid,
    pub kind: NoteKind,
    pub text: String,
    /// None: today.
    pub date: Option<Date>,
    pub internal: bool,
    pub outreach: Option<Outreach>,
}

/// Checks a contact attempt as typed: a time of day as H:MM or HH:MM (kept as HH:MM), whom as
/// text; blanks dropped.
fn outreach(o: &Outreach) -> Result<Outreach, RecordError> {
    let time = time_field(o.time.as_deref())?;
    Ok(Outreach {
        time,
        contacted: optional_text("contacted", o.contacted.as_deref())?,
        outcome: o.outcome,
    })
}

/// A time of day as typed (H:MM or HH:MM), kept as HH:MM; blank is none, anything else refused.
pub(super) fn time_field(t: Option<&str>) -> Result<Option<String>, RecordError> {
    match t.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => time_of_day(t).map(Some).ok_or_else(|| {
            RecordError::Inconsistent(super::msg!(
                ja: "時刻「{t}」は読めません。14:30 のように入力してください",
                en: "\"{t}\" is not a time of day; write it as 14:30"
            ))
        }),
    }
}

/// "9:05" or "09:05" as "09:05"; None for anything else.
fn time_of_day(t: &str) -> Option<String> {
    let (h, m) = t.split_once(':')?;
    let hour = h.parse::<u8>().ok().filter(|h| *h < 24)?;
    let minute = m.parse::<u8>().ok().filter(|m| *m < 60)?;
    (h.len() <= 2 && m.len() == 2).then(|| format!("{hour:02}:{minute:02}"))
}

/// The contact attempts of a case at a glance: how many, how each went, when someone was last
/// met, and how many attempts since then did not reach them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutreachSummary {
    pub attempts: usize,
    /// (outcome, count), in the order of the outcome list.
    pub by_outcome: Vec<(ContactOutcome, usize)>,
    pub last_met: Option<Date>,
    /// Attempts after the last meeting (all of them when no one was ever met).
    pub since_last_met: usize,
}

impl OutreachSummary {
    /// From the entries of a contact log (retracted ones do not count).
    pub fn of(notes: &[Note]) -> OutreachSummary {
        let mut tried: Vec<(&Date, ContactOutcome)> = notes
            .iter()
            .filter(|n| !n.retracted)
            .filter_map(|n| n.outreach.as_ref().map(|o| (&n.date, o.outcome)))
            .collect();
        tried.sort_by_key(|(d, _)| **d);
        let last_met = tried
            .iter()
            .rev()
            .find(|(_, o)| *o == ContactOutcome::Met)
            .map(|(d, _)| **d);
        let since_last_met = match last_met {
            Some(m) => tried
                .iter()
                .filter(|(d, o)| **d > m || (**d == m && *o != ContactOutcome::Met))
                .count(),
            None => tried.len(),
        };
        let by_outcome = ContactOutcome::ALL
            .iter()
            .map(|k| (*k, tried.iter().filter(|(_, o)| o == k).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        OutreachSummary {
            attempts: tried.len(),
            by_outcome,
            last_met,
            since_last_met,
        }
    }
}

/// Writes a contact-log entry as `agency` and `worker` (the signed-in ones, except in the demo).
pub(crate) fn insert(
    tx: &mut Tx<'_>,
    new: &NewNote,
    agency: Uuid,
    worker: Uuid,
    today: Date,
) -> Result<Uuid, RecordError> {
    let text = require_text("text", &new.text)?;
    let date = new.date.unwrap_or(today);
    if date > today {
        return Err(RecordError::Inconsistent(
            super::msg!(ja: "経過の日付 {date} が未来の日付です", en: "the contact date {date} is in the future"),
        ));
    }
    tx.expect(new.case, "case")?;
    // Shared entries live in the case's progress scope, so a disclosure can leave them out.
    let scope = if new.internal {
        Scope::Local(new.case)
    } else {
        Scope::Progress(new.case)
    };
    let attempt = new.outreach.as_ref().map(outreach).transpose()?;
    let fields = Fields::new()
        .put("case", new.case)
        .put("date", date)
        .put("kind", new.kind)
        .put("agency", agency)
        .put("worker", worker)
        .put("text", &text)
        .maybe("outreach", attempt)
        .into_map();
    let id = tx.create(scope, "note", Some(new.case), fields)?;
    Ok(id)
}

impl Vault {
    pub fn add_note(&mut self, new: NewNote) -> Result<Uuid, RecordError> {
        let (agency, worker, today) = (self.me.agency, self.me.worker, self.ambient.clock.today());
        self.write(|tx| {
            let id = insert(tx, &new, agency, worker, today)?;
            tx.audit("note.add", Some(id.to_string()), Some(format!("case {}", new.case)));
            Ok(id)
        })
    }

    /// Only the agency that wrote a contact-log entry corrects or retracts it.
    fn require_own_note(&self, id: Uuid) -> Result<(), RecordError> {
        let n: Note = view(&super::load_one(&self.conn, id, "note")?)?;
        if n.agency != self.me.agency {
            return Err(RecordError::Refused(super::msg!(
                ja: "この経過は別の機関が記録したものです。訂正・取消はその機関が行います",
                en: "this entry was written by another agency; only that agency corrects or retracts it"
            )));
        }
        Ok(())
    }

    /// A new version of an entry's text; the earlier one stays in the log.
    pub fn edit_note(&mut self, id: Uuid, text: &str) -> Result<(), RecordError> {
        let text = require_text("text", text)?;
        self.require_own_note(id)?;
        self.write(|tx| {
            tx.expect(id, "note")?;
            tx.set(id, Fields::new().put("text", &text).into_map())?;
            tx.audit("note.edit", Some(id.to_string()), None);
            Ok(())
        })
    }

    /// Marks an entry as retracted (it stays in the log, shown struck through).
    pub fn retract_note(&mut self, id: Uuid) -> Result<(), RecordError> {
        self.require_own_note(id)?;
        self.write(|tx| {
            tx.expect(id, "note")?;
            tx.set(id, Fields::new().put("retracted", true).into_map())?;
            tx.audit("note.retract", Some(id.to_string()), None);
            Ok(())
        })
    }

    /// The contact log of a case (this agency's internal memos included), newest first. Reading
    /// it is a view like `case show`: one audit entry naming the case.
    pub fn notes_of(&self, case: Uuid) -> Result<Vec<Note>, RecordError> {
        let notes = self.notes_quiet(case)?;
        self.audit_read(
            "note.list",
            Some(case.to_string()),
            Some(format!("{} entries", notes.len())),
        )?;
        Ok(notes)
    }

    /// The contact log without an audit entry, for reads inside another audited one (the case
    /// view, printed documents).
    pub(crate) fn notes_quiet(&self, case: Uuid) -> Result<Vec<Note>, RecordError> {
        let mut notes: Vec<Note> = load_all(&self.conn, "note", Some(case))?
            .iter()
            .filter_map(|st| view::<Note>(st).ok())
            .collect();
        notes.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
        Ok(notes)
    }
}
