//! 支援決定, 終結 and reopening: the city's decision to support a case (when, by whom, at which
//! meeting); a case closed on a day, for a reason, with whoever keeps watching (見守り先); a closed
//! case reopened only with a reason. All are fields of the case record written by its lead, so
//! they travel with it, and the log keeps every earlier one.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{CaseStatus, Fields, RecordError, choice, msg, optional_text, require_text};
use crate::{Vault, ja::Date};

choice!(ClosureReason, "closure reason", {
    GoalsMet = "goals-met" / "目標達成",
    MovedAway = "moved-away" / "転出",
    Died = "died" / "死亡",
    PersonsWish = "persons-wish" / "本人の意思",
    Transferred = "transferred" / "他機関へ移管",
    NoLongerNeeded = "no-longer-needed" / "支援の必要がなくなった",
    Unreachable = "unreachable" / "連絡不能",
    Other = "other" / "その他",
});

/// Why and when a case was closed, and who keeps watching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub date: Date,
    pub reason: ClosureReason,
    /// 見守り先: who keeps an eye on the household after the case closes (民生委員, 地域包括 …).
    #[serde(default)]
    pub watch: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The last reopening of a case: when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reopening {
    pub date: Date,
    pub reason: String,
}

/// The decision to support a case (支援決定): when, by whom (the post that decided, as said), at
/// which meeting if one decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportDecision {
    pub date: Date,
    pub by: String,
    #[serde(default)]
    pub meeting: Option<Uuid>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A closure as asked for; `date` None is today.
#[derive(Debug, Clone)]
pub struct NewClosure {
    pub date: Option<Date>,
    pub reason: ClosureReason,
    pub watch: Option<String>,
    pub note: Option<String>,
}

impl Vault {
    /// Closes a case (only its lead agency does). Refused for a case already closed, and for a
    /// day in the future or before the case was opened.
    pub fn close_case(&mut self, id: Uuid, new: NewClosure) -> Result<(), RecordError> {
        let c = self.case_quiet(id)?;
        self.require_lead_for(&c, "終結と再開", "closes or reopens it")?;
        if let (CaseStatus::Closed, Some(k)) = (c.status, &c.closure) {
            let day = crate::ja::wareki(k.date);
            return Err(RecordError::Refused(msg!(
                ja: "このケースは{day}にすでに終結しています",
                en: "this case was already closed on {day}"
            )));
        }
        let today = self.ambient.clock.today();
        let date = new.date.unwrap_or(today);
        if date > today {
            return Err(RecordError::Inconsistent(
                msg!(ja: "終結日 {date} が未来の日付です", en: "the closing date {date} is in the future"),
            ));
        }
        if date < c.opened {
            let opened = c.opened;
            return Err(RecordError::Inconsistent(msg!(
                ja: "終結日 {date} がケースの開始日 {opened} より前です",
                en: "the closing date {date} is before the case was opened ({opened})"
            )));
        }
        let closure = Closure {
            date,
            reason: new.reason,
            watch: optional_text("watch", new.watch.as_deref())?,
            note: optional_text("note", new.note.as_deref())?,
        };
        self.write(|tx| {
            tx.expect(id, "case")?;
            tx.set(
                id,
                Fields::new()
                    .put("status", CaseStatus::Closed)
                    .put("closure", &closure)
                    .into_map(),
            )?;
            tx.audit(
                "case.close",
                Some(id.to_string()),
                Some(closure.reason.code().to_string()),
            );
            Ok(())
        })
    }

    /// Records the decision to support a case (only its lead agency does); a case not yet in
    /// support is in support from then. Refused for a closed case, a day in the future or before
    /// the case opened, and a meeting that did not take the case up.
    pub fn decide_support(&mut self, id: Uuid, decision: SupportDecision) -> Result<(), RecordError> {
        let c = self.case_quiet(id)?;
        self.require_lead_for(&c, "終結と再開", "closes or reopens it")?;
        if c.status == CaseStatus::Closed {
            return Err(RecordError::Refused(msg!(
                ja: "終結したケースには支援決定を記録できません。先に再開してください",
                en: "a closed case takes no decision to support; reopen it first"
            )));
        }
        let date = decision.date;
        if date > self.ambient.clock.today() || date < c.opened {
            let opened = c.opened;
            return Err(RecordError::Inconsistent(msg!(
                ja: "支援決定日 {date} はケースの開始日（{opened}）から今日までの日付にしてください",
                en: "the decision date {date} must lie between the case's opening ({opened}) and today"
            )));
        }
        let by = require_text("decided by", &decision.by)?;
        if let Some(m) = decision.meeting {
            if !super::meeting_takes_up(&self.conn, m, id)? {
                return Err(RecordError::Inconsistent(msg!(
                    ja: "その会議ではこのケースを検討していません",
                    en: "that meeting did not take this case up"
                )));
            }
        }
        let decision = SupportDecision {
            date,
            by,
            meeting: decision.meeting,
            note: optional_text("note", decision.note.as_deref())?,
        };
        let starts = matches!(
            c.status,
            CaseStatus::Intake | CaseStatus::Assessment | CaseStatus::Planning
        );
        self.write(|tx| {
            tx.expect(id, "case")?;
            let f = Fields::new().put("support_decision", &decision);
            let f = if starts { f.put("status", CaseStatus::Active) } else { f };
            tx.set(id, f.into_map())?;
            tx.audit("case.decide", Some(id.to_string()), None);
            Ok(())
        })
    }

    /// Reopens a closed case with a reason (only its lead agency does): it is in support again,
    /// and the reopening is kept on the case; the closure stays in the log.
    pub fn reopen_case(&mut self, id: Uuid, reason: &str, date: Option<Date>) -> Result<(), RecordError> {
        let c = self.case_quiet(id)?;
        self.require_lead_for(&c, "終結と再開", "closes or reopens it")?;
        if c.status != CaseStatus::Closed {
            return Err(RecordError::Refused(msg!(
                ja: "終結していないケースは再開できません",
                en: "only a closed case can be reopened"
            )));
        }
        let reason = require_text("reason", reason)?;
        let today = self.ambient.clock.today();
        let date = date.unwrap_or(today);
        if date > today || c.closure.as_ref().is_some_and(|k| date < k.date) {
            return Err(RecordError::Inconsistent(msg!(
                ja: "再開日 {date} は終結日から今日までの日付にしてください",
                en: "the reopening date {date} must lie between the closing date and today"
            )));
        }
        let reopening = Reopening { date, reason };
        self.write(|tx| {
            tx.expect(id, "case")?;
            tx.set(
                id,
                Fields::new()
                    .put("status", CaseStatus::Active)
                    .put("closure", serde_json::Value::Null)
                    .put("reopened", &reopening)
                    .into_map(),
            )?;
            tx.audit("case.reopen", Some(id.to_string()), None);
            Ok(())
        })
    }
}
