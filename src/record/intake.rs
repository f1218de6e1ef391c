//! 相談受付: how a consultation came to the agency (経路), who came (来談者), the main complaint in
//! the person's own words (主訴), who received it and when, and the consent given at intake. It is
//! a field of the case written by its lead, so it travels with the case and the log keeps every
//! earlier wording; a consent it names must be one recorded in the case's household.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Fields, RecordError, choice, msg, note::time_field, optional_text, require_text};
use crate::{Vault, ja::Date};

choice!(IntakeRoute, "intake route", {
    Visit = "visit" / "本人来所",
    Phone = "phone" / "電話",
    Family = "family" / "家族から",
    Referral = "referral" / "関係機関から紹介",
    Outreach = "outreach" / "訪問・アウトリーチ",
    Community = "community" / "地域住民・民生委員から",
    Other = "other" / "その他",
});

choice!(Visitor, "who came", {
    Person = "person" / "本人",
    Family = "family" / "家族",
    Related = "related" / "関係者",
});

/// A consultation as received (相談受付票).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    pub date: Date,
    /// HH:MM, when known.
    #[serde(default)]
    pub time: Option<String>,
    /// 受付者: the worker who received it, as they sign.
    pub received_by: String,
    pub route: IntakeRoute,
    /// Who made the referral, for 関係機関から紹介 and 地域から (the agency, the 民生委員 …).
    #[serde(default)]
    pub referrer: Option<String>,
    pub visitor: Visitor,
    /// The visitor's name or relationship to the person, when not the person.
    #[serde(default)]
    pub visitor_name: Option<String>,
    /// 主訴: in the person's own words.
    pub complaint: String,
    /// 世帯の状況 as told at intake.
    #[serde(default)]
    pub situation: Option<String>,
    /// The consent given at intake (a consent record of the household); None: none given.
    #[serde(default)]
    pub consent: Option<Uuid>,
}

/// A consultation as typed; `date` None is today.
#[derive(Debug, Clone)]
pub struct NewIntake {
    pub date: Option<Date>,
    pub time: Option<String>,
    pub received_by: String,
    pub route: IntakeRoute,
    pub referrer: Option<String>,
    pub visitor: Visitor,
    pub visitor_name: Option<String>,
    pub complaint: String,
    pub situation: Option<String>,
    pub consent: Option<Uuid>,
}

impl Vault {
    /// Records (or corrects) how a case's consultation was received; only its lead agency does.
    /// Refused for a day in the future, a time that is not one, a consent of another household,
    /// and a closed case.
    pub fn record_intake(&mut self, case: Uuid, new: NewIntake) -> Result<(), RecordError> {
        let c = self.case_quiet(case)?;
        self.require_lead_for(&c, "相談受付の記録", "records the intake")?;
        if c.status == super::CaseStatus::Closed {
            return Err(RecordError::Refused(msg!(
                ja: "終結したケースの相談受付は変更できません。先に再開してください",
                en: "a closed case's intake cannot change; reopen it first"
            )));
        }
        let today = self.ambient.clock.today();
        let date = new.date.unwrap_or(today);
        if date > today {
            return Err(RecordError::Inconsistent(
                msg!(ja: "受付日 {date} が未来の日付です", en: "the intake date {date} is in the future"),
            ));
        }
        let time = time_field(new.time.as_deref())?;
        if let Some(k) = new.consent {
            if self.consent(k)?.household != c.household {
                return Err(RecordError::Inconsistent(msg!(
                    ja: "その同意はこの世帯のものではありません",
                    en: "that consent was recorded for another household"
                )));
            }
        }
        let intake = Intake {
            date,
            time,
            received_by: require_text("received by", &new.received_by)?,
            route: new.route,
            referrer: optional_text("referred by", new.referrer.as_deref())?,
            visitor: new.visitor,
            visitor_name: optional_text("who came", new.visitor_name.as_deref())?,
            complaint: require_text("main complaint", &new.complaint)?,
            situation: optional_text("household situation", new.situation.as_deref())?,
            consent: new.consent,
        };
        let first = c.intake.is_none();
        self.write(|tx| {
            tx.expect(case, "case")?;
            tx.set(case, Fields::new().put("intake", &intake).into_map())?;
            tx.audit(
                if first { "case.intake" } else { "case.intake.correct" },
                Some(case.to_string()),
                Some(intake.route.code().to_string()),
            );
            Ok(())
        })
    }
}
