//! The contact log (支援経過): dated entries by an agency and worker. Entries are immutable items:
//! an edit is a new version of the text, a retraction is a tombstone; history stays in the log.
//! Internal entries live in the case's `local:` scope and never leave this PC.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Fields, Record, RecordError, choice, conflicts_of, load_all, require_text, view};
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
    let fields = Fields::new()
        .put("case", new.case)
        .put("date", date)
        .put("kind", new.kind)
        .put("agency", agency)
        .put("worker", worker)
        .put("text", &text)
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
